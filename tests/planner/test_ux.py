"""What users stumbled on when walking the product (issue: UX walk), kept fixed.

The project's menus work without JavaScript, counts of open findings read most severe
first and say "none" rather than four zeros, empty states say what to do, times
read "just now" rather than "0 minutes ago", viewers are told they only read.
"""

import json
import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from planner.catalogue import load_catalogue
from planner.importing import plan_import
from planner.levels import level
from planner.milestones import milestone_create
from planner.models import ImprovementItem, Project
from planner.templatetags.changes import change_counts
from planner.templatetags.severity import severity_counts
from planner.templatetags.when import ago
from tests.planner.test_editor import answer

DEMO = Path(__file__).resolve().parents[2] / "planner" / "fixtures" / "demo-plan.json"


@pytest.fixture
def demo(team, owner) -> Project:
    """The demo plan: every level answered, every finding acted on (none open)."""
    load_catalogue()
    return plan_import(team=team, document=json.loads(DEMO.read_text()), user=owner)


def page_at(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def page(client, name: str, *args) -> str:
    return page_at(client, reverse(name, args=args))


def test_project_menus_reach_every_page_without_javascript(demo, owner_client):
    html = page(owner_client, "workspace_step", demo.pk, "context")
    for name in [
        "findings",
        "milestones",
        "compare",
        "trace",
        "improvements",
        "discussion",
        "activity",
        "report",
        "project_export_md",
        "project_export_json",
        "project_adrs",
        "share_links",
        "project_settings",
    ]:
        assert f'href="{reverse(name, args=[demo.pk])}"' in html, name
    # <details> menus open without a script; Bootstrap's dropdowns need one.
    assert html.count('<details class="menu">') == 2  # Plan, Team
    assert html.count('<details class="menu menu-end">') == 1  # Export, kept on the screen
    assert 'data-bs-toggle="dropdown"' not in html
    assert html.count(f'href="{reverse("report", args=[demo.pk])}"') == 1  # once, in Export
    report = page(owner_client, "report", demo.pk)
    assert '<details class="menu menu-end export-menu">' in report
    assert 'data-bs-toggle="dropdown"' not in report


def test_viewer_is_told_they_read_only_and_is_not_offered_dismissing(demo, viewer_client):
    html = page(viewer_client, "workspace_step", demo.pk, "2")
    assert 'id="viewer-notice"' in html
    assert "See all findings" in html and "See and dismiss findings" not in html
    assert f'href="{reverse("share_links", args=[demo.pk])}"' not in html
    assert f'href="{reverse("project_settings", args=[demo.pk])}"' not in html


def test_editor_gets_no_viewer_notice(demo, editor_client):
    html = page(editor_client, "workspace_step", demo.pk, "2")
    assert 'id="viewer-notice"' not in html
    assert "See and dismiss findings" in html


def test_no_open_findings_read_none_not_four_zeros(demo, owner_client):
    for html in [
        page(owner_client, "workspace_step", demo.pk, "context"),
        page(owner_client, "findings", demo.pk),
        page(owner_client, "dashboard"),
    ]:
        assert 'border ms-1">none</span>' in html
        assert "0 high" not in html and "0 low" not in html
    findings = page(owner_client, "findings", demo.pk)
    assert "the plan acts on every finding the advisor raised" in findings
    assert "fill in the context" not in findings.lower()


def test_open_finding_counts_read_most_severe_first(demo, owner_client):
    # The saved summary is JSONB: PostgreSQL hands its keys back shortest first
    # ("low", "high", "info", "medium"), which is how the panel used to show them.
    summary = {**demo.summary, "findings": {"low": 1, "high": 2, "info": 0, "medium": 3}}
    Project.objects.filter(pk=demo.pk).update(summary=summary)
    for html in [
        page(owner_client, "workspace_step", demo.pk, "2"),
        page(owner_client, "dashboard"),
    ]:
        assert html.index("2 high") < html.index("3 medium") < html.index("1 low")
        assert "0 info" not in html


def test_without_javascript_the_navigation_stays_open(owner_client):
    html = page(owner_client, "dashboard")
    assert '<noscript><link rel="stylesheet" href="/static/css/nojs.css"></noscript>' in html


def test_severity_counts_filter_orders_and_drops_zeros():
    assert severity_counts({"low": 1, "high": 2, "info": 0, "medium": 0}) == [
        ("high", 2),
        ("low", 1),
    ]
    assert severity_counts({}) == []


def test_ago_says_just_now_under_a_minute():
    now = timezone.now()
    assert ago(now - timedelta(seconds=20)) == "just now"
    assert ago(now - timedelta(minutes=5)) == "5\xa0minutes ago"
    assert ago(None) == ""


def test_dashboard_says_just_now_and_keeps_its_buttons_on_one_line(demo, owner_client):
    html = page(owner_client, "dashboard")
    assert "Updated just now" in html and "0\xa0minutes" not in html
    assert 'class="d-flex flex-wrap gap-2 text-nowrap"' in html


def test_compare_without_milestones_offers_the_way_there_not_an_empty_form(demo, viewer_client):
    html = page(viewer_client, "compare", demo.pk)
    assert 'id="compare-empty"' in html
    assert 'name="old"' not in html
    assert f'href="{reverse("milestones", args=[demo.pk])}"' in html


def test_a_finding_is_tracked_from_the_findings_page_in_one_step(project, editor_client):
    # An empty plan has open findings (its context is missing).
    html = page(editor_client, "findings", project.pk)
    track = reverse("improvement_track", args=[project.pk])
    form = html.split(f'action="{track}"')[1].split("</form>")[0]
    key = form.split('name="key" value="')[1].split('"')[0]
    assert "Track in the improvement plan" in form
    response = editor_client.post(track, {"key": unescape(key)}, follow=True)
    assert ImprovementItem.objects.filter(project=project, finding_key=unescape(key)).exists()
    assert "Tracked. Give it an owner and a due date." in response.content.decode()


def test_presence_notice_names_an_answered_question_once(project, owner_client, editor_client):
    html = page(owner_client, "workspace_step", project.pk, "1")
    poll = re.search(r'id="presence"[^>]*hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    answer(editor_client, project, "data_when", "Messages on open", "", 1)
    notice = owner_client.get(poll, HTTP_HX_REQUEST="true").content.decode()
    question = level(1).questions[0].label
    assert f"answered “{question}” in Level 1 <span" in notice
    assert notice.count(question) == 1


def test_a_reviewer_who_answered_is_offered_to_change_the_answer(
    project, owner, editor_client, viewer, viewer_client
):
    milestone = milestone_create(project=project, name="Design review 1", user=owner)
    review_url = reverse("milestone", args=[project.pk, milestone.pk])
    editor_client.post(
        reverse("milestone_review_request", args=[project.pk, milestone.pk]),
        {"reviewers": [viewer.pk]},
    )
    assert "Send your review" in page_at(viewer_client, review_url)
    viewer_client.post(
        reverse("milestone_review_answer", args=[project.pk, milestone.pk]), {"answer": "approve"}
    )
    html = page_at(viewer_client, review_url)
    assert "Change your review" in html and "Send your new answer" in html


def test_row_form_links_back_to_the_level_by_its_name(project, editor_client):
    html = page(editor_client, "row_add", project.pk, "decision")
    assert "← Back to Level 5" in html


def test_the_decision_picker_asks_for_a_pattern_in_words(project, editor_client, catalogue):
    html = page(editor_client, "row_add", project.pk, "decision")
    assert '<option value="" selected>Choose a pattern…</option>' in html
    assert "---------" not in html


def test_change_summary_counts_only_what_changed():
    nothing = dict.fromkeys(["answers", "added", "removed", "changed", "renamed"], 0)
    assert change_counts(nothing) == "nothing changed"
    assert change_counts({**nothing, "answers": 1}) == "1 answer changed"
    counts = {**nothing, "answers": 2, "added": 1, "changed": 3, "renamed": 1, "closed": 1}
    assert change_counts(counts) == (
        "2 answers changed, 1 row added, 3 rows changed (1 renamed), 1 finding closed"
    )


def test_improvement_plan_with_nothing_open_says_so_once(demo, owner_client):
    html = page(owner_client, "improvements", demo.pk)
    assert "The advisor has no open findings: nothing to track." in html
    assert "Every open finding is tracked." not in html  # nothing is tracked either
    assert reverse("improvements_csv", args=[demo.pk]) not in html  # nothing to download


def test_dashboard_offers_new_project_only_to_those_who_can_create_one(
    project, owner_client, viewer_client
):
    new = f'href="{reverse("project_create")}"'
    assert new in page(owner_client, "dashboard")
    assert new not in page(viewer_client, "dashboard")
