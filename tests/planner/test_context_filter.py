"""The context filter in the Level 5 decision picker and the Level 6 checklist."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from planner.advisor import advise
from planner.advisor.findings import ELIMINATION, RECOMMENDATION, Finding
from planner.context_filter import NEUTRAL, RECOMMENDED, RULED_OUT, grouped, reason, verdicts
from planner.models import CatalogueEntry, Context, Decision
from planner.workspace import ensure_plan_rows

SMALL = {"scale": "lt100", "team_size": "solo", "stage": "prototype", "platform": "django"}


def finding(kind: str, subject: str, message: str, dismissed: str | None = None) -> Finding:
    return Finding("R-" + subject, kind, "info", "5", message, (), "", subject, dismissed)


def test_verdicts_take_the_first_sentence_and_ruling_out_wins():
    found = verdicts(
        [
            finding(RECOMMENDATION, "caching", "Caching is reasonable: many users. Measure."),
            finding(ELIMINATION, "caching", "Caching layers are ruled out: few users. Query."),
            finding(RECOMMENDATION, "cqrs", "Teams — split reads and writes"),
            finding(ELIMINATION, "saga", "Dismissed: no.", dismissed="not for us"),
            finding("red_flag", "sharding", "Not a verdict."),
        ]
    )
    assert found["caching"].verdict == RULED_OUT
    assert found["caching"].reason == "Few users."
    assert found["cqrs"].verdict == RECOMMENDED and found["cqrs"].reason == "Teams."
    assert "saga" not in found and "sharding" not in found


def test_grouping_keeps_order_and_makes_unnamed_entries_neutral():
    found = verdicts([finding(ELIMINATION, "b", "No b.")])
    groups = grouped(["a", "b", "c"], found, str)
    assert [(key, [item for item, _ in items]) for key, _, items in groups] == [
        (RECOMMENDED, []),
        (NEUTRAL, ["a", "c"]),
        (RULED_OUT, ["b"]),
    ]


def test_reason_is_one_line_of_the_advisors_message():
    message = "Microservices are ruled out: one backend is enough. Split later."
    assert reason(message) == "One backend is enough."  # the picker says "ruled out" already
    assert reason("One database is natural: it is small; transactions help.") == "It is small."
    assert reason("Encrypt it at rest. Then rotate keys.") == "Encrypt it at rest."


@pytest.fixture
def small_plan(project, catalogue):
    ensure_plan_rows(project)
    Context.objects.filter(project=project).update(**SMALL)
    CatalogueEntry.objects.create(
        team=project.team, kind="technique", slug="our-tracing", name="Our <tracing>"
    )
    return project


def group_of(html: str, heading: str) -> str:
    start = html.index(heading)
    return html[start : html.index("</section>", start)]


def test_checklist_groups_techniques_with_the_advisors_reason(small_plan, viewer_client):
    html = viewer_client.get(reverse("workspace_step", args=[small_plan.pk, "6"])).content.decode()
    ruled_out = group_of(html, "Ruled out for this context")
    cicd = CatalogueEntry.objects.get(slug="ci-cd-pipeline", team=None)
    assert f'id="technique-{cicd.pk}"' in ruled_out
    assert "Such pipelines coordinate many people" in ruled_out
    assert "Multi-stage pipelines with approvals" not in ruled_out  # the why, not the verdict
    assert "One pipeline step" not in ruled_out  # the reason, not the advice
    recommended = group_of(html, "Recommended for this context")
    assert "Validate input, return clear errors" in recommended
    neutral = group_of(html, "Neutral")
    assert "Our &lt;tracing&gt;" in neutral and "<tracing>" not in html


def test_checklist_reasons_match_the_advisor_not_a_second_rule_set(small_plan, owner_client):
    html = owner_client.get(reverse("workspace_step", args=[small_plan.pk, "6"])).content.decode()
    from_advisor = {
        f.subject for f in advise({"context": SMALL}) if f.kind in (ELIMINATION, RECOMMENDATION)
    }
    techniques = CatalogueEntry.objects.filter(kind="technique", team=None)
    for entry in techniques:
        line = re.search(rf'id="technique-{entry.pk}".*?</form>', html, re.S).group(0)
        assert ("verdict-" in line) == (entry.slug in from_advisor), entry.slug


def test_a_saved_checklist_line_keeps_its_reason(small_plan, editor_client):
    entry = CatalogueEntry.objects.get(slug="input-validation", team=None)
    p = f"t{entry.pk}"
    response = editor_client.post(
        reverse("technique_save", args=[small_plan.pk, entry.pk]),
        {f"{p}-status": "planned", f"{p}-notes": "", f"{p}-version": 0},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "verdict-recommended" in html and "Validate input, return clear errors" in html


@pytest.mark.parametrize(("notes", "asks"), [("", True), ("Our gateway does it.", False)])
def test_a_recommended_technique_marked_not_needed_is_not_shown_as_recommended(
    small_plan, editor_client, notes, asks
):
    """The line says the team decided otherwise instead of a green "Recommended" beside
    "Not needed", and asks why until the notes say it."""
    entry = CatalogueEntry.objects.get(slug="input-validation", team=None)
    p = f"t{entry.pk}"
    response = editor_client.post(
        reverse("technique_save", args=[small_plan.pk, entry.pk]),
        {f"{p}-status": "not_needed", f"{p}-notes": notes, f"{p}-version": 0},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    cache.clear()
    html = editor_client.get(reverse("workspace_step", args=[small_plan.pk, "6"])).content
    line = re.search(rf'id="technique-{entry.pk}".*?</form>', html.decode(), re.S).group(0)
    assert "verdict-declined" in line and "You marked it not needed." in line
    assert "text-bg-success" not in line
    assert "Validate input, return clear errors" in line  # the reason stays
    assert ("Say why in the notes." in line) is asks
    # The line stays with the context's recommendations; the others keep their badge.
    recommended = group_of(html.decode(), "Recommended for this context")
    assert f'id="technique-{entry.pk}"' in recommended and "text-bg-success" in recommended


def test_a_changed_context_moves_the_groups(small_plan, owner_client):
    url = reverse("workspace_step", args=[small_plan.pk, "6"])
    assert "ci-cd" not in group_of(owner_client.get(url).content.decode(), "Neutral")
    context = Context.objects.get(project=small_plan)
    data = {
        "product": "Big",
        "scale": "gt100k",
        "team_size": "20+",
        "stage": "scaling",
        "platform": "django",
        "version": context.version,
    }
    owner_client.post(reverse("context_save", args=[small_plan.pk]), data)
    cache.clear()
    html = owner_client.get(url).content.decode()
    entry = CatalogueEntry.objects.get(slug="ci-cd-pipeline", team=None)
    assert f'id="technique-{entry.pk}"' in group_of(html, "Neutral")


@pytest.mark.parametrize("htmx", [True, False])
def test_decision_picker_groups_patterns_with_reasons(small_plan, editor_client, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("row_add", args=[small_plan.pk, "decision"])
    html = editor_client.get(url, **headers).content.decode()
    groups = dict(re.findall(r'<optgroup label="([^"(]+) \(\d+\)">(.*?)</optgroup>', html, re.S))
    assert set(groups) == {"Recommended for this context", "Neutral", "Ruled out for this context"}
    assert "Microservices — " in groups["Ruled out for this context"]
    assert "One deployable backend with clear modules" in groups["Ruled out for this context"]
    assert "Single database, straightforward schema — " in groups["Recommended for this context"]
    assert "Modular monolith<" in groups["Neutral"]
    reasons = html[html.index('class="context-reasons') :]
    assert '<span class="fw-semibold">Microservices</span>: ' in reasons
    assert "Modular monolith" not in reasons.split("</details>")[0]  # neutral: no reason


def test_decision_picker_still_saves_a_ruled_out_pattern(small_plan, editor_client):
    entry = CatalogueEntry.objects.get(slug="microservices", team=None)
    response = editor_client.post(
        reverse("row_add", args=[small_plan.pk, "decision"]),
        {"add-decision-entry": entry.pk, "add-decision-status": "reject"},
    )
    assert response.status_code == 302
    assert Decision.objects.filter(project=small_plan, entry=entry).exists()
