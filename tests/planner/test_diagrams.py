"""Diagrams: the graphs drawn from a plan, their layout, SVG safety, Mermaid, the editor's
live diagrams and the downloads."""

import io
import re
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import new_token, token_hash
from planner.diagrams import (
    NO_BOUNDARY,
    _crossings,
    boundary_diagram,
    boundary_graph,
    entity_diagram,
    entity_graph,
    layout,
    mermaid,
    mermaid_text,
)
from planner.models import Boundary, Entity, Operation, ShareLink
from planner.workspace import ensure_plan_rows
from tests.conftest import make_project
from tests.planner.plans import fill_plan

NASTY = '<script>alert("x")</script> [a] (b) {c} |d| #e `f` & "g"'


def chat() -> dict:
    return {
        "boundaries": [{"name": "Core"}, {"name": "Messaging"}, {"name": "AI"}],
        "entities": [
            {"name": "User", "boundary": "Core"},
            {"name": "Message", "boundary": "Messaging"},
            {"name": "Summary", "boundary": "AI"},
            {"name": "Draft", "boundary": None},
        ],
        "operations": [
            {"name": "send", "boundary": "Messaging", "entities": ["Message", "User"]},
            {"name": "edit", "boundary": "Messaging", "entities": ["User", "Message"]},
            {"name": "summarise", "boundary": "AI", "entities": ["Message", "Summary", "Draft"]},
            {"name": "signUp", "boundary": "Core", "entities": ["User"]},
            {"name": "loose", "boundary": None, "entities": ["User"]},
        ],
        "relationships": [
            {"source": "User", "target": "Message", "cardinality": "1:N"},
            {"source": "Message", "target": "Summary", "cardinality": "1:1"},
            {"source": "Message", "target": "Message", "cardinality": "1:N"},
        ],
    }


def test_a_call_is_an_operation_touching_data_another_boundary_owns():
    graph = boundary_graph(chat())
    calls = {(e.source, e.target): e.label for e in graph.edges}
    # send and edit both touch User (Core's): one call, labelled with the first and a count;
    # summarise reads Message (Messaging's); its own data and unowned Draft make no call;
    # an operation without a boundary makes none.
    assert calls == {("Messaging", "Core"): "send +1", ("AI", "Messaging"): "summarise"}
    loose = graph.nodes[-1]
    assert loose.name == NO_BOUNDARY and loose.loose and loose.items == ["loose"]


def test_entity_graph_keeps_direction_and_cardinality():
    edges = [(e.source, e.target, e.label) for e in entity_graph(chat()).edges]
    assert ("User", "Message", "1:N") in edges and ("Message", "Summary", "1:1") in edges


def test_layout_draws_a_layered_graph_without_crossings():
    # A graph the input order would draw crossed: a -> d, b -> c, with c before d.
    doc = {
        "entities": [{"name": n} for n in "abcd"] + [{"name": "e"}],
        "relationships": [
            {"source": "a", "target": "d", "cardinality": "1:N"},
            {"source": "b", "target": "c", "cardinality": "1:N"},
            {"source": "a", "target": "e", "cardinality": "1:1"},
            {"source": "e", "target": "c", "cardinality": "1:1"},
        ],
    }
    placed = layout(entity_graph(doc))
    boxes = placed.boxes
    assert boxes["a"].y < boxes["e"].y < boxes["c"].y  # layers follow the arrows
    # No two routes cross: compare their x order at every layer boundary.
    rows = sorted({round(b.y) for b in boxes.values()})
    layers = [
        [n for n, b in sorted(boxes.items(), key=lambda i: i[1].x) if round(b.y) == y] for y in rows
    ]
    down: dict[str, list[str]] = {}
    for edge, _ in placed.routes:
        down.setdefault(edge.source, []).append(edge.target)
    waypoints = [n for n in boxes if n.startswith("\0")]
    for w in waypoints:  # a -> d passes a waypoint: count through it
        a, b = w.split("\0")[1:3]
        down.setdefault(a, []).append(w)
        down.setdefault(w, []).append(b)
    assert _crossings(layers, down) == 0


