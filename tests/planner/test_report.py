"""The report page: generate in the background, watch progress, download, cache, retry."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from planner.document import plan_document
from planner.importing import plan_import
from planner.models import Report
from planner.reports import document_hash, report_build, report_request
from tests.planner.test_pdf import demo_document, pdf_text

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


def test_stuck_report_can_be_retried_but_a_fresh_one_cannot(viewer_client, demo_project, settings):
    settings.TASKS = DUMMY
    report = report_request(project=demo_project, user=None, document=plan_document(demo_project))
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING)
    viewer_client.post(url("report_retry", demo_project, report.pk))
    report.refresh_from_db()
    assert report.status == Report.Status.RUNNING  # a live worker is still on it

    old = timezone.now() - timedelta(minutes=10)
    Report.objects.filter(pk=report.pk).update(updated_at=old)  # its worker died
    page = viewer_client.get(url("report", demo_project))
    assert b"Retry" in page.content and b"every 1s" not in page.content
    response = viewer_client.post(
        url("report_retry", demo_project, report.pk), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and b"every 1s" in response.content
    report.refresh_from_db()
    assert report.status == Report.Status.QUEUED


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
