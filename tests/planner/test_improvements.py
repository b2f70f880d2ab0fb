"""The improvement plan: open findings tracked as work, following their finding."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from planner.improvements import improvements_sync
from planner.models import Context, ImprovementItem
from planner.registry import STEP_TITLES
from planner.services import plan_findings
from tests.conftest import make_project
from tests.planner.test_editor import context_data
from tests.planner.test_query_counts import count

HTMX = {"HTTP_HX_REQUEST": "true"}
CONTEXT_GAP = "GAP-CONTEXT-MISSING:context"


def track(client, project, key=CONTEXT_GAP):
    return client.post(reverse("improvement_track", args=[project.pk]), {"key": key})


def save_context(client, project, **overrides):
    version = Context.objects.get_or_create(project=project)[0].version
    url = reverse("context_save", args=[project.pk])
    response = client.post(url, context_data(version, **overrides), **HTMX)
    assert response.status_code == 200, response.content[:300]


def test_an_editor_tracks_an_open_finding(project, editor, editor_client):
    plan_findings(project)
    response = track(editor_client, project)
    item = ImprovementItem.objects.get()
    assert response["Location"] == reverse("improvement_edit", args=[project.pk, item.pk])
    assert (item.step, item.severity, item.status, item.created_by) == (
        "context",
        "medium",
        "open",
        editor,
    )
    assert "context leaves" in item.title
    assert track(editor_client, project).status_code == 302  # twice: still one item
    assert ImprovementItem.objects.count() == 1


def test_a_finding_that_is_not_open_cannot_be_tracked(project, editor_client):
    response = track(editor_client, project, key="NOPE:x")
    assert response.status_code == 302
    assert not ImprovementItem.objects.exists()


def test_an_item_closes_when_its_finding_is_addressed_and_reopens_when_it_returns(
    project, editor_client
):
    plan_findings(project)
    track(editor_client, project)
    save_context(editor_client, project)  # scale, team size, platform and stage given
    item = ImprovementItem.objects.get()
    assert (item.status, item.closed_by_plan) == ("done", True)
    save_context(editor_client, project, scale="")
    item.refresh_from_db()
    assert (item.status, item.closed_by_plan) == ("open", False)


def test_an_item_a_person_closed_stays_closed(project, owner):
    item = ImprovementItem.objects.create(
        project=project, finding_key="A:1", title="A", step="1", severity="low", status="done"
    )
    improvements_sync(project.pk, [{"key": "A:1", "dismissed": None}])
    item.refresh_from_db()
    assert item.status == "done"


def test_a_dismissed_or_addressed_finding_closes_its_item(project):
    items = [
        ImprovementItem.objects.create(
            project=project, finding_key=key, title=key, step="1", severity="low", status=status
        )
        for key, status in [("A:1", "open"), ("B:1", "doing"), ("C:1", "open")]
    ]
    improvements_sync(
        project.pk,
        [
            {"key": "A:1", "dismissed": "Fine"},
            {"key": "B:1", "dismissed": None, "status": "addressed"},
            {"key": "C:1", "dismissed": None},
        ],
    )
    assert [ImprovementItem.objects.get(pk=i.pk).status for i in items] == ["done", "done", "open"]
    improvements_sync(project.pk, [])  # nothing open at all
    assert set(ImprovementItem.objects.values_list("status", flat=True)) == {"done"}


def test_editing_an_item_sets_owner_due_date_status_and_note(project, editor, editor_client):
    item = ImprovementItem.objects.create(
        project=project, finding_key="A:1", title="A", step="1", severity="low"
    )
    url = reverse("improvement_edit", args=[project.pk, item.pk])
    data = {"owner": editor.pk, "due": "2027-01-15", "status": "doing", "note": "Next sprint"}
    assert editor_client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert (item.owner, str(item.due), item.status, item.note) == (
        editor,
        "2027-01-15",
        "doing",
        "Next sprint",
    )
    assert ["Status", "Open", "In progress"] in project.activities.first().changes


def test_a_due_date_is_shown_in_the_date_picker_and_kept_by_a_save(project, editor, editor_client):
    """The date picker takes ISO dates only (a date written "15/01/2027" shows as no
    date): the item's form shows the due date so, and saving the form as shown keeps
    it."""
    item = ImprovementItem.objects.create(
        project=project,
        finding_key="A:1",
        title="A",
        step="1",
        severity="low",
        due=datetime.date(2027, 1, 15),
    )
    url = reverse("improvement_edit", args=[project.pk, item.pk])
    html = editor_client.get(url).content.decode()
    shown = re.search(r'<input type="date" name="[^"]*due" value="([^"]*)"', html)
    assert shown and shown[1] == "2027-01-15", shown
    data = {"owner": "", "due": shown[1], "status": "open", "note": "As shown"}
    assert editor_client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.due == datetime.date(2027, 1, 15)


def test_bad_input_comes_back_at_the_field(project, outsider, editor_client):
    item = ImprovementItem.objects.create(
        project=project, finding_key="A:1", title="A", step="1", severity="low"
    )
    url = reverse("improvement_edit", args=[project.pk, item.pk])
    response = editor_client.post(url, {"owner": outsider.pk, "due": "someday", "status": "x"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Select a valid choice" in html and "Enter a valid date" in html


def test_a_viewer_reads_items_but_cannot_change_them(project, viewer_client):
    item = ImprovementItem.objects.create(
        project=project, finding_key="A:1", title="Fix it", step="1", severity="low"
    )
    url = reverse("improvement_edit", args=[project.pk, item.pk])
    assert "Fix it" in viewer_client.get(url).content.decode()
    assert viewer_client.post(url, {"status": "done"}).status_code == 403
    assert (
        "Fix it" in viewer_client.get(reverse("improvements", args=[project.pk])).content.decode()
    )


def test_an_unfinished_item_past_its_due_date_is_marked_overdue(project, viewer_client):
    for title, status in (("Late", "open"), ("Finished", "done")):
        ImprovementItem.objects.create(
            project=project,
            finding_key=title,
            title=title,
            step="1",
            severity="low",
            due="2020-01-01",
            status=status,
        )
    html = viewer_client.get(reverse("improvements", args=[project.pk])).content.decode()
    assert html.count(">overdue<") == 1


def test_an_item_of_another_project_is_404(team, project, owner_client):
    other = make_project(team, name="Other")
    item = ImprovementItem.objects.create(
        project=other, finding_key="A:1", title="A", step="1", severity="low"
    )
    assert (
        owner_client.get(reverse("improvement_edit", args=[project.pk, item.pk])).status_code == 404
    )


def test_csv_and_markdown_exports(project, editor, owner_client):
    ImprovementItem.objects.create(
        project=project,
        finding_key="A:1",
        title="=HYPERLINK(1)",
        step="2",
        severity="high",
        owner=editor,
        note="soon",
    )
    ImprovementItem.objects.create(
        project=project,
        finding_key="B:1",
        title="Add *auth*",
        step="core",
        severity="low",
        status="done",
    )
    response = owner_client.get(reverse("improvements_csv", args=[project.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Finding", "Level", "Severity"]
    assert rows[1][:4] == ["'=HYPERLINK(1)", STEP_TITLES["2"], "high", "Bob"]
    markdown = owner_client.get(reverse("improvements_md", args=[project.pk])).content.decode()
    assert f"- [ ] \\=HYPERLINK(1) ({STEP_TITLES['2']}, high, Open, owner Bob)" in markdown
    assert "- [x] Add \\*auth\\*" in markdown


@pytest.fixture
def many_items(team, owner):
    small, large = (make_project(team, name=n, created_by=owner) for n in ("Small", "Large"))
    for project, n in ((small, 2), (large, 150)):
        ImprovementItem.objects.bulk_create(
            ImprovementItem(
                project=project,
                finding_key=f"R:{i}",
                title=f"Item {i}",
                step="3",
                severity="low",
                owner=owner,
            )
            for i in range(n)
        )
    return small, large


@pytest.mark.parametrize("name", ["improvements", "improvements_csv", "improvements_md"])
def test_improvement_pages_queries_do_not_grow(name, many_items, owner_client):
    for project in many_items:  # the first visit after a change computes the findings
        plan_findings(project)
    counts = [count(lambda p=p: owner_client.get(reverse(name, args=[p.pk]))) for p in many_items]
    assert counts[0] == counts[1] <= 6, counts