def test_cycles_and_self_relationships_are_drawn():
    doc = {
        "entities": [{"name": "a"}, {"name": "b"}],
        "relationships": [
            {"source": "a", "target": "b", "cardinality": "1:N"},
            {"source": "b", "target": "a", "cardinality": "1:1"},
            {"source": "a", "target": "a", "cardinality": "N:M"},
        ],
    }
    svg = str(entity_diagram(doc))
    assert svg.count("<polygon") == 3  # an arrowhead each
    assert all(label in svg for label in (">1:N<", ">1:1<", ">N:M<"))


@pytest.mark.parametrize("draw", [boundary_diagram, entity_diagram])
def test_svg_is_safe_to_inline_whatever_the_names(draw):
    doc = chat()
    names = {"User": NASTY, "Messaging": NASTY + "!"}
    for row in doc["entities"] + doc["boundaries"]:
        row["name"] = names.get(row["name"], row["name"])
    for row in doc["entities"] + doc["operations"]:
        row["boundary"] = names.get(row["boundary"], row["boundary"])
    for row in doc["operations"]:
        row["entities"] = [names.get(n, n) for n in row["entities"]]
        row["name"] = NASTY if row["name"] == "send" else row["name"]
    for row in doc["relationships"]:
        row["source"] = names.get(row["source"], row["source"])
    svg = str(draw(doc))
    tree = ElementTree.fromstring(svg)  # noqa: S314 — our own output, checked well-formed
    tags = {el.tag.split("}")[-1] for el in tree.iter()}
    assert tags <= {"svg", "title", "rect", "text", "polyline", "polygon", "path"}
    assert not re.search(r"<script|style=|href|url\(|<foreignObject|\son\w+=", svg)
    assert "&lt;script&gt;" in svg


def test_mermaid_quotes_and_escapes_every_name():
    assert mermaid_text('Say "hi" [now] #1') == "Say #34;hi#34; #91;now#93; #35;1"
    doc = chat()
    doc["boundaries"][0]["name"] = 'Core "main" [v2]'
    for row in doc["entities"]:
        if row["boundary"] == "Core":
            row["boundary"] = 'Core "main" [v2]'
    text = mermaid(boundary_graph(doc))
    assert text.splitlines()[1] == "flowchart TB"
    assert 'subgraph n1["Core #34;main#34; #91;v2#93;"]' in text
    assert '  n2 -->|"send +1"| n1' in text
    entities = mermaid(entity_graph(chat()))
    assert '  n1 -->|"1:N"| n2' in entities and 'n1["User"]' in entities
    for line in text.splitlines()[2:]:  # every label's quotes are balanced
        assert line.count('"') % 2 == 0, line


@pytest.fixture
def drawn(project):
    ensure_plan_rows(project)
    core = Boundary.objects.create(project=project, name="Core", reason="core")
    chat_ = Boundary.objects.create(project=project, name="Chat <live>", reason="performance")
    user = Entity.objects.create(project=project, name="User", boundary=core)
    op = Operation.objects.create(
        project=project, name="send", category="immediate", boundary=chat_
    )
    op.entities.add(user)
    return project


def live_image(client, html: str) -> tuple[str, str]:
    """The URL of the diagram image in the page's diagrams section, and the SVG it serves."""
    section = html[html.index('id="diagrams"') :]
    src = re.search(r'<img src="([^"]+/live\.svg\?v=\d+)"', section)[1]
    response = client.get(src)
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    return src, response.content.decode()


@pytest.mark.parametrize(("step", "caption"), [("2", "calls between them"), ("4", "Entities and")])
def test_levels_2_and_4_show_their_diagram(drawn, viewer_client, step, caption):
    html = viewer_client.get(reverse("workspace_step", args=[drawn.pk, step])).content.decode()
    section = html[html.index('id="diagrams"') :]
    assert caption in section and 'alt="' in section
    _, svg = live_image(viewer_client, html)
    assert svg.startswith("<svg") and caption in svg
    if step == "2":
        assert "Chat &lt;live&gt;" in svg and ">send<" in svg
    assert reverse("diagram_download", args=[drawn.pk, "entities", "mmd"]) in html or step == "2"


