"""Which team the user is working in: kept in the session, checked against membership."""

from django.http import HttpRequest

SESSION_KEY = "team_id"


def user_memberships(user):
    """The user's memberships with their teams, in the order the navigation lists them."""
    return user.membership_set.select_related("team").order_by("team__name", "team_id")


def current_team(request: HttpRequest, memberships=None):
    if memberships is None:
        memberships = list(request.user.membership_set.select_related("team"))
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.team_id == chosen:
            return membership.team
    personal = [m.team for m in memberships if m.team.personal]
    if personal:
        return personal[0]
    return memberships[0].team if memberships else None


def set_current_team(request: HttpRequest, team) -> None:
    request.session[SESSION_KEY] = team.pk
