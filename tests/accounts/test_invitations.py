"""Owners make single-use invitation links; people accept them once, while they last."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, Role, token_hash
from accounts.services import invitation_accept, invitation_create
from accounts.teams import SESSION_KEY
from tests.conftest import client_for, make_user
from tests.mail import UNREACHABLE

HTMX = {"HTTP_HX_REQUEST": "true"}


def create_url(team):
    return reverse("invitation_create", args=[team.pk])


def accept_url(token):
    return reverse("invitation_accept", args=[token])


@pytest.fixture
def newcomer(db):
    return make_user("nora@example.com", name="Nora")


@pytest.fixture
def invite(team, owner):
    def make(role=Role.EDITOR, email="", days=7):
        return invitation_create(
            team=team, created_by=owner, role=role, email=email, expires_in_days=days
        )

    return make


# Creating and revoking --------------------------------------------------------------------------


def test_owner_creates_a_link_shown_once_and_stored_as_hash(owner_client, team):
    response = owner_client.post(
        create_url(team), {"role": Role.VIEWER, "email": "", "expires_in_days": 3}
    )
    assert response.status_code == 200
    html = response.content.decode()
    link = re.search(r'value="(http://testserver/accounts/invite/([^/"]+)/)"', html)
    assert link, html
    invitation = Invitation.objects.get()
    assert invitation.token_hash == token_hash(link.group(2))
    assert link.group(2) not in invitation.token_hash
    assert invitation.role == Role.VIEWER
    assert timedelta(days=2, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=3)
    # Not shown again on the next visit.
    again = owner_client.get(reverse("team_settings", args=[team.pk])).content.decode()
    assert link.group(2) not in again


def test_htmx_create_returns_the_invitations_section(owner_client, team):
    response = owner_client.post(
        create_url(team), {"role": Role.EDITOR, "email": "", "expires_in_days": 7}, **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="invitations"')
    assert "/accounts/invite/" in html


def test_invitation_with_email_is_emailed(owner_client, team):
    owner_client.post(
        create_url(team), {"role": Role.EDITOR, "email": "Nora@Example.com", "expires_in_days": 7}
    )
    assert Invitation.objects.get().email == "nora@example.com"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nora@example.com"]
    assert "/accounts/invite/" in mail.outbox[0].body


@pytest.mark.parametrize(
    "data",
    [
        {"role": "admin", "email": "", "expires_in_days": 7},
        {"role": "editor", "email": "not-an-email", "expires_in_days": 7},
        {"role": "editor", "email": "", "expires_in_days": 0},
        {"role": "editor", "email": "", "expires_in_days": 365},
    ],
)
def test_invalid_invitation_input_shows_errors(owner_client, team, data):
    response = owner_client.post(create_url(team), data)
    assert response.status_code == 200
    assert response.context["invitation_form"].errors
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["editor_client", "viewer_client"])
def test_only_owners_create_or_revoke(request, who, team, invite):
    client = request.getfixturevalue(who)
    data = {"role": Role.OWNER, "email": "", "expires_in_days": 7}
    assert client.post(create_url(team), data).status_code == 403
    invitation, _ = invite()
    revoke = reverse("invitation_revoke", args=[team.pk, invitation.pk])
    assert client.post(revoke).status_code == 403
    assert Invitation.objects.count() == 1


def test_outsider_gets_404(outsider_client, team, invite):
    data = {"role": Role.OWNER, "email": "", "expires_in_days": 7}
    assert outsider_client.post(create_url(team), data).status_code == 404
    invitation, _ = invite()
    revoke = reverse("invitation_revoke", args=[team.pk, invitation.pk])
    assert outsider_client.post(revoke).status_code == 404


def test_create_and_revoke_refuse_get(owner_client, team, invite):
    invitation, _ = invite()
    assert owner_client.get(create_url(team)).status_code == 405
    assert (
        owner_client.get(reverse("invitation_revoke", args=[team.pk, invitation.pk])).status_code
        == 405
    )


def test_revoked_link_stops_working(owner_client, team, invite, newcomer):
    invitation, token = invite()
    response = owner_client.post(
        reverse("invitation_revoke", args=[team.pk, invitation.pk]), **HTMX
    )
    assert "Invitation revoked" in response.content.decode()
    assert not Invitation.objects.exists()
    assert client_for(newcomer).get(accept_url(token)).status_code == 404


# Accepting -------------------------------------------------------------------------------------


def test_accept_requires_login_and_keeps_the_link_as_next(client, invite):
    _, token = invite()
    response = client.get(accept_url(token))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={accept_url(token)}"


def test_accept_page_shows_team_and_role_with_a_button(invite, newcomer):
    _, token = invite(role=Role.VIEWER)
    response = client_for(newcomer).get(accept_url(token))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Acme" in html
    assert "viewer" in html
    assert "Accept and join" in html
    assert not Membership.objects.filter(user=newcomer, team__name="Acme").exists()


def test_accepting_joins_team_sets_current_team_and_goes_to_dashboard(invite, newcomer, team):
    invitation, token = invite(role=Role.EDITOR)
    client = client_for(newcomer)
    response = client.post(accept_url(token))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert Membership.objects.get(team=team, user=newcomer).role == Role.EDITOR
    assert client.session[SESSION_KEY] == team.pk
    invitation.refresh_from_db()
    assert invitation.used_by == newcomer
    assert invitation.used_at is not None


def test_link_is_single_use(invite, newcomer, team):
    _, token = invite()
    client_for(newcomer).post(accept_url(token))
    second = client_for(make_user("late@example.com"))
    response = second.post(accept_url(token))
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert second.get(accept_url(token)).status_code == 410
    assert Membership.objects.filter(team=team).count() == 4


def test_expired_link_is_refused(invite, newcomer, team):
    invitation, token = invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client = client_for(newcomer)
    for response in (client.get(accept_url(token)), client.post(accept_url(token))):
        assert response.status_code == 410
        assert "expired" in response.content.decode()
    assert not Membership.objects.filter(team=team, user=newcomer).exists()


def test_unknown_link_is_404_with_a_message(newcomer):
    client = client_for(newcomer)
    for response in (client.get(accept_url("nope")), client.post(accept_url("nope"))):
        assert response.status_code == 404
        assert "not valid" in response.content.decode()


def test_link_for_someone_else_is_refused(invite, newcomer, team):
    _, token = invite(email="someone.else@example.com")
    response = client_for(newcomer).post(accept_url(token))
    assert response.status_code == 403
    assert "someone.else@example.com" in response.content.decode()
    assert not Membership.objects.filter(team=team, user=newcomer).exists()


def test_link_for_this_address_works_whatever_the_case(team, owner, newcomer):
    _, token = invitation_create(
        team=team, created_by=owner, role=Role.VIEWER, email="NORA@example.com"
    )
    assert client_for(newcomer).post(accept_url(token)).status_code == 302


def test_existing_member_with_higher_role_keeps_it_and_link_stays_unused(invite, editor, team):
    invitation, token = invite(role=Role.VIEWER)
    response = client_for(editor).post(accept_url(token), follow=True)
    assert "already a member" in response.content.decode()
    assert Membership.objects.get(team=team, user=editor).role == Role.EDITOR
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_existing_member_with_lower_role_is_raised(invite, viewer, team):
    _, token = invite(role=Role.EDITOR)
    client_for(viewer).post(accept_url(token))
    assert Membership.objects.get(team=team, user=viewer).role == Role.EDITOR


def test_accept_refuses_other_methods(invite, newcomer):
    _, token = invite()
    assert client_for(newcomer).put(accept_url(token)).status_code == 405


def test_service_refuses_reuse(invite, newcomer):
    from accounts.services import InvitationError

    _, token = invite()
    invitation_accept(token=token, user=newcomer)
    with pytest.raises(InvitationError) as problem:
        invitation_accept(token=token, user=make_user("z@example.com"))
    assert problem.value.status == 410


def test_after_accepting_the_dashboard_shows_the_teams_projects(invite, newcomer, project):
    _, token = invite(role=Role.VIEWER)
    client = client_for(newcomer)
    response = client.post(accept_url(token), follow=True)
    assert response.status_code == 200
    assert project.name in response.content.decode()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_unreachable_mail_server_keeps_the_invitation_and_shows_its_link(
    owner_client, team, settings, headers, caplog
):
    settings.MAILERS = UNREACHABLE
    response = owner_client.post(
        create_url(team),
        {"role": Role.EDITOR, "email": "nora@example.com", "expires_in_days": 7},
        **headers,
    )
    assert response.status_code == 200
    html = response.content.decode()
    link = re.search(r'value="http://testserver/accounts/invite/([^/"]+)/"', html)
    assert link, html
    assert Invitation.objects.get().token_hash == token_hash(link.group(1))
    assert "could not be emailed" in html
    assert "we emailed it too" not in html
    assert "nora@example.com" in caplog.text
