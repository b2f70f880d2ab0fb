"""The report page: generate in the background, watch progress, download, cache, retry.

These tests are about the jobs and pages around a PDF, not the PDF itself: the
`renderer` fixture stands in for WeasyPrint (tests/planner/conftest.py) and
tests/planner/test_pdf.py checks real renders.
"""

from datetime import timedelta

import pytest
from django.tasks import default_task_backend
from django.urls import reverse
from django.utils import timezone

from planner.document import document_hash, plan_document
from planner.importing import plan_import
from planner.models import REPORT_STUCK_AFTER, Report
from planner.reports import report_request
from planner.tasks import render_report, report_build, watch_report
from tests.planner.test_pdf import demo_document, pdf_text

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def stand_in_renderer(renderer):
    return renderer


@pytest.fixture
def demo_project(team, owner, catalogue):
    return plan_import(team=team, document=demo_document(), user=owner)


def url(name, project, *args):
    return reverse(name, args=[project.pk, *args])


def test_viewer_sees_the_report_page(viewer_client, demo_project):
    response = viewer_client.get(url("report", demo_project))
    assert response.status_code == 200
    assert b"Generate PDF" in response.content


def test_outsider_and_anonymous_cannot_see_reports(outsider_client, client, demo_project):
    assert outsider_client.get(url("report", demo_project)).status_code == 404
    assert outsider_client.post(url("report", demo_project)).status_code == 404
    assert client.get(url("report", demo_project)).status_code == 302  # to the login page


def test_generate_renders_and_second_request_is_served_from_cache(
    viewer_client, demo_project, settings
):
    settings.TASKS = IMMEDIATE
    response = viewer_client.post(url("report", demo_project))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == Report.Status.DONE and report.progress == 100
    assert report.content_hash == document_hash(plan_document(demo_project))
    download = viewer_client.get(url("report_download", demo_project, report.pk))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert "Pocket Chat" in pdf_text(download.content)

    stamp = report.updated_at
    viewer_client.post(url("report", demo_project))
    report.refresh_from_db()
    assert Report.objects.count() == 1 and report.updated_at == stamp  # not rendered again
    page = viewer_client.get(url("report", demo_project))
    assert b"Download PDF" in page.content and b"every 1s" not in page.content


def test_generate_with_htmx_returns_the_polling_fragment(viewer_client, demo_project, settings):
    settings.TASKS = DUMMY  # queued, no worker yet
    response = viewer_client.post(url("report", demo_project), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b'id="report-status"' in response.content and b"<html" not in response.content
    assert b'hx-trigger="every 1s"' in response.content
    report = Report.objects.get()
    status = viewer_client.get(url("report_status", demo_project, report.pk))
    assert b"every 1s" in status.content and b"Queued" in status.content
    report_build(report.pk)  # a worker picks it up
    status = viewer_client.get(url("report_status", demo_project, report.pk))
    assert b"every 1s" not in status.content and b"Download PDF" in status.content


def test_a_changed_plan_gets_its_own_report(owner_client, demo_project, settings):
    settings.TASKS = IMMEDIATE
    owner_client.post(url("report", demo_project))
    demo_project.description = "Changed"
    demo_project.save()
    owner_client.post(url("report", demo_project))
    assert Report.objects.filter(status=Report.Status.DONE).count() == 2


def test_failed_report_shows_the_error_and_retry_renders_it(viewer_client, demo_project, settings):
    settings.TASKS = DUMMY
    report = report_request(project=demo_project, user=None, document=plan_document(demo_project))
    document = report.document
    Report.objects.filter(pk=report.pk).update(document={"levels": "not a dict"})
    with pytest.raises(AttributeError):
        report_build(report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and "AttributeError" in report.error
    page = viewer_client.get(url("report", demo_project))
    assert b"could not be built" in page.content and b"Retry" in page.content

    Report.objects.filter(pk=report.pk).update(document=document)
    settings.TASKS = IMMEDIATE
    response = viewer_client.post(url("report_retry", demo_project, report.pk))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.error == ""


def test_a_running_report_with_a_fresh_heartbeat_is_left_alone(
    viewer_client, demo_project, settings
):
    settings.TASKS = DUMMY
    report = report_request(project=demo_project, user=None, document=plan_document(demo_project))
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING)
    viewer_client.post(url("report_retry", demo_project, report.pk))
    viewer_client.get(url("report_status", demo_project, report.pk))
    report.refresh_from_db()
    assert report.status == Report.Status.RUNNING  # a live worker is still on it
    assert watch_report.call(report.pk) == "alive"


def test_polling_a_report_whose_worker_died_queues_it_again(viewer_client, demo_project, settings):
    settings.TASKS = DUMMY
    report = report_request(project=demo_project, user=None, document=plan_document(demo_project))
    assert report_build(report.pk) == Report.Status.DONE  # so the "killed" render can be redone
    silent = timezone.now() - REPORT_STUCK_AFTER - timedelta(seconds=1)
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.RUNNING, progress=25, pdf=None, updated_at=silent
    )
    enqueued = len(default_task_backend.results)

    status = viewer_client.get(url("report_status", demo_project, report.pk))
    assert b"every 1s" in status.content and b"Queued" in status.content
    report.refresh_from_db()
    assert report.status == Report.Status.QUEUED and report.progress == 0
    assert [r.task for r in default_task_backend.results[enqueued:]] == [render_report]
    viewer_client.get(url("report_status", demo_project, report.pk))  # polled again: queued once
    assert len(default_task_backend.results) == enqueued + 1

    assert report_build(report.pk) == Report.Status.DONE  # the next worker renders it
    page = viewer_client.get(url("report", demo_project))
    assert b"Download PDF" in page.content


