import pytest
from django.urls import reverse

from accounts.models import Invitation, Membership, Role
from tests.conftest import make_user

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(team):
    return reverse("team_settings", args=[team.pk])


def test_url_contract(team):
    assert url(team) == f"/accounts/teams/{team.pk}/"


@pytest.mark.django_db
def test_requires_login(client, team):
    response = client.get(url(team))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_owner_sees_members_roles_and_management(owner_client, team):
    response = owner_client.get(url(team))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("Alice", "Bob", "Vera"):
        assert name in html
    assert "Create invitation link" in html
    assert "Invitations" in html


@pytest.mark.parametrize("who", ["editor_client", "viewer_client"])
def test_members_see_the_team_but_not_the_controls(request, team, who):
    response = request.getfixturevalue(who).get(url(team))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alice" in html
    assert "Create invitation link" not in html
    assert "Leave this team" in html
    assert response.context["invitations"] == []


def test_outsider_gets_404(outsider_client, team):
    assert outsider_client.get(url(team)).status_code == 404


def test_unknown_team_is_404(owner_client):
    assert owner_client.get("/accounts/teams/999999/").status_code == 404


def test_post_is_not_allowed(owner_client, team):
    assert owner_client.post(url(team)).status_code == 405


def test_pending_invitations_listed_but_not_used_or_expired(owner_client, team, owner):
    from datetime import timedelta

    from django.utils import timezone

    Invitation.objects.create(team=team, role=Role.VIEWER, email="p@example.com", token_hash="a")
    Invitation.objects.create(
        team=team,
        role=Role.VIEWER,
        email="used@example.com",
        token_hash="b",
        used_at=timezone.now(),
    )
    Invitation.objects.create(
        team=team,
        role=Role.VIEWER,
        email="old@example.com",
        token_hash="c",
        expires_at=timezone.now() - timedelta(days=1),
    )
    html = owner_client.get(url(team)).content.decode()
    assert "p@example.com" in html
    assert "used@example.com" not in html
    assert "old@example.com" not in html


def test_query_count_does_not_grow_with_members(owner_client, team, django_assert_max_num_queries):
    for n in range(3):
        Membership.objects.create(team=team, user=make_user(f"m{n}@example.com"))
        Invitation.objects.create(team=team, role=Role.VIEWER, token_hash=f"h{n}")
    with django_assert_max_num_queries(12) as few:
        owner_client.get(url(team))
    baseline = len(few.captured_queries)
    for n in range(3, 30):
        Membership.objects.create(team=team, user=make_user(f"m{n}@example.com"))
        Invitation.objects.create(team=team, role=Role.VIEWER, token_hash=f"h{n}")
    with django_assert_max_num_queries(baseline):
        owner_client.get(url(team))
