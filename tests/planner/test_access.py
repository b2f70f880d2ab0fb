"""The one access rule, checked on every project URL the app has."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from planner.access import get_project
from planner.models import Boundary
from tests.conftest import client_for, make_team

SAMPLE_KWARGS = {
    "step": "1",
    "number": 1,
    "key": "data_when",
    "kind": "boundary",
    "entry_id": 1,
    "report_id": 1,
    "link_id": 1,
    "name": "entities",  # a diagram
    "fmt": "svg",
    "thread_id": 1,
    "item_id": 1,
    "milestone_id": 1,
}


def project_url_names() -> list[str]:
    names = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name
                and "project_id" in pattern.pattern.regex.groupindex
            ):
                names.append(pattern.name)

    walk(get_resolver().url_patterns)
    return sorted(set(names))


def project_url(name: str, project, row_pk: int) -> str:
    pattern = get_resolver().reverse_dict.getlist(name)[0][0][0][1]
    kwargs = {"project_id": project.pk}
    for param in pattern:
        if param == "project_id":
            continue
        if param == "pk":
            kwargs["pk"] = row_pk
        else:
            assert param in SAMPLE_KWARGS, (
                f"add a sample value for URL parameter {param!r} of {name}"
            )
            kwargs[param] = SAMPLE_KWARGS[param]
    return reverse(name, kwargs=kwargs)


def test_there_are_project_urls_to_check():
    assert {"workspace", "workspace_step", "row_add", "findings"} <= set(project_url_names())


METHODS = ["get", "post"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", project_url_names())
def test_outsider_gets_404_on_every_project_url_whatever_the_method(
    name, method, project, outsider_client
):
    # Not 405 either: a method check answered before the access check would tell an
    # outsider that the URL exists.
    row = Boundary.objects.create(project=project, name="Core")
    url = project_url(name, project, row.pk)
    response = getattr(outsider_client, method)(url, {"name": "x"})
    assert response.status_code == 404, (method, url, response.status_code)
    assert Boundary.objects.get(pk=row.pk).name == "Core"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", project_url_names())
def test_anonymous_is_sent_to_log_in_on_every_project_url_whatever_the_method(
    name, method, project, client
):
    row = Boundary.objects.create(project=project, name="Core")
    url = project_url(name, project, row.pk)
    response = client.post(url, {"name": "x"}) if method == "post" else client.get(url)
    assert response.status_code == 302, (method, url, response.status_code)
    assert response["Location"] == f"{reverse('login')}?next={quote(url)}"
    assert Boundary.objects.get(pk=row.pk).name == "Core"


EDIT_URLS = [
    "context_save",
    "answer_save",
    "level_status",
    "row_add",
    "row_delete",
    "technique_save",
    "core_save",
    "finding_dismiss",
    "project_settings",
    "improvement_track",
    "milestone_new",
    "milestone_review_request",
]


@pytest.mark.parametrize("name", EDIT_URLS)
def test_viewer_cannot_change_the_plan(name, project, viewer_client):
    row = Boundary.objects.create(project=project, name="Core")
    response = viewer_client.post(
        project_url(name, project, row.pk), {"name": "Changed", "version": 1}
    )
    assert response.status_code == 403
    assert Boundary.objects.get(pk=row.pk).name == "Core"


def test_viewer_cannot_edit_a_row(project, viewer_client):
    row = Boundary.objects.create(project=project, name="Core")
    url = reverse("row_edit", args=[project.pk, "boundary", row.pk])
    assert viewer_client.get(url).status_code == 200  # reading is fine
    response = viewer_client.post(
        url, {f"boundary-{row.pk}-name": "Changed", f"boundary-{row.pk}-version": 1}
    )
    assert response.status_code == 403
    assert Boundary.objects.get(pk=row.pk).name == "Core"


def test_editor_cannot_delete_the_project(project, editor_client):
    url = reverse("project_delete", args=[project.pk])
    assert editor_client.post(url, {"confirm_name": project.name}).status_code == 403
    assert type(project).objects.filter(pk=project.pk).exists()


@pytest.mark.parametrize("client_name", ["owner_client", "editor_client", "viewer_client"])
def test_members_can_read_every_step(client_name, project, request):
    client = request.getfixturevalue(client_name)
    for step in ["context", "1", "2", "3", "4", "5", "6", "core"]:
        assert client.get(reverse("workspace_step", args=[project.pk, step])).status_code == 200


def test_access_is_one_query_and_the_navigation_reuses_it(project, owner, outsider):
    make_team("Zeta", viewer=owner)  # a second team: the switcher shows both
    with CaptureQueriesContext(connection) as captured:
        loaded, membership = get_project(owner, project.pk)
        assert (loaded, loaded.team, membership.role) == (project, project.team, "owner")
    assert len(captured) == 1
    with pytest.raises(Http404):
        get_project(outsider, project.pk)

    client = client_for(owner)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("project_settings", args=[project.pk]))
    assert b'id="team-switcher"' in response.content and b"Zeta" in response.content
    membership_queries = [q for q in captured if '"accounts_membership"' in q["sql"]]
    assert len(membership_queries) == 1, [q["sql"][:120] for q in membership_queries]


def test_an_expired_session_sends_the_whole_page_to_log_in_not_the_fragment(project, client):
    """An HTMX save from a page whose session expired: htmx is told to load the login
    page (HX-Redirect), which comes back to the page the person was on."""
    page = reverse("workspace_step", args=[project.pk, "2"])
    response = client.post(
        reverse("row_add", args=[project.pk, "boundary"]),
        {"add-boundary-name": "Core"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page}",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next={quote(page)}"
    assert not Boundary.objects.filter(project=project).exists()


def test_an_expired_session_on_a_team_page_sends_the_whole_page_to_log_in(team, client):
    page = reverse("team_settings", args=[team.pk])
    response = client.get(page, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=page)
    assert response["HX-Redirect"] == f"{reverse('login')}?next={quote(page)}"


def test_the_user_read_with_the_access_query_passes_djangos_checks(project, owner, outsider):
    """A project request reads the session's user together with their access (one
    statement, `access._signed_in_access`); Django still decides who is signed in: a
    deactivated user, a changed password (another session's hash), a deleted user and
    a session without a user are all sent to log in, and an outsider still gets 404.
    The same statement reads the session itself."""
    url = reverse("workspace_step", args=[project.pk, "1"])
    client = client_for(owner)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # One read of the session, the user and the access, not three.
    users = [q["sql"] for q in captured if '"accounts_user"' in q["sql"]]
    assert len(users) == 1 and '"accounts_membership"' in users[0]
    assert [q for q in captured if '"accounts_session"' in q["sql"]] == captured[:1]

    owner.is_active = False
    owner.save()
    assert client.get(url).status_code == 302
    owner.is_active = True
    owner.save()
    client = client_for(owner)
    owner.set_password("a new password for this test")
    owner.save()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client_for(outsider).get(url).status_code == 404
    stranger = client_for(outsider)
    outsider.delete()
    assert stranger.get(url).status_code == 302
