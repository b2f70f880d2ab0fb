"""Owners change roles and remove members; anyone leaves; a team always keeps an owner."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Membership, Role
from accounts.services import (
    LAST_OWNER_MESSAGE,
    LastOwnerError,
    TeamChanged,
    membership_change_role,
    membership_remove,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def role_url(team, membership):
    return reverse("member_role", args=[team.pk, membership.pk])


def remove_url(team, membership):
    return reverse("member_remove", args=[team.pk, membership.pk])


def leave_url(team):
    return reverse("team_leave", args=[team.pk])


def m(team, user):
    return Membership.objects.get(team=team, user=user)


def test_owner_changes_a_role(owner_client, team, editor):
    response = owner_client.post(role_url(team, m(team, editor)), {"role": Role.VIEWER})
    assert response.status_code == 302
    assert response["Location"] == reverse("team_settings", args=[team.pk])
    assert m(team, editor).role == Role.VIEWER


def test_owner_changes_a_role_with_htmx_gets_the_members_section(owner_client, team, editor):
    response = owner_client.post(role_url(team, m(team, editor)), {"role": Role.OWNER}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="members"')
    assert "<html" not in html
    assert "Bob is now an owner." in html
    assert m(team, editor).role == Role.OWNER


def test_invalid_role_is_refused(owner_client, team, editor):
    response = owner_client.post(role_url(team, m(team, editor)), {"role": "admin"}, **HTMX)
    assert "Choose one of the roles." in response.content.decode()
    assert m(team, editor).role == Role.EDITOR


@pytest.mark.parametrize("who", ["editor_client", "viewer_client"])
def test_editors_and_viewers_cannot_manage_members(request, who, team, editor, viewer):
    client = request.getfixturevalue(who)
    assert client.post(role_url(team, m(team, viewer)), {"role": Role.OWNER}).status_code == 403
    assert client.post(remove_url(team, m(team, editor))).status_code == 403
    assert m(team, viewer).role == Role.VIEWER
    assert Membership.objects.filter(team=team).count() == 3


def test_outsider_gets_404(outsider_client, team, editor):
    assert (
        outsider_client.post(role_url(team, m(team, editor)), {"role": "owner"}).status_code == 404
    )
    assert outsider_client.post(remove_url(team, m(team, editor))).status_code == 404
    assert outsider_client.post(leave_url(team)).status_code == 404


def test_membership_of_another_team_is_404(owner_client, team, outsider):
    other = Membership.objects.get(user=outsider)
    assert owner_client.post(role_url(team, other), {"role": "viewer"}).status_code == 404
    assert owner_client.post(remove_url(team, other)).status_code == 404


def test_get_is_not_allowed(owner_client, team, editor):
    assert owner_client.get(role_url(team, m(team, editor))).status_code == 405
    assert owner_client.get(remove_url(team, m(team, editor))).status_code == 405
    assert owner_client.get(leave_url(team)).status_code == 405


def test_owner_removes_a_member(owner_client, team, editor):
    response = owner_client.post(remove_url(team, m(team, editor)), **HTMX)
    assert response.status_code == 200
    assert "Bob was removed from the team." in response.content.decode()
    assert not Membership.objects.filter(team=team, user=editor).exists()


def test_last_owner_cannot_demote_themselves(owner_client, team, owner):
    response = owner_client.post(role_url(team, m(team, owner)), {"role": Role.EDITOR}, follow=True)
    assert LAST_OWNER_MESSAGE in response.content.decode()
    assert m(team, owner).role == Role.OWNER


def test_last_owner_cannot_leave(owner_client, team, owner):
    response = owner_client.post(leave_url(team), **HTMX)
    assert LAST_OWNER_MESSAGE in response.content.decode()
    assert m(team, owner).role == Role.OWNER


def test_last_owner_cannot_remove_themselves(owner_client, team, owner):
    response = owner_client.post(remove_url(team, m(team, owner)), follow=True)
    assert LAST_OWNER_MESSAGE in response.content.decode()
    assert Membership.objects.filter(team=team, user=owner).exists()


def test_with_a_second_owner_the_first_may_step_down_and_leave(owner_client, team, owner, editor):
    membership_change_role(membership=m(team, editor), role=Role.OWNER)
    owner_client.post(role_url(team, m(team, owner)), {"role": Role.EDITOR})
    assert m(team, owner).role == Role.EDITOR
    response = owner_client.post(leave_url(team))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert not Membership.objects.filter(team=team, user=owner).exists()


def test_an_owner_cannot_remove_the_other_owner_if_it_would_leave_none(team, owner, editor):
    # Service level: the rule holds whoever calls it.
    membership_change_role(membership=m(team, editor), role=Role.OWNER)
    membership_change_role(membership=m(team, owner), role=Role.VIEWER)
    with pytest.raises(LastOwnerError):
        membership_change_role(membership=m(team, editor), role=Role.VIEWER)


@pytest.mark.parametrize("who,user", [("editor_client", "editor"), ("viewer_client", "viewer")])
def test_any_member_can_leave(request, who, user, team):
    client = request.getfixturevalue(who)
    person = request.getfixturevalue(user)
    response = client.post(leave_url(team), **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("dashboard")
    assert not Membership.objects.filter(team=team, user=person).exists()
    assert client.get(reverse("team_settings", args=[team.pk])).status_code == 404


# Changes overtaken by another owner's (the threaded races are in test_concurrency.py) ----------


def test_removing_a_member_someone_else_just_removed_says_so(team, owner, editor):
    target = m(team, editor)
    Membership.objects.filter(pk=target.pk).delete()
    with pytest.raises(TeamChanged, match="Bob is no longer in this team."):
        membership_remove(membership=target, by=owner)


def test_an_owner_demoted_meanwhile_cannot_change_members(team, owner, editor, viewer):
    Membership.objects.filter(team=team, user=owner).update(role=Role.EDITOR)
    Membership.objects.filter(team=team, user=editor).update(role=Role.OWNER)
    with pytest.raises(TeamChanged, match="no longer an owner"):
        membership_remove(membership=m(team, viewer), by=owner)
    with pytest.raises(TeamChanged, match="no longer an owner"):
        membership_change_role(membership=m(team, viewer), role=Role.OWNER, by=owner)
    assert m(team, viewer).role == Role.VIEWER


def test_an_owner_removed_meanwhile_is_told_and_sent_to_the_dashboard(
    owner_client, team, owner, editor, viewer, monkeypatch
):
    """The view's own check passed; the service, under the lock, finds the owner gone."""
    Membership.objects.filter(team=team, user=editor).update(role=Role.OWNER)
    target = m(team, viewer)
    real = services.membership_remove

    def removed_first(*, membership, by):
        Membership.objects.filter(team=team, user=owner).delete()
        return real(membership=membership, by=by)

    monkeypatch.setattr(services, "membership_remove", removed_first)
    response = owner_client.post(remove_url(team, target), **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("dashboard")
    page = owner_client.get(reverse("dashboard")).content.decode()
    assert "You are no longer a member of this team." in page
    assert Membership.objects.filter(pk=target.pk).exists()
