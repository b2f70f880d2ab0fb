"""Milestone, compare and review pages run a fixed number of queries, whatever the plan's size."""

import pytest
from django.urls import reverse

from planner.milestones import CURRENT, milestone_create
from planner.models import Boundary
from planner.sharing import share_link_create
from tests.conftest import make_project
from tests.planner.plans import fill_plan
from tests.planner.test_query_counts import count

pytestmark = pytest.mark.django_db
MAX_QUERIES = 20


@pytest.fixture
def plans(team, owner, catalogue):
    """A small and a large plan, each with two milestones and a change between them."""
    built = []
    for name, rows in (("Small", 5), ("Large", 200)):
        project = fill_plan(make_project(team, name=name, created_by=owner), rows=rows)
        first = milestone_create(project=project, user=owner, name="One")
        Boundary.objects.filter(project=project, name="Boundary 1").update(name="Renamed")
        second = milestone_create(project=project, user=owner, name="Two")
        built.append((project, first, second))
    return built


def both(plans, client, make_url, method="get", data=None) -> list[int]:
    """The queries of one request to the small plan and the same to the large one."""
    send = getattr(client, method)
    urls = [make_url(*plan) for plan in plans]
    return [count(lambda u=u: send(u, data or {})) for u in urls]


def test_milestone_page(plans, owner_client, viewer, editor_client, owner):
    for _, _, second in plans:
        editor_client.post(
            reverse("milestone_review_request", args=[second.project_id, second.pk]),
            {"reviewers": [viewer.pk, owner.pk]},
        )
    found = both(plans, owner_client, lambda p, _, m: reverse("milestone", args=[p.pk, m.pk]))
    assert found[0] == found[1] <= MAX_QUERIES, found


def test_milestone_list(plans, viewer_client):
    found = both(plans, viewer_client, lambda p, *_: reverse("milestones", args=[p.pk]))
    assert found[0] == found[1] <= MAX_QUERIES, found


@pytest.mark.parametrize("sides", ["milestones", "current"])
def test_compare_page(plans, viewer_client, sides):
    def make_url(project, first, second):
        new = second.pk if sides == "milestones" else CURRENT
        return reverse("compare", args=[project.pk]) + f"?old={first.pk}&new={new}"

    found = both(plans, viewer_client, make_url)
    assert found[0] == found[1] <= MAX_QUERIES + 10, found


def test_milestone_creation(plans, editor_client):
    found = both(
        plans,
        editor_client,
        lambda p, *_: reverse("milestone_new", args=[p.pk]),
        "post",
        {"name": "Three"},
    )
    assert found[0] == found[1] <= MAX_QUERIES, found


def test_milestone_pdf_page(plans, viewer_client):
    found = both(
        plans, viewer_client, lambda p, _, m: reverse("milestone_report", args=[p.pk, m.pk])
    )
    assert found[0] == found[1] <= MAX_QUERIES, found


def test_milestone_share_page(plans, client, owner):
    urls = []
    for project, _, second in plans:
        _, token = share_link_create(project=project, user=owner, milestone=second)
        urls.append(reverse("share_page", args=[token]))
    found = [count(lambda u=u: client.get(u)) for u in urls]
    assert found[0] == found[1] <= MAX_QUERIES, found
