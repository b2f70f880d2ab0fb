import pytest
from django.urls import reverse

from accounts.models import Team
from accounts.teams import SESSION_KEY
from tests.conftest import make_team

URL = "/accounts/teams/switch/"


def test_url_contract():
    assert reverse("switch_team") == URL


def test_switch_to_a_team_of_mine(owner_client, owner, team):
    other = make_team("Side project", owner=owner)
    response = owner_client.post(URL, {"team": other.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert owner_client.session[SESSION_KEY] == other.pk
    owner_client.post(URL, {"team": team.pk})
    assert owner_client.session[SESSION_KEY] == team.pk


def test_cannot_switch_to_someone_elses_team(outsider_client, team):
    response = outsider_client.post(URL, {"team": team.pk})
    assert response.status_code == 404
    assert outsider_client.session.get(SESSION_KEY) != team.pk


@pytest.mark.parametrize("value", ["", "abc", "-1"])
def test_invalid_team_value_is_400(owner_client, value):
    assert owner_client.post(URL, {"team": value}).status_code == 400


def test_get_is_not_allowed(owner_client):
    assert owner_client.get(URL).status_code == 405


@pytest.mark.django_db
def test_requires_login(client):
    team = Team.objects.create(name="X")
    response = client.post(URL, {"team": team.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
