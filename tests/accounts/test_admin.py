import pytest
from django.urls import reverse

from accounts.models import Invitation, Role, User
from tests.conftest import client_for


@pytest.fixture
def staff_client(db):
    return client_for(
        User.objects.create_superuser(email="root@example.com", password="x-long-pass-9")
    )


@pytest.mark.parametrize("model", ["user", "team", "membership", "invitation"])
def test_admin_lists_and_forms_render(staff_client, team, model):
    assert staff_client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200


def test_admin_change_pages(staff_client, team, owner):
    Invitation.objects.create(team=team, role=Role.VIEWER, token_hash="h")
    assert (
        staff_client.get(reverse("admin:accounts_user_change", args=[owner.pk])).status_code == 200
    )
    assert (
        staff_client.get(reverse("admin:accounts_team_change", args=[team.pk])).status_code == 200
    )
    invitation = Invitation.objects.get()
    url = reverse("admin:accounts_invitation_change", args=[invitation.pk])
    assert staff_client.get(url).status_code == 200


def test_admin_creates_an_email_user(staff_client):
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "made@example.com",
            "name": "Made",
            "usable_password": "true",
            "password1": "quiet-harbour-42",
            "password2": "quiet-harbour-42",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(email="made@example.com").check_password("quiet-harbour-42")
