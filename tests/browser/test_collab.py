"""Two members on one plan: the second sees the first's change within 10 seconds without
reloading, and the new pages (discussion, activity, improvement plan) pass axe and CSP."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from planner.models import CommentThread, ImprovementItem
from tests.browser.helpers import axe_check, goto
from tests.browser.test_editor_flow import add_row, session_cookie, step
from tests.conftest import make_project, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_second_member_sees_the_first_members_change_within_10_seconds(
    page, browser, live_server, log_in, csp_errors
):
    alice, bob = (
        make_user("alice@example.com", name="Alice"),
        make_user("bob@example.com", name="Bob"),
    )
    project = make_project(make_team("Acme", **{Role.OWNER: alice, Role.EDITOR: bob}))
    log_in(alice)
    step(page, live_server, project, "2")
    other_context = browser.new_context()
    other_context.add_cookies([session_cookie(bob, live_server)])
    other = other_context.new_page()
    other.set_default_timeout(10_000)
    try:
        step(other, live_server, project, "2")
        saved = time.monotonic()
        add_row(
            other,
            project,
            "boundary",
            "boundary",
            lambda f: f.get_by_label("Name").fill("Billing"),
            "Billing",
        )
        notice = page.locator("#presence [role=status]")
        expect(notice).to_contain_text("Bob added boundary “Billing”", timeout=10_000)
        assert time.monotonic() - saved < 10
        # Bob sees nothing about his own change: his page's next poll (fetched now rather
        # than waited for) answers without a notice.
        poll = other.request.get(live_server.url + other.get_attribute("#presence", "hx-get"))
        assert poll.ok and 'role="status"' not in poll.text()
        expect(other.locator("#presence [role=status]")).to_have_count(0)
        axe_check(page)
        page.get_by_role("link", name="Refresh to see the changes").click()
        expect(page.locator("#rows-boundary article.row-card", has_text="Billing")).to_be_visible()
        expect(page.locator("#presence [role=status]")).to_have_count(0)
    finally:
        other_context.close()
    assert csp_errors == []


def test_collaboration_pages_pass_axe_and_csp_at_desktop_and_phone_width(
    page, live_server, log_in, csp_errors
):
    owner = make_user("owner@example.com", name="Olive")
    project = make_project(make_team("Acme", **{Role.OWNER: owner}))
    thread = CommentThread.objects.create(
        project=project, step="2", target="level:2", label="API boundary design", created_by=owner
    )
    thread.comments.create(author=owner, body="Is one boundary enough?")
    resolved = CommentThread.objects.create(
        project=project,
        step="3",
        target="level:3",
        label="Operations",
        created_by=owner,
        resolved_at=timezone.now(),
        resolved_by=owner,
    )
    resolved.comments.create(author=owner, body="Settled.")
    item = ImprovementItem.objects.create(
        project=project,
        finding_key="A:1",
        title="Fill in the context",
        step="context",
        severity="medium",
        owner=owner,
    )
    log_in(owner)
    urls = [
        reverse("discussion", args=[project.pk]),
        reverse("discussion", args=[project.pk]) + "?state=all",
        reverse("thread_new", args=[project.pk]) + "?on=level:3",
        reverse("activity", args=[project.pk]),
        reverse("improvements", args=[project.pk]),
        reverse("improvement_edit", args=[project.pk, item.pk]),
        reverse("workspace_step", args=[project.pk, "2"]),
    ]
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            goto(page, live_server.url + url)
            axe_check(page)
    assert csp_errors == []