def test_the_watcher_queues_a_render_whose_worker_died_without_any_page(demo_project, settings):
    settings.TASKS = DUMMY
    report = report_request(project=demo_project, user=None, document=plan_document(demo_project))
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING)  # claimed, then killed
    silent = timezone.now() - REPORT_STUCK_AFTER - timedelta(seconds=1)
    Report.objects.filter(pk=report.pk).update(updated_at=silent)

    assert watch_report.call(report.pk) == "requeued"
    report.refresh_from_db()
    assert report.status == Report.Status.QUEUED
    assert render_report.call(report.pk) == Report.Status.DONE
    assert watch_report.call(report.pk) == "settled"


def test_every_render_schedules_its_watcher_after_the_stuck_bound(demo_project, settings):
    settings.TASKS = DUMMY
    report = report_request(project=demo_project, user=None, document=plan_document(demo_project))
    before = timezone.now()
    report_build(report.pk)
    watchers = [r for r in default_task_backend.results if r.task.name == watch_report.name]
    assert len(watchers) == 1 and watchers[0].args == [report.pk]
    assert watchers[0].task.run_after >= before + REPORT_STUCK_AFTER


def test_a_render_moves_the_heartbeat(demo_project, settings, monkeypatch, demo_pdf):
    settings.TASKS = DUMMY
    report = report_request(project=demo_project, user=None, document=plan_document(demo_project))
    beats = []

    def render(document, *, progress, **kwargs):
        for percent in (25, 25, 30, 85):  # an unchanged percentage within seconds is not written
            progress(percent)
            beats.append(Report.objects.values_list("progress", "updated_at").get(pk=report.pk))
        return demo_pdf

    monkeypatch.setattr("planner.tasks.render_pdf", render)
    report_build(report.pk)
    assert [p for p, _ in beats] == [25, 25, 30, 85]
    assert beats[0][1] == beats[1][1] < beats[2][1] < beats[3][1]


def test_two_workers_never_render_the_same_report(demo_project, settings):
    settings.TASKS = DUMMY
    report = report_request(project=demo_project, user=None, document=plan_document(demo_project))
    assert report_build(report.pk) == Report.Status.DONE
    assert report_build(report.pk) == Report.Status.DONE  # claimed already: no second render


def test_reports_of_another_project_are_404(owner_client, demo_project, team, owner, settings):
    settings.TASKS = IMMEDIATE
    other = plan_import(team=team, document=demo_document(), user=owner, name="Other")
    report = report_request(project=other, user=owner, document=plan_document(other))
    assert owner_client.get(url("report_download", demo_project, report.pk)).status_code == 404
    assert owner_client.get(url("report_status", demo_project, report.pk)).status_code == 404
    assert owner_client.post(url("report_retry", demo_project, report.pk)).status_code == 404


def test_outsider_cannot_download(outsider_client, demo_project, settings):
    settings.TASKS = IMMEDIATE
    report = report_request(project=demo_project, user=None, document=plan_document(demo_project))
    assert outsider_client.get(url("report_download", demo_project, report.pk)).status_code == 404


def test_wrong_methods(viewer_client, demo_project, settings):
    settings.TASKS = IMMEDIATE
    report = report_request(project=demo_project, user=None, document=plan_document(demo_project))
    assert viewer_client.put(url("report", demo_project)).status_code == 405
    assert viewer_client.post(url("report_download", demo_project, report.pk)).status_code == 405
    assert viewer_client.get(url("report_retry", demo_project, report.pk)).status_code == 405
    assert viewer_client.post(url("project_export_md", demo_project)).status_code == 405


def test_report_page_query_count_is_fixed(
    viewer_client, demo_project, settings, django_assert_max_num_queries
):
    settings.TASKS = IMMEDIATE
    viewer_client.post(url("report", demo_project))
    with django_assert_max_num_queries(30):
        assert viewer_client.get(url("report", demo_project)).status_code == 200


def test_cached_download_is_fast(viewer_client, demo_project, settings):
    import time

    settings.TASKS = IMMEDIATE
    viewer_client.post(url("report", demo_project))
    report = Report.objects.get()
    start = time.perf_counter()
    response = viewer_client.get(url("report_download", demo_project, report.pk))
    assert response.status_code == 200
    assert time.perf_counter() - start < 0.5  # generous on a busy CI machine; bench measures it


def test_viewer_exports_markdown(viewer_client, demo_project):
    response = viewer_client.get(url("project_export_md", demo_project))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode().startswith("# Pocket Chat")


def test_outsider_cannot_export_markdown(outsider_client, demo_project):
    assert outsider_client.get(url("project_export_md", demo_project)).status_code == 404
