from django.http import HttpRequest

from accounts.teams import current_team


def teams(request: HttpRequest) -> dict:
    """The navigation bar's team switcher: the user's teams and the current one."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    memberships = list(user.membership_set.select_related("team").order_by("team__name"))
    return {"memberships": memberships, "current_team": current_team(request, memberships)}
