"""Someone else is here: the workspace polls the plan's version and shows who changed
what on the open step."""

import re

import pytest
from django.urls import reverse

from planner import activity
from planner.models import Boundary
from tests.planner.test_query_counts import count

HTMX = {"HTTP_HX_REQUEST": "true"}


def poll_url(html: str) -> str:
    return re.search(r'id="presence"[^>]*hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")


def add_boundary(client, project, name):
    url = reverse("row_add", args=[project.pk, "boundary"])
    response = client.post(
        url, {"add-boundary-name": name, "add-boundary-reason": "security"}, **HTMX
    )
    assert response.status_code == 200


@pytest.fixture
def opened(project, owner_client):
    """The owner has step 2 open: the URL its poller calls."""
    html = owner_client.get(reverse("workspace_step", args=[project.pk, "2"])).content.decode()
    return poll_url(html)


def test_nothing_changed_is_204_in_one_query(
    project, opened, owner_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):  # the session with its user and their access
        response = owner_client.get(opened, **HTMX)
    assert response.status_code == 204 and response.content == b""


def test_another_members_save_on_the_step_shows_who_changed_what(
    project, opened, owner_client, editor_client
):
    add_boundary(editor_client, project, "Billing")
    response = owner_client.get(opened, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bob" in html and "added boundary “Billing”" in html
    assert "Refresh to see the changes" in html
    # The new poller has seen this version: the next poll is 204 again.
    assert owner_client.get(poll_url(html), **HTMX).status_code == 204


def test_own_saves_and_other_steps_show_no_notice(project, opened, owner_client, editor_client):
    add_boundary(owner_client, project, "Mine")
    activity.record(
        project=project,
        user=project.team.membership_set.get(role="editor").user,
        summary="answered something",
        step="1",
    )
    response = owner_client.get(opened, **HTMX)
    assert response.status_code == 200
    assert "Changed on this step" not in response.content.decode()


def test_the_notice_is_escaped(project, opened, owner_client, editor_client):
    add_boundary(editor_client, project, "<script>x</script>")
    html = owner_client.get(opened, **HTMX).content.decode()
    assert "<script>x" not in html and "&lt;script&gt;x" in html


def test_a_changed_poll_costs_one_query_more_whatever_the_log(
    project, opened, owner_client, editor_client
):
    add_boundary(editor_client, project, "First")
    few = count(lambda: owner_client.get(opened, **HTMX))
    for i in range(60):
        Boundary.objects.create(project=project, name=f"B{i}")
        activity.record(project=project, user=None, summary=f"added {i}", step="2")
    assert count(lambda: owner_client.get(opened, **HTMX)) == few == 2


def test_outsiders_get_404_and_an_unknown_step_too(project, opened, outsider_client, owner_client):
    assert outsider_client.get(opened).status_code == 404
    assert owner_client.get(reverse("presence", args=[project.pk, "9"])).status_code == 404


def test_a_mangled_stamp_is_not_an_error(project, owner_client):
    url = reverse("presence", args=[project.pk, "2"]) + "?since=abc&seen=x"
    assert owner_client.get(url).status_code == 200
