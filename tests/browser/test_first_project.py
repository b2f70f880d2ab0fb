"""A newcomer's first minutes, in a real browser: sign up, create a project, find it again.

Every page visited must pass axe-core (no serious or critical violations) and must
not trip the Content-Security-Policy.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from planner.models import Project
from tests.browser.helpers import axe_check, goto, submit
from tests.conftest import make_project, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-42"


def test_sign_up_create_a_project_and_see_it_on_the_dashboard(page, live_server, csp_errors):
    goto(page, live_server.url + reverse("signup"))
    axe_check(page)

    page.fill("input[name=email]", "newcomer@example.com")
    if page.locator("input[name=name]").count():
        page.fill("input[name=name]", "Nina Newcomer")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    submit(page, "form:has(input[name=password2])")

    expect(page).to_have_url(live_server.url + reverse("dashboard"))
    axe_check(page)

    goto(page, live_server.url + reverse("project_create"))
    axe_check(page)
    page.fill("input[name=name]", "Ride-sharing backend")
    page.fill("[name=description]", "Riders book cars; drivers accept trips from their phones.")
    submit(page, "form:has([name=description])")
    axe_check(page)  # wherever creating a project lands (the workspace)

    project = Project.objects.get(name="Ride-sharing backend")
    assert project.team.membership_set.filter(
        user__email="newcomer@example.com", role=Role.OWNER
    ).exists()

    goto(page, live_server.url + reverse("dashboard"))
    expect(page.locator("main")).to_contain_text("Ride-sharing backend")
    link = page.locator(f'main a[href="{reverse("workspace", args=[project.pk])}"]')
    expect(link.first).to_be_visible()
    axe_check(page)

    assert csp_errors == []


def test_log_in_through_the_form_and_log_out(page, live_server, csp_errors):
    make_user("returning@example.com", password=PASSWORD)

    goto(page, live_server.url + reverse("login"))
    axe_check(page)
    page.fill("input[name=username]", "returning@example.com")
    page.fill("input[name=password]", PASSWORD)
    submit(page, "form:has(input[name=password])")
    expect(page).to_have_url(live_server.url + reverse("dashboard"))

    submit(page, f'form[action="{reverse("logout")}"]')
    expect(page).to_have_url(live_server.url + reverse("login"))
    goto(page, live_server.url + reverse("dashboard"))
    expect(page).not_to_have_url(live_server.url + reverse("dashboard"))

    assert csp_errors == []


def test_team_member_opens_a_project_workspace(page, live_server, log_in, csp_errors):
    user = make_user("member@example.com", password=PASSWORD)
    team = make_team("Acme", owner=user)
    project = make_project(team, name="Chat backend", created_by=user)
    log_in(user)

    goto(page, live_server.url + reverse("workspace", args=[project.pk]))
    expect(page.locator("h1").first).to_contain_text("Chat backend")
    axe_check(page)

    assert csp_errors == []
