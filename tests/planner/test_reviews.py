"""Reviews of a milestone: an owner or editor asks members, each answers; email never breaks it."""

import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from planner.milestones import milestone_create
from planner.models import Activity, Review
from tests.conftest import client_for, make_project
from tests.mail import UNREACHABLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestone(project, owner):
    return milestone_create(project=project, user=owner, name="Design review 1")


def url(name, milestone):
    return reverse(name, args=[milestone.project_id, milestone.pk])


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def ask(client, milestone, *users, follow=True):
    data = {"reviewers": [str(u.pk) for u in users]}
    return client.post(url("milestone_review_request", milestone), data, follow=follow)


def answer(client, milestone, verdict, comment="", follow=True):
    data = {"answer": verdict, "comment": comment}
    return client.post(url("milestone_review_answer", milestone), data, follow=follow)


def test_editor_asks_members_viewers_included_and_they_are_emailed(
    editor_client, milestone, viewer, owner
):
    page = text(ask(editor_client, milestone, viewer, owner))
    assert "Review requested from 2 members." in page
    assert "In review: 0 of 2 approved" in page
    assert {r.reviewer for r in Review.objects.all()} == {viewer, owner}
    (message,) = mail.outbox
    assert sorted(message.to) == sorted([viewer.email, owner.email])
    assert "Design review 1" in message.subject
    assert f"/milestones/{milestone.pk}/" in message.body


def test_viewer_cannot_ask_for_a_review(viewer_client, milestone, owner):
    assert ask(viewer_client, milestone, owner, follow=False).status_code == 403
    assert not Review.objects.exists()


def test_asking_nobody_or_an_outsider_gets_a_message_at_the_field(
    editor_client, milestone, outsider
):
    response = ask(editor_client, milestone)
    assert response.status_code == 422
    assert "Choose at least one member." in text(response)
    response = ask(editor_client, milestone, outsider)
    assert response.status_code == 422
    assert "Select a valid choice" in text(response)
    assert not Review.objects.exists() and not mail.outbox


def test_a_viewer_asked_approves_and_the_asker_is_told(
    editor_client, viewer_client, milestone, viewer, editor
):
    ask(editor_client, milestone, viewer)
    mail.outbox.clear()
    page = text(answer(viewer_client, milestone, "approve", "Looks right <b>to me</b>"))
    assert "Your answer is recorded: approved." in page
    assert "Approved" in page and "Looks right <b>to me</b>" in page
    assert (
        "Looks right <b>to me</b>"
        not in viewer_client.get(url("milestone", milestone)).content.decode()
    )
    review = Review.objects.get()
    assert (review.state, review.comment) == ("approved", "Looks right <b>to me</b>")
    (message,) = mail.outbox
    assert message.to == [editor.email]
    assert "Approved" in message.subject and "Looks right" in message.body


def test_requesting_changes_needs_a_comment(editor_client, viewer_client, milestone, viewer):
    ask(editor_client, milestone, viewer)
    response = answer(viewer_client, milestone, "changes", "  ")
    assert response.status_code == 422
    assert "Say what should change." in text(response)
    assert Review.objects.get().state == "pending"
    page = text(answer(viewer_client, milestone, "changes", "Level 4 needs the sync story"))
    assert "Changes requested" in page
    assert Review.objects.get().state == "changes"


def test_a_member_who_was_not_asked_cannot_answer(editor_client, owner_client, milestone, viewer):
    ask(editor_client, milestone, viewer)
    response = answer(owner_client, milestone, "approve", follow=False)
    assert response.status_code == 403
    assert Review.objects.get().state == "pending"
    assert "Your review" not in text(owner_client.get(url("milestone", milestone)))


def test_an_outsider_cannot_answer(outsider_client, editor_client, milestone, viewer):
    ask(editor_client, milestone, viewer)
    assert answer(outsider_client, milestone, "approve", follow=False).status_code == 404


def test_the_milestone_shows_each_reviewers_state(
    editor_client, milestone, viewer, owner, viewer_client
):
    ask(editor_client, milestone, viewer, owner)
    answer(viewer_client, milestone, "approve")
    page = re.sub(r"<[^>]+>", "", text(editor_client.get(url("milestone", milestone))))
    assert "In review: 1 of 2 approved" in page
    assert "Vera: Approved" in page and "Alice: Waiting for review" in page
    answer(client_for(owner), milestone, "approve")
    page = re.sub(r"<[^>]+>", "", text(editor_client.get(url("milestone", milestone))))
    assert "Review Approved" in page


