from django.http import HttpRequest

from accounts.teams import current_team, user_memberships


def teams(request: HttpRequest) -> dict:
    """The navigation bar's team switcher: the user's teams and the current one."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    # A project page loaded them with its access check (planner.access): no second query.
    memberships = getattr(request, "memberships", None)
    if memberships is None:
        memberships = list(user_memberships(user))
    return {"memberships": memberships, "current_team": current_team(request, memberships)}
