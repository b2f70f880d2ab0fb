"""Forms without a CSRF token are refused with a friendly 403 page."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Role, Team, User
from tests.conftest import make_user


@pytest.fixture
def strict_client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
def test_signup_without_token_is_403(strict_client):
    data = {
        "email": "x@example.com",
        "password1": "quiet-harbour-42",
        "password2": "quiet-harbour-42",
    }
    response = strict_client.post(reverse("signup"), data)
    assert response.status_code == 403
    assert "This form could not be sent" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_login_without_token_is_403(strict_client):
    make_user("x@example.com")
    response = strict_client.post(
        reverse("login"), {"username": "x@example.com", "password": "a-long-passphrase-1"}
    )
    assert response.status_code == 403


def test_member_changes_without_token_are_403(owner, team, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    target = Membership.objects.get(team=team, user=editor)
    response = client.post(reverse("member_role", args=[team.pk, target.pk]), {"role": "viewer"})
    assert response.status_code == 403
    assert client.post(reverse("team_create"), {"name": "Z"}).status_code == 403
    assert target.role == Role.EDITOR
    assert not Team.objects.filter(name="Z").exists()


@pytest.mark.django_db
def test_signup_with_token_works(strict_client):
    page = strict_client.get(reverse("signup"))
    token = page.context["csrf_token"]
    data = {
        "email": "x@example.com",
        "password1": "quiet-harbour-42",
        "password2": "quiet-harbour-42",
        "csrfmiddlewaretoken": str(token),
    }
    assert strict_client.post(reverse("signup"), data).status_code == 302
