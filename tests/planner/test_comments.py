"""Review comments: threads on a level, a row, a decision or a finding; replies mail the
thread's participants; resolving; the step page shows new comments at once."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from planner.models import Activity, Boundary, Comment, CommentThread, Decision
from planner.registry import STEP_TITLES
from planner.services import plan_findings
from tests.conftest import make_project
from tests.mail import UNREACHABLE
from tests.planner.plans import fill_plan


def new_url(project, on):
    return reverse("thread_new", args=[project.pk]) + f"?on={on}"


def start(client, project, on, body="Why this?"):
    return client.post(new_url(project, on), {"body": body})


@pytest.fixture
def filled(team, owner, catalogue):
    return fill_plan(make_project(team, name="Filled", created_by=owner), rows=3)


def test_a_viewer_comments_on_a_level(project, viewer, viewer_client):
    response = start(viewer_client, project, "level:3")
    assert response.status_code == 302
    thread = CommentThread.objects.get()
    assert (thread.step, thread.label, thread.created_by) == ("3", STEP_TITLES["3"], viewer)
    assert thread.comments.get().body == "Why this?"
    entry = Activity.objects.first()
    assert (entry.user, entry.step, entry.changes) == (viewer, "3", [["Comment", "", "Why this?"]])


def test_comments_on_a_row_a_decision_and_a_finding(filled, editor_client):
    boundary = Boundary.objects.filter(project=filled).first()
    decision = Decision.objects.filter(project=filled).first()
    finding = plan_findings(filled)[0]
    for on in (
        f"row:boundary:{boundary.pk}",
        f"row:decision:{decision.pk}",
        f"finding:{finding.key}",
    ):
        assert editor_client.get(new_url(filled, on)).status_code == 200
        assert start(editor_client, filled, on).status_code == 302
    assert CommentThread.objects.order_by("pk")[0].anchor == f"#boundary-{boundary.pk}"
    labels = list(CommentThread.objects.order_by("pk").values_list("step", "label"))
    assert labels == [
        ("2", f"Boundary “{boundary}”"),
        ("5", f"Decision “{decision}”"),
        (finding.level, f"Finding: {finding.message}"),
    ]


@pytest.mark.parametrize(
    "on", ["level:9", "row:boundary:999999", "row:nothing:1", "finding:nope", "x"]
)
def test_commenting_on_something_that_is_not_there_is_404(project, owner_client, on):
    assert owner_client.get(new_url(project, on)).status_code == 404


def test_a_row_of_another_project_cannot_be_commented_on_here(team, project, owner_client):
    other = make_project(team, name="Other")
    row = Boundary.objects.create(project=other, name="Theirs")
    assert owner_client.get(new_url(project, f"row:boundary:{row.pk}")).status_code == 404


def test_an_empty_or_too_long_comment_is_refused_at_the_field(project, owner_client):
    response = start(owner_client, project, "level:1", body="  ")
    assert response.status_code == 422
    assert "Write a comment first." in response.content.decode()
    response = start(owner_client, project, "level:1", body="x" * 2001)
    assert "at most 2000 characters (it has 2001)" in response.content.decode()
    assert not CommentThread.objects.exists()


def test_a_reply_mails_the_other_participants(
    project, owner, editor, viewer_client, editor_client, owner_client
):
    start(editor_client, project, "level:2")
    thread = CommentThread.objects.get()
    reply = reverse("thread_reply", args=[project.pk, thread.pk])
    owner_client.post(reply, {"body": "Because."})
    assert mail.outbox[-1].to == [editor.email]
    response = viewer_client.post(reply, {"body": "I <b>see</b>."}, follow=True)
    assert sorted(mail.outbox[-1].to) == sorted([editor.email, owner.email])
    assert "Reply added." in response.content.decode()
    html = response.content.decode()
    assert "I &lt;b&gt;see&lt;/b&gt;." in html  # escaped


def test_a_reply_is_kept_when_the_mail_server_is_down_and_the_page_says_so(
    project, editor_client, owner_client, settings
):
    settings.MAILERS = UNREACHABLE
    start(editor_client, project, "level:2")
    thread = CommentThread.objects.get()
    response = owner_client.post(
        reverse("thread_reply", args=[project.pk, thread.pk]), {"body": "Because."}, follow=True
    )
    assert response.status_code == 200
    assert thread.comments.count() == 2
    assert "could not be sent" in response.content.decode()


def test_an_invalid_reply_comes_back_at_its_field(project, owner_client):
    start(owner_client, project, "level:2")
    thread = CommentThread.objects.get()
    response = owner_client.post(
        reverse("thread_reply", args=[project.pk, thread.pk]), {"body": ""}
    )
    assert response.status_code == 422
    assert f'id="reply-error-{thread.pk}"' in response.content.decode()


def test_the_author_or_an_editor_resolves_a_viewer_who_did_not_start_it_cannot(
    project, owner_client, viewer_client, editor_client
):
    start(owner_client, project, "level:2")
    thread = CommentThread.objects.get()
    url = reverse("thread_resolve", args=[project.pk, thread.pk])
    assert viewer_client.post(url, {"resolved": "1"}).status_code == 403
    assert editor_client.post(url, {"resolved": "1"}).status_code == 302
    thread.refresh_from_db()
    assert thread.resolved_at is not None
    assert owner_client.post(url, {"resolved": "0"}).status_code == 302
    thread.refresh_from_db()
    assert thread.resolved_at is None


def test_a_viewer_resolves_their_own_thread(project, viewer_client):
    start(viewer_client, project, "level:2")
    thread = CommentThread.objects.get()
    url = reverse("thread_resolve", args=[project.pk, thread.pk])
    assert viewer_client.post(url, {"resolved": "1"}).status_code == 302


def test_the_discussion_page_filters_by_level_and_state(project, owner_client):
    start(owner_client, project, "level:2", body="On two")
    start(owner_client, project, "level:3", body="On three")
    page = reverse("discussion", args=[project.pk])
    html = owner_client.get(page, {"step": "2"}).content.decode()
    assert "On two" in html and "On three" not in html
    thread = CommentThread.objects.get(step="3")
    owner_client.post(reverse("thread_resolve", args=[project.pk, thread.pk]), {"resolved": "1"})
    assert "On three" not in owner_client.get(page).content.decode()
    assert "On three" in owner_client.get(page, {"state": "resolved"}).content.decode()


def test_a_cached_step_page_shows_a_new_comment(project, owner_client, viewer_client):
    url = reverse("workspace_step", args=[project.pk, "2"])
    assert "No open threads on this step." in owner_client.get(url).content.decode()
    owner_client.get(url)  # now from the cache
    start(viewer_client, project, "level:2", body="Fresh")
    html = owner_client.get(url).content.decode()
    assert "No open threads on this step." not in html and "1 comment" in html


def test_discussion_queries_do_not_grow(team, owner, owner_client, django_assert_max_num_queries):
    from tests.planner.test_query_counts import count

    small, large = (make_project(team, name=n, created_by=owner) for n in ("Small", "Large"))
    for project, threads in ((small, 1), (large, 40)):
        for i in range(threads):
            thread = CommentThread.objects.create(
                project=project, step="2", target="level:2", label=f"Thread {i}", created_by=owner
            )
            Comment.objects.bulk_create(
                Comment(thread=thread, author=owner, body="x") for _ in "ab"
            )
    counts = [
        count(lambda p=p: owner_client.get(reverse("discussion", args=[p.pk])))
        for p in (small, large)
    ]
    assert counts[0] == counts[1] <= 8, counts


def test_staff_removing_a_comment_in_the_admin_moves_the_plan_version(project, owner_client):
    from tests.planner.test_catalogue_admin import staff_client

    start(owner_client, project, "level:2", body="Spam")
    comment = CommentThread.objects.get().comments.get()
    project.refresh_from_db()
    before = project.updated_at
    url = reverse("admin:planner_comment_delete", args=[comment.pk])
    assert staff_client(None).post(url, {"post": "yes"}).status_code == 302
    project.refresh_from_db()
    assert project.updated_at > before
    assert not CommentThread.objects.get().comments.exists()


def test_a_step_page_lists_its_five_newest_open_threads_with_their_counts(
    project, owner, owner_client
):
    threads = [
        CommentThread.objects.create(
            project=project, step="3", target="level:3", label=f"Thread {i}", created_by=owner
        )
        for i in range(7)
    ]
    Comment.objects.bulk_create(Comment(thread=threads[6], author=owner, body="x") for _ in "ab")
    threads[5].resolved_at = threads[5].created_at
    threads[5].save()
    CommentThread.objects.create(
        project=project, step="4", target="level:4", label="Elsewhere", created_by=owner
    )
    html = owner_client.get(reverse("workspace_step", args=[project.pk, "3"])).content.decode()
    panel = html.split('id="discussion-title"')[1]
    listed = re.findall(r"#thread-\d+\">(Thread \d)</a>", panel)
    assert listed == ["Thread 6", "Thread 4", "Thread 3", "Thread 2", "Thread 1"]
    assert 'Thread 6</a> <span class="text-body-secondary">· 2 comments' in panel
    assert 'Thread 4</a> <span class="text-body-secondary">· 0 comments' in panel
