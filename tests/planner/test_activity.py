"""The activity log: every save path records who, where and before → after, in the same
transaction as the change; the activity page reads it, paged and filtered."""

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner import activity
from planner.importing import plan_import
from planner.models import Activity, Boundary, Entity, Operation, Project
from planner.rows import ROW_KINDS
from planner.sharing import share_link_create, share_link_revoke
from planner.views import save_form
from tests.conftest import make_project, make_user
from tests.planner.plans import fill_plan
from tests.planner.test_query_counts import count, save_requests

HTMX = {"HTTP_HX_REQUEST": "true"}
DEMO = Path(__file__).resolve().parents[2] / "planner" / "fixtures" / "demo-plan.json"
EXPECTED_STEP = {
    "row edit": "2",
    "answer": "1",
    "context": "context",
    "row add": "2",
    "row delete": "1",
    "technique": "6",
    "core answer": "core",
    "level status": "2",
}


@pytest.fixture
def filled(team, owner, catalogue):
    return fill_plan(make_project(team, name="Filled", created_by=owner), rows=3)


@pytest.mark.parametrize("path", list(EXPECTED_STEP))
def test_every_save_path_records_where_and_what_changed(path, filled, editor, editor_client):
    url, data = save_requests(filled)[path]
    last = Activity.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    response = editor_client.post(url, data, **HTMX)
    assert response.status_code == 200, response.content[:300]
    entry = Activity.objects.get(pk__gt=last)
    assert (entry.user, entry.step) == (editor, EXPECTED_STEP[path])
    assert entry.target and entry.changes, (entry.summary, entry.changes)
    filled.refresh_from_db()
    assert filled.updated_at == entry.at  # the plan's version moved with the entry


def test_a_row_edit_records_only_the_fields_it_changed(filled, editor_client):
    row = Boundary.objects.filter(project=filled).first()
    url, data = save_requests(filled)["row edit"]
    editor_client.post(url, data, **HTMX)
    entry = Activity.objects.first()
    assert entry.summary == "edited boundary"
    assert entry.target == "Renamed"
    assert entry.changes == [["Name", row.name, "Renamed"]]


def test_an_operation_edit_records_its_lists_as_they_were_and_are(filled, editor_client):
    op = Operation.objects.filter(project=filled).order_by("pk").first()
    before = ", ".join(str(e) for e in op.entities.all())
    chosen = list(Entity.objects.filter(project=filled).order_by("pk")[:2])
    prefix = f"operation-{op.pk}"
    data = {
        f"{prefix}-name": op.name,
        f"{prefix}-category": op.category,
        f"{prefix}-entities": [e.pk for e in chosen],
        f"{prefix}-version": op.version,
    }
    url = reverse("row_edit", args=[filled.pk, "operation", op.pk])
    assert editor_client.post(url, data, **HTMX).status_code == 200
    after = ", ".join(e.name for e in chosen)
    assert after != before
    assert ["Entities", before, after] in Activity.objects.first().changes
    assert [e.pk for e in Operation.objects.get(pk=op.pk).entities.order_by("pk")] == [
        e.pk for e in chosen
    ]


def test_a_deleted_row_keeps_what_it_held(filled, editor_client):
    url, _ = save_requests(filled)["row delete"]
    editor_client.post(url, {}, **HTMX)
    entry = Activity.objects.first()
    assert entry.summary.startswith("deleted journey step")
    assert ["Name", entry.target, ""] in entry.changes


def test_a_refused_delete_records_nothing(filled, editor_client):
    used = Operation.objects.filter(project=filled).first().boundary
    before = Activity.objects.count()
    url = reverse("row_delete", args=[filled.pk, "boundary", used.pk])
    assert editor_client.post(url, {}, **HTMX).status_code == 409
    assert Activity.objects.count() == before


def test_a_conflicting_save_records_nothing(filled, editor_client, owner_client):
    url, data = save_requests(filled)["row edit"]
    assert owner_client.post(url, data, **HTMX).status_code == 200
    before = Activity.objects.count()
    prefix = next(k for k in data if k.endswith("-name")).removesuffix("-name")
    clash = {**data, f"{prefix}-name": "Mine", f"{prefix}-initial-name": "Boundary 0"}
    assert editor_client.post(url, clash, **HTMX).status_code == 409
    assert Activity.objects.count() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a data-modifying WITH")
@pytest.mark.django_db(transaction=True)  # as in production: no transaction around the test
@pytest.mark.parametrize("path", ["row edit", "context", "core answer"])
def test_an_edit_writes_its_row_entry_and_version_in_one_statement(path, filled, editor_client):
    """An existing row without lists of references is saved, logged and the plan's
    version moved by one statement (`activity.along`): no transaction around it."""
    url, data = save_requests(filled)[path]
    with CaptureQueriesContext(connection) as captured:
        assert editor_client.post(url, data, **HTMX).status_code == 200
    writes = [q["sql"] for q in captured if '"planner_activity"' in q["sql"]]
    assert len(writes) == 1 and writes[0].startswith("WITH saved AS (UPDATE")
    assert '"planner_project"' in writes[0]
    assert not [q for q in captured if q["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT"))]


