"""The PDF report: content, safety of the renderer, unicode, size, and how it looks.

The demo plan is rendered once per run (`demo_pdf`, tests/planner/conftest.py);
the large plan's render is timed by bench/bench_pdf.py, here only its HTML is checked.
"""

import io
import json
import os
import re
import shutil
import subprocess
import unicodedata
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from planner.diagrams import boundary_diagram, entity_diagram
from planner.pdf import RefusedURL, StaticOnlyFetcher, render_pdf, report_html
from planner.plan_view import CHUNK_ROWS

DEMO_PATH = Path(__file__).resolve().parents[2] / "planner" / "fixtures" / "demo-plan.json"

ATTACKS = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://127.0.0.1:5432/">',
    "<style>@import url(file:///etc/passwd);</style>",
    '<div style="background: url(file:///etc/passwd)">x</div>',
    "</textarea><object data=file:///etc/shadow></object>",
]


def demo_document() -> dict:
    return json.loads(DEMO_PATH.read_text())


def large_document(rows: int = 200, answer_bytes: int = 10_000) -> dict:
    """The demo plan grown to `rows` rows in every list and ~10 KB per free-text answer."""
    doc = demo_document()
    filler = ("The quick brown fox jumps over the lazy dog; " * 300)[:answer_bytes]
    for level in doc["levels"].values():
        level["answers"] = {key: filler for key in level["answers"]} or {"notes": filler}
    medium = filler[:160]  # a long-ish table cell; answers carry the 10 KB
    doc["boundaries"] = [
        {"name": f"Boundary {i}", "responsibility": medium, "reason": "core"} for i in range(rows)
    ]
    doc["journey_steps"] = [
        {
            "name": f"Step {i}",
            "data_needed": medium,
            "timing": "fast",
            "offline": i % 2 == 0,
            "updates": "realtime",
            "external_services": "Push",
        }
        for i in range(rows)
    ]
    doc["operations"] = [
        {
            "name": f"operation{i}",
            "category": "immediate",
            "boundary": f"Boundary {i % rows}",
            "trigger": "User taps",
            "latency": "interactive",
            "entities": [f"Entity {i}"],
        }
        for i in range(rows)
    ]
    doc["entities"] = [
        {
            "name": f"Entity {i}",
            "description": medium,
            "source_of_truth": "db",
            "boundary": f"Boundary {i}",
            "concurrency": "optimistic",
            "denormalized": "",
        }
        for i in range(rows)
    ]
    doc["relationships"] = [
        {
            "source": f"Entity {i}",
            "target": f"Entity {i + 1}",
            "cardinality": "1:N",
            "sync": medium,
            "failure": medium,
        }
        for i in range(rows - 1)
    ]
    doc["decisions"] = [
        {
            "pattern": f"custom-pattern-{i}",
            "status": "defer",
            "problem": medium,
            "rationale": medium,
            "revealed_by": None,
        }
        for i in range(rows)
    ]
    doc["techniques"] = [
        {"technique": f"custom-technique-{i}", "status": "planned", "notes": medium}
        for i in range(rows)
    ]
    return doc


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def squash(text: str) -> str:
    """Compare text regardless of line breaks, hyphenation and ligatures."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u00ad\u2010\u2011-]+", "", text)


def all_answers(document: dict) -> list[str]:
    """Every free-text answer of a plan document."""
    texts = [v for v in document["context"].values() if isinstance(v, str) and len(v) > 12]
    for level in document["levels"].values():
        texts += [v for v in level["answers"].values() if v]
        if level.get("skip_reason"):
            texts.append(level["skip_reason"])
    for key in ("journey_steps", "boundaries", "entities", "relationships"):
        for row in document[key]:
            texts += [v for k, v in row.items() if isinstance(v, str) and len(v) > 12]
    for row in document["decisions"]:
        texts += [row["problem"], row["rationale"]]
    texts += [t["notes"] for t in document["techniques"] if t["notes"]]
    texts += [q["answer"] for q in document["core_questions"].values() if q["answer"]]
    return [t for t in texts if t.strip()]


def small_document() -> dict:
    """A plan with one answer and one row per list: a few pages, quick to render."""
    doc = demo_document()
    for key in ("journey_steps", "boundaries", "operations", "entities", "decisions"):
        doc[key] = doc[key][:1]
    doc["relationships"], doc["techniques"] = [], []
    for level in doc["levels"].values():
        level["answers"] = dict(list(level["answers"].items())[:1])
    return doc


@cache
def installed_font_families() -> str:
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return ""
    return subprocess.run([fc_list, ":", "family"], capture_output=True, text=True).stdout  # noqa: S603


def require(what: str, present: bool, env: str) -> None:
    """Skip a test that needs a system package when it is missing, unless `env`=1 (CI)."""
    if present:
        return
    if os.environ.get(env) == "1":
        pytest.fail(f"{what} is missing and {env}=1: install it (see README, 'PDF').")
    pytest.skip(f"{what} is not installed (set {env}=1 to make this a failure)")


def require_fonts(*families: str) -> None:
    installed = installed_font_families()
    for family in families:
        require(f"the font {family!r}", family in installed, "FONT_TESTS_REQUIRED")


@pytest.mark.django_db
def test_demo_pdf_contains_every_answer(demo_pdf):
    text = squash(pdf_text(demo_pdf))
    missing = [answer[:60] for answer in all_answers(demo_document()) if squash(answer) not in text]
    assert missing == []


def test_demo_pdf_has_cover_contents_and_sections(demo_pdf):
    reader = PdfReader(io.BytesIO(demo_pdf))
    assert len(reader.pages) > 8
    first = reader.pages[0].extract_text()
    assert "Pocket Chat" in first and "Acme" in first
    contents = squash(reader.pages[1].extract_text())
    for title in (
        "Context",
        "APIrequirementsmapping",
        "Datarelationships",
        "Findingsfromtheadvisor",
    ):
        assert title in contents
    # target-counter filled the page numbers in: "Context ..... 3"
    assert re.search(r"Context[.\s]*\d", reader.pages[1].extract_text())
    assert "Page 2 of" in reader.pages[1].extract_text()
    # the running head: the plan's name on the left, the section on the right
    head = reader.pages[2].extract_text()
    assert "Pocket Chat (demo plan)" in head and "Context" in head


def test_demo_pdf_renders_to_png_pages(demo_pdf, tmp_path):
    require("pdftoppm (poppler-utils)", bool(shutil.which("pdftoppm")), "PDF_TOOLS_REQUIRED")
    (tmp_path / "demo.pdf").write_bytes(demo_pdf)
    subprocess.run(  # noqa: S603
        [
            shutil.which("pdftoppm"),
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "4",
            str(tmp_path / "demo.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 4
    assert all(page.stat().st_size > 3000 for page in pages)  # not blank


@pytest.mark.django_db
def test_plan_text_with_markup_stays_text_and_fetches_nothing(tmp_path):
    doc = small_document()
    doc["project"]["name"] = ATTACKS[0]
    doc["context"]["product"] = "\n".join(ATTACKS)
    doc["levels"]["1"]["answers"]["data_when"] = ATTACKS[1]
    doc["journey_steps"][0]["data_needed"] = ATTACKS[2]
    # a list longer than one table prints as records (planner/pdf/_table.html)
    doc["journey_steps"] += [
        dict(doc["journey_steps"][0], name=f"{ATTACKS[5]} {i}", data_needed=f"{ATTACKS[4]} {i}")
        for i in range(CHUNK_ROWS)
    ]
    doc["entities"][0]["name"] = ATTACKS[3]
    pdf = render_pdf(doc)
    text = squash(pdf_text(pdf))
    for attack in ATTACKS[:4]:
        assert squash(attack) in text
    for i in range(CHUNK_ROWS):
        assert squash(f"{ATTACKS[5]} {i}") in text
        assert squash(f"Data the frontend needs: {ATTACKS[4]} {i}") in text
    reader = PdfReader(io.BytesIO(pdf))
    assert not reader.attachments
    assert b"/EmbeddedFile" not in pdf
    assert b"root:x:0:0" not in pdf


@pytest.mark.django_db
def test_pdf_prints_an_answers_paragraphs_as_paragraphs_and_every_word():
    doc = small_document()
    doc["levels"]["1"]["answers"]["data_when"] = "First <i>one</i>\nstill first\n\nSecond one"
    html = report_html(doc)
    # a paragraph a block: WeasyPrint lays out a <br> and a blank line about as a line
    assert (
        '<div class="answer"><p>First &lt;i&gt;one&lt;/i&gt;<br>still first</p>\n\n'
        "<p>Second one</p></div>"
    ) in html
    text = squash(pdf_text(render_pdf(doc)))
    assert squash("First <i>one</i> still first Second one") in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:5432/",
        "https://127.0.0.1/static/css/report.css",
        "https://example.com/static/css/report.css",
        "https://backplan.invalid/etc/passwd",
        "https://backplan.invalid/static/../config/settings.py",
        "https://backplan.invalid/static/%2e%2e/config/settings.py",
        "https://backplan.invalid/static/css/..%2f..%2fconfig/settings.py",
        "https://backplan.invalid/static//etc/passwd",
        "https://backplan.invalid/static/css/report.css?x=1",
        "https://user:pw@backplan.invalid/static/css/report.css",
        "https://backplan.invalid:8443/static/css/report.css",
        "https://backplan.invalid/static/css/missing.css",
        "https://backplan.invalid/static/../manage.py",
        "data:text/html,<script>alert(1)</script>",
        "data:text/css,@import url(file:///etc/passwd)",
        "ftp://example.com/x.png",
        "gopher://127.0.0.1:6379/_",
        "//evil.example/x.css",
        "javascript:alert(1)",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises((RefusedURL, ValueError)):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_our_stylesheet_and_small_inline_images():
    response = StaticOnlyFetcher().fetch("https://backplan.invalid/static/css/report.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"
    png = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
        "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    assert StaticOnlyFetcher().fetch(png).read().startswith(b"\x89PNG")


def test_fetcher_refuses_large_inline_images():
    huge = "data:image/png;base64," + "A" * 400_000
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(huge)


def test_diagrams_escape_names_and_are_well_formed_svg():
    doc = demo_document()
    doc["entities"][0]["name"] = '<script>alert("x")</script>&'
    doc["boundaries"][0]["name"] = "</svg><img src=x onerror=alert(1)>"
    doc["relationships"][0]["source"] = doc["entities"][0]["name"]
    for svg in (entity_diagram(doc), boundary_diagram(doc)):
        assert "<script" not in svg and "<img" not in svg
        ElementTree.fromstring(str(svg))  # noqa: S314 — our own output; well-formed: nothing broke out of the text nodes
    assert "&lt;script&gt;" in entity_diagram(doc)


@pytest.mark.django_db
def test_unicode_cjk_rtl_and_emoji_render_with_installed_fonts():
    require_fonts("Noto Sans CJK", "Noto Color Emoji")
    doc = small_document()
    doc["project"]["name"] = "聊天后端 — خطة الخادم 🚀"
    doc["levels"]["1"]["answers"]["data_when"] = (
        "消息列表在打开时加载。 הודעות נטענות מיד. 🙂👍 " + "x" * 300
    )
    pdf = render_pdf(doc)
    text = pdf_text(pdf)
    assert "消息列表在打开时加载" in text
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values()
    }
    assert any("CJK" in name for name in fonts), fonts
    assert any("Emoji" in name for name in fonts), fonts


@pytest.mark.django_db
def test_huge_plan_prints_every_row_as_a_record():
    # The render itself (~100 pages) is timed by bench/bench_pdf.py, not here.
    html = report_html(large_document(rows=200))
    assert "operation199" in html and "Entity 199" in html
    assert "Custom pattern 199" in html
    # six lists and the decisions (records in the PDF, cards on the share page); one
    # relationship fewer than entities
    assert html.count('<p class="record">') == 7 * 200 - 1


@pytest.mark.django_db
def test_render_reports_progress_page_by_page():
    seen: list[int] = []
    pdf = render_pdf(small_document(), progress=seen.append)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert seen[0] == 25 and seen[-2:] == [85, 95]
    assert len(seen) >= pages + 3  # a heartbeat for every laid-out page
    assert seen == sorted(seen)


def contents_entries(html: str) -> list[str]:
    toc = html[html.index('<nav class="toc"') : html.index("</nav>")]
    return re.findall(r'href="#([\w-]+)"', toc)


@pytest.mark.django_db
def test_contents_list_the_sections_in_document_order():
    html = report_html(demo_document())
    entries = contents_entries(html)
    positions = [html.index(f'id="{anchor}"') for anchor in entries]
    assert positions == sorted(positions), entries
    assert entries.index("decisions") == entries.index("level-5") + 1


def test_demo_pdf_contents_page_numbers_only_go_up(demo_pdf):
    contents = PdfReader(io.BytesIO(demo_pdf)).pages[1].extract_text()
    numbers = [int(n) for n in re.findall(r"\. \.[ .]*(\d+)\s*$", contents, re.M)]
    assert len(numbers) == 10, contents  # context, six levels, decisions, core, findings
    assert numbers == sorted(numbers), contents


# --- The findings section: a bounded digest (issue 12) -------------------------------------


def many_findings(rules: int = 40, per_rule: int = 60, dismissed: int = 80) -> list:
    """A worst case for the findings section: many rules of every severity, each with many
    findings whose messages, names and evidence are long, and many set aside."""
    from planner.advisor import RULES
    from planner.advisor.findings import SEVERITIES, Finding

    findings = []
    for r, rule in enumerate(list(RULES.values())[:rules]):
        for i in range(per_rule):
            evidence = tuple(
                {
                    "step": "2",
                    "kind": "boundary",
                    "name": f"Boundary {i}-{e} " + "n" * 100,
                    "text": "t" * 300,
                }
                for e in range(50)
            )
            findings.append(
                Finding(
                    rule_id=rule.id,
                    kind=rule.kind,
                    severity=SEVERITIES[r % 4],
                    level=rule.level,
                    message=f"Finding {i} of {rule.id}: " + "a long message " * 60,
                    evidence=evidence,
                    action="Do something about it. " * 30,
                    subject=f"subject-{i}",
                    dismissed="Not for us: " + "reason " * 40 if i < dismissed // rules else None,
                )
            )
    return findings


def digest_entries(html: str) -> int:
    section = html[html.index('<section id="findings"') :]
    return section.count('<article class="finding')


@pytest.mark.django_db
def test_pdf_findings_of_a_1000_row_plan_are_one_entry_per_rule():
    from planner.plan_view import findings_digest, plan_view

    doc = large_document(rows=1000, answer_bytes=100)
    plan = plan_view(doc, diagrams=False)
    # Issue 12: at most 300 findings on a 1,000-row plan (row gaps and red flags grouped).
    everything = plan["findings"]["total"] + len(plan["findings"]["addressed"])
    assert 0 < everything <= 300
    digest = findings_digest(plan["findings"])
    rules = {f["rule_id"] for g in plan["findings"]["groups"] for f in g["items"]}
    entries = [rule for group in digest["groups"] for rule in group["rules"]]
    assert len(entries) == len(rules) and digest["omitted_findings"] == 0
    dangling = next(e for e in entries if e["rule_id"] == "GAP-DANGLING-NAME")
    assert dangling["count"] == 1
    assert dangling["message"].startswith(
        "1000 references name rows that do not exist: custom-pattern-0, custom-pattern-1,"
    )
    assert "and 990 more" in dangling["message"]
    order = ["high", "medium", "low", "info"]
    severities = [g["severity"] for g in digest["groups"]]
    assert severities == sorted(severities, key=order.index)  # most severe first
    too_many = next(e for e in entries if e["rule_id"] == "RF-TOO-MANY-BOUNDARIES")
    assert len(too_many["evidence"]) == 5 and too_many["more_evidence"] > 0

    html = report_html(doc)
    assert digest_entries(html) == len(rules)
    assert "and 990 more" in html
    assert "Findings page in Backplan and in the Markdown and JSON exports" in html
    assert "Custom pattern 999" in html  # every decision still prints


@pytest.mark.django_db
def test_markdown_and_share_page_keep_every_finding_of_a_1000_row_plan():
    from django.template.loader import render_to_string
    from django.utils.html import escape

    from planner.markdown import plan_markdown
    from planner.plan_view import plan_view

    doc = large_document(rows=1000, answer_bytes=100)
    md = plan_markdown(doc)
    plan = plan_view(doc)
    share_findings = render_to_string("planner/report/_findings.html", {"plan": plan})
    items = [f for g in plan["findings"]["groups"] for f in g["items"]]
    items += plan["findings"]["addressed"]
    assert len(items) > 20
    for finding in items:
        assert finding["headline"][:60] in md
        assert escape(finding["headline"])[:60] in share_findings


@pytest.mark.django_db
def test_pdf_findings_digest_is_bounded_for_any_number_of_findings(monkeypatch):
    from planner.plan_view import DIGEST_LINES, findings_digest, findings_view

    findings = many_findings()
    digest = findings_digest(findings_view(findings))
    assert digest["lines"] <= DIGEST_LINES
    assert digest["omitted_findings"] > 0 and digest["more_dismissed"] > 0
    shown = sum(len(g["rules"]) for g in digest["groups"])
    assert shown + digest["omitted_rules"] == 40
    assert digest["groups"][0]["severity"] == "high"  # what is cut is the least serious
    monkeypatch.setattr("planner.plan_view.advise", lambda document: findings)
    html = report_html(small_document())
    assert digest_entries(html) == shown
    assert f"and {digest['omitted_findings']} more findings from" in html


@pytest.mark.django_db
def test_pdf_findings_section_fits_in_ten_pages_with_thousands_of_findings(monkeypatch):
    from planner.plan_view import FINDINGS_MAX_PAGES

    findings = many_findings()
    monkeypatch.setattr("planner.plan_view.advise", lambda document: findings)
    pdf = render_pdf(small_document())
    texts = [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]
    start = next(i for i, t in enumerate(texts) if i > 1 and "Findings from the advisor" in t)
    assert 1 <= len(texts) - start <= FINDINGS_MAX_PAGES
    assert "morefindingsfrom" in squash("".join(texts[start:]))


def test_table_columns_are_fitted_to_their_text():
    from planner.plan_view import _fit_widths

    rows = [[f"Entity {i}", "x " * 80, "db", "Optimistic (version check)", ""] for i in range(30)]
    widths = [
        int(w.removeprefix("w-p"))
        for w in _fit_widths(["Entity", "Description", "Source", "Concurrency", "Copies"], rows)
    ]
    assert widths[1] == max(widths) and widths[1] >= 40  # the long text gets the room
    assert widths[3] >= 8  # "Optimistic" and "Concurrency" do not break mid-word
    assert min(widths) >= 4 and 94 <= sum(widths) <= 106


@pytest.mark.django_db
def test_share_page_keeps_decision_cards_and_the_pdf_prints_a_decision_table():
    from django.template.loader import render_to_string

    from planner.plan_view import plan_view

    doc = demo_document()
    share = render_to_string("planner/report/_plan.html", {"plan": plan_view(doc)})
    pdf_html = report_html(doc)
    assert share.count('<article class="decision ') == len(doc["decisions"])
    assert 'id="decisions-table-1"' in pdf_html and '<article class="decision ' not in pdf_html
    for decision in doc["decisions"]:
        assert decision["rationale"][:40] in pdf_html.replace("&#x27;", "'")


@pytest.mark.django_db
def test_pdf_findings_name_each_subject_of_a_rule():
    doc = demo_document()
    doc["entities"] += [{"name": "Ghost one"}, {"name": "Ghost two"}]
    html = report_html(doc)
    section = html[html.index('<section id="findings"') :]
    assert "<strong>Where:</strong> Ghost one, Ghost two" in section  # one rule, two rows
