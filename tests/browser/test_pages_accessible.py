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
        for step in ["context", "4", "5", "6", "core"]
    ]
    urls += [
        reverse("findings", args=[project.pk]),
        reverse("report", args=[project.pk]),
        reverse("share_links", args=[project.pk]),
        reverse("project_settings", args=[project.pk]),
        reverse("catalogue"),
        reverse("team_settings", args=[project.team_id]),
        reverse("project_import"),
    ]
    for url in urls:
        goto(page, live_server.url + url)
        axe_check(page)
    assert csp_errors == []


def test_reviewer_share_page_passes_axe_and_csp(page, live_server, csp_errors, demo_project):
    owner, project = demo_project
    token = new_token()
    ShareLink.objects.create(project=project, token_hash=token_hash(token), created_by=owner)
    goto(page, live_server.url + reverse("share_page", args=[token]))
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
    token = new_token()
    ShareLink.objects.create(
        project=project, token_hash=token_hash(token), created_by=owner, milestone=second
    )
    goto(page, live_server.url + reverse("share_page", args=[token]))
    axe_check(page)
    assert csp_errors == []
