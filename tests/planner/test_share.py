"""Share links: the owner's page, and the reviewer's read-only plan, PDF and Markdown."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from accounts.models import token_hash
from planner.document import plan_document
from planner.importing import plan_import
from planner.models import Report, ShareLink
from planner.reports import report_request
from planner.sharing import share_link_create, share_link_revoke
from tests.planner.test_pdf import ATTACKS, all_answers, demo_document, pdf_text, squash

pytestmark = pytest.mark.django_db
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def run_worker(monkeypatch) -> None:
    """What `manage.py db_worker --batch` does, in this process and this test's transaction."""
    # Between tasks the worker closes connections past CONN_MAX_AGE: here, the test's own.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The cast's passwords need not be expensive to hash here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_project(team, owner, catalogue):
    return plan_import(team=team, document=demo_document(), user=owner)


@pytest.fixture
def live_link(demo_project, owner):
    link, token = share_link_create(project=demo_project, user=owner, label="Review")
    return link, token


def share_url(token: str, name: str = "share_page") -> str:
    return reverse(name, args=[token])


# --- The owner's page ---------------------------------------------------------------


def test_owner_sees_share_links_page(owner_client, demo_project, live_link):
    response = owner_client.get(reverse("share_links", args=[demo_project.pk]))
    assert response.status_code == 200
    assert b"Review" in response.content
    assert live_link[1].encode() not in response.content  # a token is never shown again


@pytest.mark.parametrize("who", ["editor_client", "viewer_client"])
def test_members_below_owner_cannot_manage_links(request, who, demo_project):
    client = request.getfixturevalue(who)
    assert client.get(reverse("share_links", args=[demo_project.pk])).status_code == 403
    response = client.post(reverse("share_links", args=[demo_project.pk]), {"label": "x"})
    assert response.status_code == 403
    assert not ShareLink.objects.exists()


def test_outsider_gets_404(outsider_client, demo_project, live_link):
    assert outsider_client.get(reverse("share_links", args=[demo_project.pk])).status_code == 404
    revoke = reverse("share_link_revoke", args=[demo_project.pk, live_link[0].pk])
    assert outsider_client.post(revoke).status_code == 404


def test_creating_a_link_shows_the_token_once_and_stores_only_its_hash(owner_client, demo_project):
    url = reverse("share_links", args=[demo_project.pk])
    day = (timezone.now() + timedelta(days=3)).date().isoformat()
    response = owner_client.post(url, {"label": "Client review", "expires_on": day})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    link = ShareLink.objects.get()
    shown = response.context["new_url"]
    token = shown.rstrip("/").rsplit("/", 1)[-1]
    assert len(token) >= 22  # ≥128 bits, URL-safe base64
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    assert link.label == "Client review" and link.expires_at.date().isoformat() == day
    assert owner_client.get(url).content.count(token.encode()) == 0