def test_a_row_refused_by_the_database_writes_nothing_and_the_request_goes_on(
    filled, editor, owner
):
    """Someone takes the name between validation and the write: nothing is written,
    neither the row nor its entry, and the connection still answers."""
    row, other = Boundary.objects.filter(project=filled).order_by("pk")[:2]
    name = row.name
    form = ROW_KINDS["boundary"].form(
        {"b-name": "Taken", "b-responsibility": "", "b-reason": "", "b-version": row.version},
        instance=row,
        project=filled,
        prefix="b",
    )
    assert form.is_valid(), form.errors
    Boundary.objects.filter(pk=other.pk).update(name="Taken")
    before = (Activity.objects.count(), Project.objects.get(pk=filled.pk).updated_at)
    entry = activity.entry(project=filled, user=editor, summary="edited boundary")
    assert save_form(form, logged=lambda form: entry) is False
    assert "a moment ago" in str(form.non_field_errors())
    assert (Activity.objects.count(), Project.objects.get(pk=filled.pk).updated_at) == before
    assert Boundary.objects.get(pk=row.pk).name == name and entry.pk is None


def test_dismissing_and_restoring_a_finding_are_recorded(filled, editor_client):
    from planner.services import plan_findings

    finding = plan_findings(filled)[0]
    url = reverse("finding_dismiss", args=[filled.pk])
    editor_client.post(url, {"key": finding.key, "reason": "Known and fine"})
    entry = Activity.objects.first()
    assert (entry.step, entry.changes) == (
        finding.level,
        [["Dismissal reason", "", "Known and fine"]],
    )
    editor_client.post(url, {"key": finding.key, "restore": "1"})
    assert Activity.objects.first().summary == f"restored finding {finding.key}"


def test_imports_and_share_links_are_recorded(team, owner, catalogue):
    project = plan_import(team=team, document=json.loads(DEMO.read_text()), user=owner)
    assert project.activities.first().summary == "imported the plan from a plan document"
    link, _ = share_link_create(project=project, user=owner, label="Review")
    assert project.activities.first().changes[0][:2] == ["Share link", ""]
    share_link_revoke(link, owner)
    share_link_revoke(link, owner)  # already revoked: nothing more to record
    entries = list(project.activities.values_list("summary", flat=True)[:3])
    assert entries[:2] == ["revoked share link “Review”", "created share link “Review”"]


def test_diff_lists_removed_and_added_fields():
    assert activity.diff({"A": "1", "B": "2"}, {"B": "3", "C": "4"}) == [
        ("A", "1", ""),
        ("B", "2", "3"),
        ("C", "", "4"),
    ]


def test_long_texts_are_clipped_in_the_log(project, owner):
    entry = activity.record(
        project=project, user=owner, summary="x", changes=[("Answer", "", "w" * 5000)]
    )
    assert len(entry.changes[0][2]) == activity.SHOWN_CHARS


def test_version_stamps_round_trip(project):
    stamp = activity.version_stamp(project)
    assert activity.since_stamp(stamp) == project.updated_at
    assert activity.since_stamp("not a stamp") is None


# --- The page ------------------------------------------------------------------------


def test_every_member_reads_the_activity_page_outsiders_get_404(
    filled, viewer_client, outsider_client, editor_client
):
    url, data = save_requests(filled)["row edit"]
    editor_client.post(url, data, **HTMX)
    page = reverse("activity", args=[filled.pk])
    html = viewer_client.get(page).content.decode()
    assert "edited boundary" in html and "<del>Boundary 0</del>" in html
    assert "<ins>Renamed</ins>" in html
    assert outsider_client.get(page).status_code == 404


def test_the_page_filters_by_level_and_person(filled, owner, editor, owner_client):
    for step, user in [("1", owner), ("2", editor), ("2", owner)]:
        activity.record(project=filled, user=user, summary=f"change on {step} by {user}", step=step)
    url = reverse("activity", args=[filled.pk])
    html = owner_client.get(url, {"step": "2", "person": editor.pk}).content.decode()
    assert "change on 2 by Bob" in html
    assert "change on 1" not in html and "change on 2 by Alice" not in html


def test_an_unknown_filter_value_is_said_at_the_field_not_a_500(filled, owner_client):
    url = reverse("activity", args=[filled.pk])
    response = owner_client.get(url, {"step": "99", "person": "nobody"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_activity_is_escaped(project, owner, owner_client):
    activity.record(
        project=project, user=owner, summary="x", target="<b>", changes=[("F", "<i>", "<s>")]
    )
    html = owner_client.get(reverse("activity", args=[project.pk])).content.decode()
    assert "<i>" not in html and "&lt;i&gt;" in html


def test_the_activity_page_is_paged_and_its_queries_do_not_grow(
    team, owner, owner_client, django_assert_max_num_queries
):
    small, large = (make_project(team, name=n, created_by=owner) for n in ("Small", "Large"))
    someone = make_user("sam@example.com")
    for project, entries in ((small, 3), (large, 400)):
        Activity.objects.bulk_create(
            Activity(
                project=project,
                user=someone if i % 2 else owner,
                summary=f"change {i}",
                step="3",
                changes=[["Name", "a", "b"]],
            )
            for i in range(entries)
        )
    counts = [
        count(lambda p=p: owner_client.get(reverse("activity", args=[p.pk]), {"step": "3"}))
        for p in (small, large)
    ]
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(7):
        html = owner_client.get(reverse("activity", args=[large.pk]), {"page": 2}).content.decode()
    assert "Page 2 of 8" in html and html.count('class="border-bottom py-2"') == 50