def test_a_mail_server_that_is_down_never_breaks_a_request_or_an_answer(
    settings, editor_client, viewer_client, milestone, viewer
):
    settings.MAILERS = UNREACHABLE
    page = text(ask(editor_client, milestone, viewer))
    assert "Review requested from 1 member." in page
    assert "The email could not be sent" in page
    page = text(answer(viewer_client, milestone, "approve"))
    assert "Your answer is recorded: approved." in page
    assert "The email could not be sent" in page
    assert Review.objects.get().state == "approved"


def test_asking_again_resets_the_answer(editor_client, viewer_client, milestone, viewer):
    ask(editor_client, milestone, viewer)
    answer(viewer_client, milestone, "changes", "Fix level 4")
    ask(editor_client, milestone, viewer)
    review = Review.objects.get()
    assert (review.state, review.comment, review.answered_at) == ("pending", "", None)


def test_reviews_of_another_projects_milestone_are_not_found(
    editor_client, team, owner, milestone, viewer
):
    other = milestone_create(project=make_project(team, name="Other"), user=owner, name="X")
    wrong = reverse("milestone_review_request", args=[milestone.project_id, other.pk])
    assert editor_client.post(wrong, {"reviewers": [viewer.pk]}).status_code == 404


def test_milestones_requests_and_answers_are_in_the_activity_log(
    editor_client, viewer_client, milestone, viewer, editor, owner
):
    ask(editor_client, milestone, viewer)
    answer(viewer_client, milestone, "changes", "Level 4 is thin")
    entries = list(Activity.objects.filter(project=milestone.project).order_by("pk"))
    assert [(e.user, e.summary) for e in entries] == [
        (owner, "saved milestone “Design review 1”"),
        (editor, f"asked {viewer} to review milestone “Design review 1”"),
        (viewer, "answered the review of milestone “Design review 1”"),
    ]
    assert entries[-1].changes == [["Review", "Waiting for review", "Changes requested"]]
    page = text(viewer_client.get(reverse("activity", args=[milestone.project_id])))
    assert "answered the review of milestone “Design review 1”" in page


def test_the_milestones_list_shows_each_milestones_reviews_and_who_is_asked(
    project, owner, editor_client, viewer_client, owner_client, milestone, viewer
):
    milestone_create(project=project, user=owner, name="Before launch")
    ask(editor_client, milestone, viewer, owner)
    answer(owner_client, milestone, "approve")
    listing = reverse("milestones", args=[project.pk])

    def rows(client) -> dict[str, str]:
        """Each milestone's line of the list, as words."""
        page = client.get(listing).content.decode()
        items = re.findall(r"<li class=\"list-group-item.*?</li>", page, re.S)
        lines = [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]
        return {
            name: line
            for line in lines
            for name in ("Before launch", "Design review 1")
            if line.startswith(name)
        }

    seen = rows(viewer_client)
    assert "Your review is asked Reviews: 1 approved 1 waiting" in seen["Design review 1"]
    assert "Reviews" not in seen["Before launch"] and "asked" not in seen["Before launch"]
    seen = rows(owner_client)
    assert "Reviews: 1 approved 1 waiting" in seen["Design review 1"]
    assert "asked" not in seen["Design review 1"]  # answered already
    answer(viewer_client, milestone, "changes", comment="The queue needs a dead letter.")
    assert "Reviews: 1 approved 1 asking for changes" in rows(owner_client)["Design review 1"]


def test_the_dashboard_lists_the_reviews_waiting_for_the_member(
    project, owner, editor_client, viewer_client, owner_client, milestone, viewer, editor
):
    dashboard = reverse("dashboard")
    assert "Waiting for your review" not in text(viewer_client.get(dashboard))
    ask(editor_client, milestone, viewer)
    page = text(viewer_client.get(dashboard))
    assert "Waiting for your review" in page and "Design review 1</a> of" in page
    assert f"/milestones/{milestone.pk}/#review" in page
    assert "Waiting for your review" not in text(owner_client.get(dashboard))  # not asked
    answer(viewer_client, milestone, "approve")
    assert "Waiting for your review" not in text(viewer_client.get(dashboard))