def test_creating_a_link_with_htmx_returns_the_panel(owner_client, demo_project):
    url = reverse("share_links", args=[demo_project.pk])
    response = owner_client.post(url, {"label": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b'id="share-panel"' in response.content and b"<html" not in response.content
    assert b"/s/" in response.content


def test_expiry_in_the_past_is_refused(owner_client, demo_project):
    url = reverse("share_links", args=[demo_project.pk])
    yesterday = (timezone.now() - timedelta(days=1)).date().isoformat()
    response = owner_client.post(url, {"label": "x", "expires_on": yesterday})
    assert response.status_code == 200
    assert response.context["form"].errors["expires_on"]
    assert not ShareLink.objects.exists()


def test_wrong_methods(owner_client, demo_project, live_link):
    assert owner_client.put(reverse("share_links", args=[demo_project.pk])).status_code == 405
    revoke = reverse("share_link_revoke", args=[demo_project.pk, live_link[0].pk])
    assert owner_client.get(revoke).status_code == 405
    assert owner_client.post(share_url(live_link[1])).status_code == 405


# --- The reviewer ---------------------------------------------------------------------


def test_anyone_with_the_link_reads_the_whole_plan(client, live_link):
    link, token = live_link
    response = client.get(share_url(token))
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Referrer-Policy"] == "no-referrer"
    html = response.content.decode()
    assert '<meta name="robots" content="noindex' in html
    text = squash(unescape(html.replace("<br>", "")))
    missing = [a[:50] for a in all_answers(demo_document()) if squash(a) not in text]
    assert missing == []
    link.refresh_from_db()
    assert link.use_count == 1 and link.last_used_at is not None


def test_share_page_query_count_is_fixed(client, live_link, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        assert client.get(share_url(live_link[1])).status_code == 200


def test_share_pdf_queues_a_render_shows_progress_then_downloads(
    client, live_link, settings, renderer, monkeypatch
):
    settings.TASKS = DB_TASKS
    _, token = live_link
    page = client.get(share_url(token, "share_pdf"))
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert page["X-Robots-Tag"].startswith("noindex") and "no-store" in page["Cache-Control"]
    assert renderer.documents == []  # nothing rendered in the request
    report = Report.objects.get()
    assert report.status == Report.Status.QUEUED
    status_url = reverse("share_report_status", args=[token, report.pk])
    assert f'hx-get="{status_url}"'.encode() in page.content and b"every 1s" in page.content

    poll = client.get(status_url, headers={"HX-Request": "true"})
    assert b"Queued" in poll.content and b"<html" not in poll.content
    run_worker(monkeypatch)
    assert len(renderer.documents) == 1
    poll = client.get(status_url, headers={"HX-Request": "true"})
    assert b"every 1s" not in poll.content and b"Download PDF" in poll.content

    pdf = client.get(share_url(token, "share_pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and pdf["X-Robots-Tag"].startswith("noindex")
    assert "Pocket Chat" in pdf_text(pdf.content)
    assert len(renderer.documents) == 1  # served from the stored report
    link = live_link[0]
    link.refresh_from_db()
    assert link.use_count == 2  # two visits; polls are not counted


def test_share_pdf_never_renders_in_the_request(client, live_link, settings, monkeypatch):
    settings.TASKS = DB_TASKS

    def refuse(*args, **kwargs):
        raise AssertionError("rendered in the web request")

    monkeypatch.setattr("planner.pdf.render_pdf", refuse)
    monkeypatch.setattr("planner.tasks.render_pdf", refuse)
    assert client.get(share_url(live_link[1], "share_pdf")).status_code == 200


def test_share_report_status_of_another_project_or_a_dead_link_is_404(
    client, owner_client, demo_project, live_link, team, owner, settings
):
    settings.TASKS = DUMMY
    other = plan_import(team=team, document=demo_document(), user=owner, name="Other")
    report = report_request(project=other, user=owner, document=plan_document(other))
    link, token = live_link
    assert client.get(reverse("share_report_status", args=[token, report.pk])).status_code == 404
    client.get(share_url(token, "share_pdf"))
    mine = Report.objects.get(project=demo_project)
    share_link_revoke(link)
    assert client.get(reverse("share_report_status", args=[token, mine.pk])).status_code == 404


def test_reviewer_downloads_markdown(client, live_link):
    md = client.get(share_url(live_link[1], "share_markdown"))
    assert md.status_code == 200 and md.content.decode().startswith("# Pocket Chat")


def test_revoking_stops_page_and_downloads(owner_client, client, demo_project, live_link):
    link, token = live_link
    assert client.get(share_url(token)).status_code == 200
    revoke = reverse("share_link_revoke", args=[demo_project.pk, link.pk])
    assert owner_client.post(revoke).status_code == 302
    for name in ("share_page", "share_pdf", "share_markdown"):
        assert client.get(share_url(token, name)).status_code == 404


def test_revoking_with_htmx_returns_the_panel(owner_client, demo_project, live_link):
    revoke = reverse("share_link_revoke", args=[demo_project.pk, live_link[0].pk])
    response = owner_client.post(revoke, headers={"HX-Request": "true"})
    assert response.status_code == 200 and b"Revoked" in response.content
    assert b"<html" not in response.content


def test_viewer_cannot_revoke(viewer_client, demo_project, live_link):
    revoke = reverse("share_link_revoke", args=[demo_project.pk, live_link[0].pk])
    assert viewer_client.post(revoke).status_code == 403
    live_link[0].refresh_from_db()
    assert live_link[0].revoked_at is None


def test_revoking_another_projects_link_is_404(owner_client, team, owner, demo_project):
    other = plan_import(team=team, document=demo_document(), user=owner, name="Other")
    link, _ = share_link_create(project=other, user=owner)
    revoke = reverse("share_link_revoke", args=[demo_project.pk, link.pk])
    assert owner_client.post(revoke).status_code == 404


def test_expired_link_is_404(client, demo_project, owner):
    link, token = share_link_create(
        project=demo_project, user=owner, expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(share_url(token)).status_code == 404
    link.refresh_from_db()
    assert link.use_count == 0


@pytest.mark.parametrize(
    "token", ["x", "A" * 32, "../../etc/passwd", "%00", "a" * 500, "tok-en_with.dots"]
)
def test_malformed_or_guessed_tokens_are_404(client, live_link, token):
    assert client.get(f"/s/{token}/").status_code == 404
    assert client.get(f"/s/{token}/report.pdf").status_code == 404


def test_plan_markup_is_shown_as_text_on_the_share_page(client, team, owner, catalogue):
    doc = demo_document()
    doc["context"]["product"] = "\n".join(ATTACKS)
    doc["levels"]["1"]["answers"]["data_when"] = ATTACKS[1]
    project = plan_import(team=team, document=doc, user=owner, name="Hostile")
    _, token = share_link_create(project=project, user=owner)
    html = client.get(share_url(token)).content.decode()
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert '<link rel="attachment"' not in html
    assert "&lt;style&gt;@import" in html


# --- Archived projects and the owner's list ----------------------------------------------


def test_an_archived_projects_links_answer_404_until_it_is_restored(
    client, owner_client, demo_project, live_link
):
    _, token = live_link
    demo_project.archived = True
    demo_project.save()
    for name in ("share_page", "share_pdf", "share_markdown"):
        assert client.get(share_url(token, name)).status_code == 404
    page = owner_client.get(reverse("share_links", args=[demo_project.pk]))
    assert b"This project is archived" in page.content
    demo_project.archived = False
    demo_project.save()
    assert client.get(share_url(token)).status_code == 200


def test_links_show_active_expired_or_revoked_and_only_active_ones_can_be_revoked(
    owner_client, demo_project, owner
):
    share_link_create(project=demo_project, user=owner, label="Live one")
    share_link_create(
        project=demo_project,
        user=owner,
        label="Old one",
        expires_at=timezone.now() - timedelta(days=1),
    )
    gone, _ = share_link_create(project=demo_project, user=owner, label="Gone one")
    share_link_revoke(gone)
    html = owner_client.get(reverse("share_links", args=[demo_project.pk])).content.decode()
    rows = {
        label: row
        for row in html.split("<tr>")[2:]
        for label in ("Live one", "Old one", "Gone one")
        if label in row
    }
    assert ">Active<" in rows["Live one"] and "Revoke" in rows["Live one"]
    assert ">Expired<" in rows["Old one"] and "Revoke" not in rows["Old one"]
    assert ">Revoked<" in rows["Gone one"] and "btn-outline-danger" not in rows["Gone one"]


def test_on_a_phone_the_links_table_keeps_label_status_and_revoke(owner_client, demo_project):
    # Bootstrap hides `d-none` cells below their breakpoint; nothing may need a sideways
    # scroll (no .table-responsive) and the Revoke cell must never be hidden.
    share_link_create(project=demo_project, user=None, label="Phone")
    html = owner_client.get(reverse("share_links", args=[demo_project.pk])).content.decode()
    table = html[html.index("<table") : html.index("</table>")]
    assert "table-responsive" not in html
    row = table.split("<tr>")[2]
    cells = row.split("<td")[1:]
    always = [cell for cell in cells if "d-none" not in cell.split(">", 1)[0]]
    assert len(always) == 3  # label, status, revoke
    assert "Phone" in always[0] and ">Active<" in always[1] and "Revoke" in always[2]