def test_the_live_image_is_kept_while_the_plan_is_unchanged(drawn, viewer_client):
    html = viewer_client.get(reverse("workspace_step", args=[drawn.pk, "4"])).content.decode()
    src, _ = live_image(viewer_client, html)
    assert "private" in viewer_client.get(src)["Cache-Control"]
    assert "max-age" in viewer_client.get(src)["Cache-Control"]
    # An address naming another version is answered, but never kept.
    assert "no-cache" in viewer_client.get(src.split("?")[0] + "?v=1")["Cache-Control"]


def test_a_save_on_level_4_redraws_the_diagram_out_of_band(drawn, editor_client):
    page = editor_client.get(reverse("workspace_step", args=[drawn.pk, "4"])).content.decode()
    before, _ = live_image(editor_client, page)
    response = editor_client.post(
        reverse("row_add", args=[drawn.pk, "entity"]),
        {"add-entity-name": "Invoice", "add-entity-concurrency": "", "add-entity-boundary": ""},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    oob = re.search(r'<section id="diagrams"[^>]*hx-swap-oob="true".*?</section>', html, re.S)
    assert oob
    after, svg = live_image(editor_client, oob.group(0))
    assert after != before and ">Invoice<" in svg


def test_without_javascript_a_save_redirects_to_the_redrawn_step(drawn, editor_client):
    url = reverse("row_add", args=[drawn.pk, "boundary"])
    response = editor_client.post(url, {"add-boundary-name": "Billing", "add-boundary-reason": ""})
    assert response.status_code == 302
    html = editor_client.get(response.url).content.decode()
    assert ">Billing<" in live_image(editor_client, html)[1]


@pytest.mark.parametrize(("fmt", "kind"), [("svg", "image/svg+xml"), ("mmd", "text/vnd.mermaid")])
def test_downloads_for_members(drawn, viewer_client, fmt, kind):
    response = viewer_client.get(reverse("diagram_download", args=[drawn.pk, "boundaries", fmt]))
    assert response.status_code == 200 and response["Content-Type"].startswith(kind)
    assert (
        response["Content-Disposition"] == f'attachment; filename="chat-backend-boundaries.{fmt}"'
    )
    body = response.content.decode()
    assert ("Chat &lt;live&gt;" if fmt == "svg" else "Chat #60;live#62;") in body


def test_downloads_refuse_outsiders_and_unknown_diagrams(drawn, outsider_client, owner_client):
    live = reverse("diagram_live", args=[drawn.pk, "entities"])
    assert outsider_client.get(live).status_code == 404
    assert owner_client.get(live.replace("entities", "secrets")).status_code == 404
    url = reverse("diagram_download", args=[drawn.pk, "boundaries", "svg"])
    assert outsider_client.get(url).status_code == 404
    assert owner_client.get(url.replace("boundaries", "secrets")).status_code == 404
    assert owner_client.get(url.replace(".svg", ".png")).status_code == 404
    assert owner_client.post(url).status_code == 405


@pytest.mark.parametrize("name", ["boundaries", "entities"])
def test_download_queries_do_not_grow_with_the_plan(team, owner, catalogue, owner_client, name):
    counts = []
    for rows in (5, 200):
        plan = fill_plan(make_project(team, name=f"Plan {rows}", created_by=owner), rows)
        url = reverse("diagram_download", args=[plan.pk, name, "svg"])
        with CaptureQueriesContext(connection) as captured:
            response = owner_client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 5, counts


def test_the_pdf_prints_both_diagrams(demo_pdf):
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(demo_pdf)).pages)
    text = " ".join(text.split())
    assert "Boundaries, their operations and the calls between them" in text
    assert "Entities and relationships" in text
    assert "1:N" in text  # a cardinality label: the tables spell it "One to many"


def test_the_share_page_shows_the_diagrams(drawn, owner):
    token = new_token()
    ShareLink.objects.create(project=drawn, token_hash=token_hash(token), created_by=owner)
    html = Client().get(reverse("share_page", args=[token])).content.decode()
    assert html.count("<svg") == 2 and "calls between them" in html
    assert "Chat &lt;live&gt;" in html and "<live>" not in html
