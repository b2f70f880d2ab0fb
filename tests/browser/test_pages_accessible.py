"""Every kind of page a team or a reviewer sees passes axe-core and our CSP, on a real plan.

The demo plan is imported so the pages carry real content: rows, findings, decisions.
"""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Role, new_token, token_hash
from planner.catalogue import load_catalogue
from planner.importing import plan_import
from planner.milestones import milestone_create, review_request
from planner.models import Boundary, ShareLink
from tests.browser.helpers import axe_check, goto
from tests.conftest import make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = Path(__file__).resolve().parents[2] / "planner" / "fixtures" / "demo-plan.json"


@pytest.fixture
def demo_project():
    load_catalogue()
    owner = make_user("owner@example.com")
    team = make_team("Demo", **{Role.OWNER: owner})
    project = plan_import(team=team, document=json.loads(DEMO.read_text()), user=owner)
    return owner, project


def test_team_pages_pass_axe_and_csp(page, live_server, log_in, csp_errors, demo_project):
    owner, project = demo_project
    log_in(owner)
    urls = [
        reverse("workspace_step", args=[project.pk, step])
        for step in ["context", "2", "4", "5", "6", "core"]
    ]
    urls.append(reverse("row_add", args=[project.pk, "decision"]))  # the grouped picker
    urls += [
        reverse("findings", args=[project.pk]),
        reverse("report", args=[project.pk]),
        reverse("share_links", args=[project.pk]),
        reverse("project_settings", args=[project.pk]),
        reverse("discussion", args=[project.pk]),
        reverse("activity", args=[project.pk]),
        reverse("improvements", args=[project.pk]),
        reverse("catalogue"),
        reverse("team_settings", args=[project.team_id]),
        reverse("project_import"),
    ]
    for url in urls:
        goto(page, live_server.url + url)
        axe_check(page)
    # The project's menus (<details>): opened by keyboard, closed by Escape or a click
    # elsewhere (static/js/menus.js), one open at a time.
    goto(page, live_server.url + urls[0])
    plan_menu, team_menu = page.locator("details.menu").nth(0), page.locator("details.menu").nth(1)
    plan_menu.locator("summary").focus()
    page.keyboard.press("Enter")
    assert plan_menu.evaluate("menu => menu.open")
    axe_check(page)
    team_menu.locator("summary").click()
    assert team_menu.evaluate("menu => menu.open") and not plan_menu.evaluate("m => m.open")
    page.locator("h1").click()
    assert not team_menu.evaluate("menu => menu.open")
    plan_menu.locator("summary").click()
    page.keyboard.press("Escape")
    assert not plan_menu.evaluate("menu => menu.open")
    assert page.evaluate("document.activeElement.textContent") == "Plan"
    assert csp_errors == []


def test_reviewer_share_page_passes_axe_and_csp(page, live_server, csp_errors, demo_project):
    owner, project = demo_project
    token = new_token()
    ShareLink.objects.create(project=project, token_hash=token_hash(token), created_by=owner)
    goto(page, live_server.url + reverse("share_page", args=[token]))
    axe_check(page)
    assert csp_errors == []


def test_examples_suggestions_and_traceability_pass_axe_and_csp(
    page, live_server, log_in, csp_errors, demo_project, settings, tmp_path
):
    owner, project = demo_project
    settings.PLAN_EXAMPLES_DIR = tmp_path
    (tmp_path / "realtime-chat.json").write_text(DEMO.read_text(), encoding="utf-8")
    newcomer = make_user("new@example.com")
    make_team("Newcomer", **{Role.OWNER: newcomer})
    log_in(newcomer)
    goto(page, live_server.url + reverse("dashboard"))  # empty: it offers the examples
    axe_check(page)
    page.get_by_role("link", name="Start from this example").first.click()
    page.wait_for_url("**/projects/start/realtime-chat/")
    axe_check(page)
    page.context.clear_cookies()
    log_in(owner)
    for url in [
        reverse("project_start"),
        reverse("project_copy", args=[project.pk]),
        reverse("trace", args=[project.pk]),
        reverse("suggestions", args=[project.pk]),
    ]:
        goto(page, live_server.url + url)
        axe_check(page)
    # One click adds a suggestion through htmx: the list comes back without it.
    page.get_by_role("button", name="Add “Sign in: load data”").click()
    page.get_by_role("status").get_by_text("Added “Sign in: load data”.").wait_for()
    assert page.get_by_role("button", name="Add “Sign in: load data”").count() == 0
    axe_check(page)
    assert csp_errors == []


def test_what_if_panel_passes_axe_and_csp_with_and_without_htmx(
    page, live_server, log_in, csp_errors, demo_project
):
    owner, project = demo_project
    log_in(owner)
    goto(page, live_server.url + reverse("findings", args=[project.pk]))
    page.click("#what-if summary")  # closed until it has something to show
    page.select_option("#id_scale", "gt100k")
    page.select_option("#id_team_size", "20+")
    page.click("#what-if button[type=submit]")
    page.wait_for_selector("#what-if h3:text('Would appear')")
    assert page.locator("h1").count() == 1  # htmx swapped the panel, not the page
    assert "scale=gt100k" in page.url  # the address says what is compared
    axe_check(page)
    goto(page, page.url)  # the same address without htmx: the whole page with the result
    assert page.locator("#what-if h3:text('Would disappear')").count() == 1
    axe_check(page)
    assert csp_errors == []


def test_milestone_and_compare_pages_pass_axe_and_csp(
    page, live_server, log_in, csp_errors, demo_project
):
    owner, project = demo_project
    viewer = make_user("viewer@example.com")
    project.team.membership_set.create(user=viewer, role=Role.VIEWER)
    first = milestone_create(project=project, user=owner, name="Design review 1")
    Boundary.objects.filter(project=project, name="Chat core").update(name="Messaging core")
    second = milestone_create(project=project, user=owner, name="Design review 2")
    review_request(milestone=second, reviewers=[owner, viewer], user=owner, url="/")
    compare = reverse("compare", args=[project.pk])
    urls = [
        reverse("milestones", args=[project.pk]),
        reverse("milestone", args=[project.pk, second.pk]),
        reverse("milestone_report", args=[project.pk, second.pk]),
        f"{compare}?old={first.pk}&new=current",
        f"{compare}?old={first.pk}&new={second.pk}",
    ]
    log_in(owner)
    for url in urls:
        goto(page, live_server.url + url)
        axe_check(page)
    log_in(viewer)  # asked to review: the answer form, without the request form
    goto(page, live_server.url + urls[1])
    axe_check(page)
    goto(page, live_server.url + reverse("dashboard"))  # "Waiting for your review"
    assert page.get_by_role("heading", name="Waiting for your review").is_visible()
    axe_check(page)
    token = new_token()
    ShareLink.objects.create(
        project=project, token_hash=token_hash(token), created_by=owner, milestone=second
    )
    goto(page, live_server.url + reverse("share_page", args=[token]))
    axe_check(page)
    assert csp_errors == []
