"""Account work with side effects: sign-ups, invitations, membership changes.

The team rule lives here, in one place: a team always keeps at least one owner.
Every change to a team's members locks the team row first and then re-reads what
it rests on, so two owners demoting or removing each other at the same moment
cannot both win, and the loser is told why (TeamChanged) instead of failing.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.mail import send_safely
from accounts.models import Invitation, Membership, Role, Team, User, new_token, token_hash

LAST_OWNER_MESSAGE = (
    "A team needs at least one owner. Make someone else an owner first, "
    "then you can step down or leave."
)


class LastOwnerError(ValidationError):
    """Raised when a change would leave a team without an owner."""

    def __init__(self) -> None:
        super().__init__(LAST_OWNER_MESSAGE, code="last_owner")


class InvitationError(Exception):
    """An invitation link that cannot be used; `status` is the HTTP answer to give."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _unknown_invitation() -> InvitationError:
    return InvitationError(
        "This invitation link is not valid. It may have been revoked or mistyped. "
        "Ask the team's owner for a new one.",
        status=404,
    )


def _team_name_for(user: User) -> str:
    name = f"{user.name or user.email}'s team"
    return name if len(name) <= 100 else name[:99] + "…"


def team_create(*, name: str, owner: User, personal: bool = False) -> Team:
    with transaction.atomic():
        team = Team.objects.create(name=name, personal=personal)
        Membership.objects.create(team=team, user=owner, role=Role.OWNER)
    return team


def user_signup(*, email: str, password: str, name: str = "") -> User:
    """Create the account and its personal team, with the new user as the owner."""
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password, name=name)
        team_create(name=_team_name_for(user), owner=user, personal=True)
    return user


class TeamChanged(Exception):
    """A membership change overtaken by another one made at the same moment.

    `still_member` says whether the person acting is still in the team (and can be
    shown its page) or was removed meanwhile.
    """

    def __init__(self, message: str, *, still_member: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.still_member = still_member


def _lock_team_members(
    membership: Membership, *, by: User | None, owner_needed: bool
) -> Membership:
    """Lock the team row, then re-read what the change rests on.

    Every change to a team's members takes the team lock first, so two of them queue
    instead of deadlocking, and the second sees what the first did: the person acting
    may have lost their ownership or left, the member they act on may be gone.
    """
    Team.objects.select_for_update().filter(pk=membership.team_id).first()
    if by is not None:
        acting = Membership.objects.filter(team=membership.team_id, user=by).first()
        if acting is None:
            raise TeamChanged("You are no longer a member of this team.", still_member=False)
        if owner_needed and acting.role != Role.OWNER:
            raise TeamChanged(
                "You are no longer an owner of this team, so you cannot change its members."
            )
    current = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if current is None:
        raise TeamChanged(f"{membership.user} is no longer in this team.")
    return current


def _lock_owners(team: Team) -> list[Membership]:
    return list(
        Membership.objects.select_for_update().filter(team=team, role=Role.OWNER).order_by("pk")
    )


def _ensure_owner_remains(team: Team, leaving: Membership) -> None:
    """Refuse if `leaving` is the team's only owner (call inside a transaction)."""
    owners = _lock_owners(team)
    if leaving.role == Role.OWNER and [m.pk for m in owners] == [leaving.pk]:
        raise LastOwnerError()


def membership_change_role(
    *, membership: Membership, role: str, by: User | None = None
) -> Membership:
    """Give a member another role; `by`, the person acting, must (still) be an owner."""
    if role not in Role.values:
        raise ValidationError("Choose one of the roles.", code="invalid_role")
    with transaction.atomic():
        membership = _lock_team_members(membership, by=by, owner_needed=True)
        if membership.role == Role.OWNER and role != Role.OWNER:
            _ensure_owner_remains(membership.team, membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership, by: User | None = None) -> None:
    """Remove a member (or let them leave); the last owner cannot go.

    `by`, the person acting, must (still) be an owner unless they are leaving.
    """
    with transaction.atomic():
        leaving = by is not None and membership.user_id == by.pk
        membership = _lock_team_members(membership, by=by, owner_needed=not leaving)
        _ensure_owner_remains(membership.team, membership)
        membership.delete()


def invitation_create(
    *, team: Team, created_by: User, role: str, email: str = "", expires_in_days: int = 7
) -> tuple[Invitation, str]:
    """A new single-use link. Returns the invitation and its token, which is never stored."""
    token = new_token()
    invitation = Invitation.objects.create(
        team=team,
        role=role,
        email=email.lower(),
        token_hash=token_hash(token),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )
    return invitation, token


def invitation_email(*, invitation: Invitation, link: str, inviter: User) -> bool:
    """Email the link to the invitation's addressee; False if the mail server failed.

    The invitation stands either way: the owner is shown the link and can pass it on.
    """
    team = invitation.team
    return send_safely(
        f"You are invited to {team.name} on Backplan",
        f"{inviter} invited you to join “{team.name}” as {invitation.get_role_display()}."
        f"\n\nOpen this link to accept (it works once, until {invitation.expires_at:%d %b %Y})"
        f":\n{link}\n",
        [invitation.email],
    )


def invitation_for_token(token: str, *, user: User) -> Invitation:
    """The invitation behind a link, or InvitationError if this user cannot use it."""
    invitation = Invitation.objects.select_related("team").filter(token_hash=token_hash(token))
    invitation = invitation.first()
    if invitation is None:
        raise _unknown_invitation()
    _check_usable(invitation)
    _check_addressee(invitation, user)
    return invitation


def _check_usable(invitation: Invitation) -> None:
    if invitation.used_at is not None:
        raise InvitationError(
            "This invitation link has already been used. Each link works once; "
            "ask the team's owner for a new one.",
            status=410,
        )
    if invitation.is_expired:
        raise InvitationError(
            "This invitation link has expired. Ask the team's owner for a new one.", status=410
        )


def _check_addressee(invitation: Invitation, user: User) -> None:
    if invitation.email and invitation.email.lower() != user.email.lower():
        raise InvitationError(
            f"This invitation was made for {invitation.email}, and you are logged in as "
            f"{user.email}. Log in with that address, or ask the owner for a link for you.",
            status=403,
        )


@dataclass(frozen=True)
class Acceptance:
    membership: Membership
    already_member: bool  # True when the user kept an equal or higher role they already had


def invitation_accept(*, token: str, user: User) -> Acceptance:
    """Use an invitation once: add the user to the team, or raise their role if it is higher.

    The invitation row is locked and marked used with a conditional update, so two
    people accepting the same link at the same moment cannot both get in. A member
    who already holds this role or a higher one keeps it, and the link stays unused.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("team")
            .filter(token_hash=token_hash(token))
            .first()
        )
        if invitation is None:
            raise _unknown_invitation()
        _check_usable(invitation)
        _check_addressee(invitation, user)
        membership = (
            Membership.objects.select_for_update().filter(team=invitation.team, user=user).first()
        )
        if membership and Role.rank(membership.role) >= Role.rank(invitation.role):
            return Acceptance(membership=membership, already_member=True)
        claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=timezone.now(), used_by=user
        )
        if not claimed:
            raise InvitationError("This invitation link has already been used.", status=410)
        if membership:
            membership.role = invitation.role
            membership.save(update_fields=["role"])
        else:
            try:
                with transaction.atomic():
                    membership = Membership.objects.create(
                        team=invitation.team, user=user, role=invitation.role
                    )
            except IntegrityError:  # joined through another link at the same moment
                membership = Membership.objects.get(team=invitation.team, user=user)
    return Acceptance(membership=membership, already_member=False)
