import pytest
from django.urls import reverse

from accounts.teams import SESSION_KEY
from planner.models import Context, LevelAnswer, Project


def test_dashboard_lists_the_current_teams_projects(project, owner_client):
    session = owner_client.session
    session[SESSION_KEY] = project.team_id
    session.save()
    response = owner_client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert project.name in response.content.decode()


def test_dashboard_empty_state(owner, owner_client):
    from tests.conftest import make_team

    make_team("Empty", owner=owner)
    response = owner_client.get(reverse("dashboard"))
    assert "No projects yet" in response.content.decode()


def test_dashboard_needs_login(client):
    assert client.get(reverse("dashboard")).status_code == 302


def select_team(client, team):
    session = client.session
    session[SESSION_KEY] = team.pk
    session.save()


def test_create_project(team, editor_client):
    select_team(editor_client, team)
    response = editor_client.post(reverse("project_create"), {"name": "Billing", "description": ""})
    project = Project.objects.get(team=team, name="Billing")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert Context.objects.filter(project=project).exists()
    assert LevelAnswer.objects.filter(project=project).count() == 6


@pytest.mark.parametrize(
    "name,message",
    [
        ("", "This field is required"),
        ("x" * 121, "at most 120"),
        ("Chat backend", "already has a project"),
    ],
)
def test_create_project_rejects_bad_names(name, message, project, editor_client):
    select_team(editor_client, project.team)
    response = editor_client.post(reverse("project_create"), {"name": name})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Project.objects.filter(team=project.team).count() == 1


def test_viewer_cannot_create_projects(team, viewer_client):
    select_team(viewer_client, team)
    viewer_client.post(reverse("project_create"), {"name": "Nope"})
    assert not Project.objects.filter(name="Nope").exists()


def test_rename_and_archive(project, editor_client):
    url = reverse("project_settings", args=[project.pk])
    assert editor_client.post(url, {"name": "Chat v2", "description": "d"}).status_code == 302
    project.refresh_from_db()
    assert project.name == "Chat v2"
    editor_client.post(url, {"archive": "1"})
    project.refresh_from_db()
    assert project.archived
    select_team(editor_client, project.team)
    link = f'href="/projects/{project.pk}/"'
    assert link not in editor_client.get(reverse("dashboard")).content.decode()
    assert link in editor_client.get(reverse("dashboard") + "?archived=1").content.decode()


def test_delete_needs_the_owner_and_the_name(project, owner_client):
    url = reverse("project_delete", args=[project.pk])
    assert owner_client.get(url).status_code == 200
    assert owner_client.post(url, {"confirm_name": "wrong"}).status_code == 422
    assert Project.objects.filter(pk=project.pk).exists()
    assert owner_client.post(url, {"confirm_name": project.name}).status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()


def test_delete_needs_post_or_get(project, owner_client):
    assert owner_client.put(reverse("project_delete", args=[project.pk])).status_code == 405
