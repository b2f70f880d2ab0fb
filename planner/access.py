"""The one access rule: a project, for this user, with at least this role.

Every project URL resolves its project through `project_view` (or, outside a
view, `get_project`). Someone not signed in is sent to log in; anyone outside the
project's team gets 404, as if the project did not exist, whatever the method; a
member whose role is too low gets 403. Share-link pages (`/s/<token>/`) do not go
through here: the token is their access.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from accounts.models import Membership, Role
from planner.models import Project

ROLE_MESSAGES = {
    Role.EDITOR: "Viewers can read this plan but not change it. Ask an owner for editor access.",
    Role.OWNER: "Only the team's owners can do this.",
}


def get_project(user, project_id: int, role: str = Role.VIEWER) -> tuple[Project, Membership]:
    if not user.is_authenticated:
        raise Http404("No such project.")
    membership = (
        Membership.objects.select_related("team")
        .filter(user=user, team__projects=project_id)
        .first()
    )
    if membership is None:
        raise Http404("No such project.")
    if not membership.allows(role):
        raise PermissionDenied(ROLE_MESSAGES.get(role, "You do not have access to this."))
    project = Project.objects.select_related("team").get(pk=project_id)
    return project, membership


def project_view(role: str = Role.VIEWER):
    """Decorator: resolve `project_id` into `project`, enforcing membership and role.

    The view receives `request.membership` too, so templates can show or hide
    controls; the check itself happens here, never in a template.

    `project_view` goes above every other decorator of the view (`require_POST` and
    the like), so the method is checked only for members: otherwise a 405 would tell
    an outsider that the URL exists. It sends anonymous visitors to log in itself.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, project_id: int, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            project, membership = get_project(request.user, project_id, role)
            request.membership = membership
            return view(request, project, *args, **kwargs)

        return wrapper

    return decorator
