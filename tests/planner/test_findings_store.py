"""Findings live apart from the project row, one row per step, stamped with updated_at."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner import activity, services
from planner.advisor import SEVERITIES
from planner.models import Entity, Project, ProjectFindings
from planner.registry import STEPS
from planner.workspace import ensure_plan_rows


@pytest.fixture
def gap_project(project):
    ensure_plan_rows(project)
    Entity.objects.create(project=project, name="Invoice")
    return project


def test_the_project_row_holds_no_findings():
    columns = {f.column for f in Project._meta.concrete_fields}
    assert "findings_cache" not in columns and "summary" in columns


def test_a_page_stores_every_steps_findings_stamped_with_updated_at(gap_project, viewer_client):
    viewer_client.get(reverse("workspace_step", args=[gap_project.pk, "context"]))
    rows = {r.step: r for r in ProjectFindings.objects.filter(project=gap_project)}
    assert set(rows) == set(STEPS)
    project = Project.objects.get(pk=gap_project.pk)
    assert {r.at for r in rows.values()} == {services.findings_stamp(project)}
    assert services.findings_stamp(project).startswith(project.updated_at.isoformat())
    assert any("Invoice" in item["subject"] for item in rows["4"].items)
    assert all(item["level"] == "4" for item in rows["4"].items)
    assert sum(project.summary["findings"].values()) == len(services.plan_findings(project))


def test_a_fresh_page_reads_only_its_steps_row_and_runs_no_advisor(
    gap_project, viewer_client, monkeypatch
):
    url = reverse("workspace_step", args=[gap_project.pk, "4"])
    viewer_client.get(url)

    def no_advisor(*args, **kwargs):
        raise AssertionError("the advisor ran for a page whose findings are stored")

    monkeypatch.setattr(services, "run_rules", no_advisor)
    cache.clear()  # a render, not the page cache (planner/page_cache.py)
    with CaptureQueriesContext(connection) as captured:
        response = viewer_client.get(url)
    assert "Invoice" in response.content.decode()
    reads = [q["sql"] for q in captured if "planner_projectfindings" in q["sql"]]
    assert len(reads) == 1 and "step" in reads[0]


def test_a_change_makes_the_stored_findings_out_of_date(gap_project, editor, viewer_client):
    url = reverse("workspace_step", args=[gap_project.pk, "4"])
    viewer_client.get(url)
    Entity.objects.filter(project=gap_project).update(
        source_of_truth="Stripe", concurrency="locking"
    )
    activity.record(project=gap_project, user=editor, summary="edited")
    html = viewer_client.get(url).content.decode()
    assert "Invoice" not in html.split('id="advisor"')[1]
    stamp = services.findings_stamp(Project.objects.get(pk=gap_project.pk))
    assert set(ProjectFindings.objects.values_list("at", flat=True)) == {stamp}


def test_findings_stored_by_another_version_of_the_advisor_are_recomputed(
    gap_project, viewer_client
):
    """A deploy that changes the advisor must not keep showing the old advice."""
    url = reverse("workspace_step", args=[gap_project.pk, "4"])
    viewer_client.get(url)
    # Stored before this advisor's deploy: stamped with the plan's version alone.
    stale = Project.objects.get(pk=gap_project.pk).updated_at.isoformat()
    ProjectFindings.objects.update(items=[], digest=services.digest("[]"), at=stale)
    cache.clear()  # a restart empties the page cache
    html = viewer_client.get(url).content.decode()
    assert "Invoice" in html.split('id="advisor"')[1]
    project = Project.objects.get(pk=gap_project.pk)
    assert set(ProjectFindings.objects.values_list("at", flat=True)) == {
        services.findings_stamp(project)
    }


def test_the_advisor_panel_shows_ten_findings_and_links_to_the_rest(project, viewer_client):
    ensure_plan_rows(project)
    # 12 entities: one finding each (more are grouped into one), twice (no source of
    # truth, no concurrency strategy).
    Entity.objects.bulk_create([Entity(project=project, name=f"Entity {i}") for i in range(12)])
    html = viewer_client.get(reverse("workspace_step", args=[project.pk, "4"])).content.decode()
    panel = html.split('id="advisor"')[1]
    shown = panel.count('class="finding card')
    panel_total = len(services.panel_findings(services.plan_findings(project), "4"))
    assert shown == 10 < panel_total
    assert f"and {panel_total - 10} more" in panel
    assert reverse("findings", args=[project.pk]) in panel
    severities = [SEVERITIES.index(s) for s in re.findall(r"badge sev-(\w+)\">", panel)]
    assert severities == sorted(severities)
    findings_page = viewer_client.get(reverse("findings", args=[project.pk])).content.decode()
    assert all(f"Entity {i}" in findings_page for i in range(12))


def findings_rows(project) -> dict:
    return {r.step: (r.at, r.items) for r in ProjectFindings.objects.filter(project=project)}


def refresh(project, editor):
    activity.record(project=project, user=editor, summary="edited")
    project = Project.objects.get(pk=project.pk)
    services.findings_refresh(services.load_plan(project, "context"))
    return project


def test_a_save_that_changes_no_findings_moves_only_the_stamps(gap_project, editor):
    project = refresh(gap_project, editor)
    before = findings_rows(project)
    project = refresh(project, editor)  # a new version, the same findings
    with CaptureQueriesContext(connection) as captured:
        project = refresh(project, editor)
    after = findings_rows(project)
    stamp = services.findings_stamp(project)
    assert {at for at, _ in after.values()} == {stamp} != {at for at, _ in before.values()}
    assert {s: items for s, (_, items) in after.items()} == {
        s: items for s, (_, items) in before.items()
    }
    writes = [q["sql"] for q in captured if "planner_projectfindings" in q["sql"]]
    assert len(writes) == 1 and writes[0].startswith("UPDATE")


def test_a_step_whose_row_holds_other_findings_is_written_whole(gap_project, editor):
    """Another process stored other findings for a step (an older plan's): their digest
    differs from this run's, so the step is written whole, not only restamped."""
    project = refresh(gap_project, editor)
    expected = findings_rows(project)["4"][1]
    rows = ProjectFindings.objects.filter(project=project, step="4")
    rows.update(at="elsewhere", items=[], digest=services.digest("[]"))
    project = refresh(project, editor)
    at, items = findings_rows(project)["4"]
    assert (at, items) == (services.findings_stamp(project), expected)
    # A step row that is gone is written again too.
    ProjectFindings.objects.filter(project=project, step="3").delete()
    project = refresh(project, editor)
    assert findings_rows(project)["3"][0] == services.findings_stamp(project)


def test_a_changed_step_is_written_with_its_new_findings(gap_project, editor):
    project = refresh(gap_project, editor)
    Entity.objects.create(project=project, name="Receipt")
    project = refresh(project, editor)
    rows = findings_rows(project)
    assert any("Receipt" in item["subject"] for item in rows["4"][1])
    assert {at for at, _ in rows.values()} == {services.findings_stamp(project)}


def test_another_process_storing_the_same_findings_only_moves_the_stamps(gap_project, editor):
    """A process that has not run the advisor on this plan yet (nothing kept) computes
    the same findings another stored: their digests match, no JSON is sent."""
    project = refresh(gap_project, editor)
    services._ADVISED.clear()
    with CaptureQueriesContext(connection) as captured:
        project = refresh(project, editor)
    writes = [q["sql"] for q in captured if "planner_projectfindings" in q["sql"]]
    assert len(writes) == 1 and writes[0].startswith("UPDATE")
    stamp = services.findings_stamp(project)
    assert {at for at, _ in findings_rows(project).values()} == {stamp}
