import pytest
from django.urls import reverse

from accounts.models import Membership, Role, Team
from accounts.teams import SESSION_KEY

URL = "/accounts/teams/new/"


def test_url_contract():
    assert reverse("team_create") == URL


@pytest.mark.django_db
def test_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_form_renders_with_label(owner_client):
    response = owner_client.get(URL)
    assert response.status_code == 200
    assert 'for="id_name"' in response.content.decode()


def test_create_team_makes_user_owner_and_current(owner_client, owner):
    response = owner_client.post(URL, {"name": "Platform"})
    team = Team.objects.get(name="Platform")
    assert response.status_code == 302
    assert response["Location"] == reverse("team_settings", args=[team.pk])
    assert Membership.objects.get(team=team, user=owner).role == Role.OWNER
    assert not team.personal
    assert owner_client.session[SESSION_KEY] == team.pk


@pytest.mark.parametrize("name", ["", "x" * 101])
def test_empty_or_over_long_name_is_a_field_error(owner_client, name):
    response = owner_client.post(URL, {"name": name})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not Team.objects.filter(name=name).exists()


def test_wrong_method(owner_client):
    assert owner_client.delete(URL).status_code == 405
