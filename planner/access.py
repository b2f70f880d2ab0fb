"""The one access rule: a project, for this user, with at least this role.

Every project URL resolves its project through `project_view` (or, outside a
view, `get_project`). Someone not signed in is sent to log in; anyone outside the
project's team gets 404, as if the project did not exist, whatever the method; a
member whose role is too low gets 403. Share-link pages (`/s/<token>/`) do not go
through here: the token is their access.
"""

from functools import cache, wraps

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest

from accounts.lean import (
    columns,
    fetch,
    instances,
    now_value,
    session_user_id,
    table,
    user_read_already,
)
from accounts.login import login_redirect
from accounts.models import Membership, Role, Session, Team, User
from planner.models import Project

ROLE_MESSAGES = {
    Role.EDITOR: "Viewers can read this plan but not change it. Ask an owner for editor access.",
    Role.OWNER: "Only the team's owners can do this.",
}


@cache
def _access_sql() -> str:
    membership, team, project = (table(m) for m in (Membership, Team, Project))
    return (
        f"SELECT {columns(Membership, 'm')}, {columns(Team, 't')}, {columns(Project, 'p')} "  # noqa: S608
        f"FROM {membership} m JOIN {team} t ON t.id = m.team_id "
        f"LEFT JOIN {project} p ON p.team_id = t.id AND p.id = %s "
        "WHERE m.user_id = %s ORDER BY t.name, m.team_id"
    )


@cache
def _session_access_sql() -> str:
    """The same, led by the session's row: its data, its user, then each membership of
    the user (none: NULLs)."""
    session, user, membership, team, project = (
        table(m) for m in (Session, User, Membership, Team, Project)
    )
    pk = connection.ops.quote_name(User._meta.pk.column)
    return (
        f"SELECT s.session_data, {columns(User, 'u')}, {columns(Membership, 'm')}, "  # noqa: S608
        f"{columns(Team, 't')}, {columns(Project, 'p')} FROM {session} s "
        f"JOIN {user} u ON u.{pk} = s.user_id "
        f"LEFT JOIN {membership} m ON m.user_id = u.{pk} "
        f"LEFT JOIN {team} t ON t.id = m.team_id "
        f"LEFT JOIN {project} p ON p.team_id = t.id AND p.id = %s "
        "WHERE s.session_key = %s AND s.expire_date > %s ORDER BY t.name, m.team_id"
    )


def _access_of(found_rows) -> tuple[Project | None, Membership | None, list]:
    """(project, its membership, every membership) from (membership, team, project)
    instances, one per row."""
    found, memberships = (None, None), []
    for membership, team, project in found_rows:
        if membership is None:  # a user without a team (the user-led statement)
            continue
        membership.team = team
        memberships.append(membership)
        if project is not None:
            project.team = team
            found = (project, membership)
    return *found, memberships


def user_access(user, project_id: int) -> tuple[Project | None, Membership | None, list]:
    """One query: the user's memberships with their teams (the navigation lists them),
    and the project joined to the membership of its team, if the user has one. It runs
    on every project request, so it is plain SQL (accounts.lean); it reads what
    `user_memberships(user)` would, in the same order.

    Returns the project (with its team), that membership (so the role), and every
    membership of the user; (None, None, memberships) when the user is not in the
    project's team or there is no such project.
    """
    rows = fetch(_access_sql(), [project_id, user.pk])
    return _access_of(instances(row, Membership, Team, Project) for row in rows)


def get_project(user, project_id: int, role: str = Role.VIEWER) -> tuple[Project, Membership]:
    project, membership, _ = checked_access(user, project_id, role)
    return project, membership


def checked_access(
    user, project_id: int, role: str, access: tuple | None = None
) -> tuple[Project, Membership, list]:
    """The project, the membership and every membership of the user; 404 for outsiders,
    403 for too low a role. `access`: what `user_access` answers, read already."""
    if not user.is_authenticated:
        raise Http404("No such project.")
    project, membership, memberships = access or user_access(user, project_id)
    if membership is None:
        raise Http404("No such project.")
    if not membership.allows(role):
        raise PermissionDenied(ROLE_MESSAGES.get(role, "You do not have access to this."))
    return project, membership, memberships


def _signed_in_access(request: HttpRequest, project_id: int) -> tuple:
    """The session, its user with their memberships and this project in one statement,
    before `request.user` is read: Django then takes the session's data and makes the
    user from this row (`SessionStore.take`, `lean.user_read_already`) instead of
    reading them again. Answers (access, user), or (None, None) when there is no such
    session or it names no user that exists (Django reads the session itself then)."""
    key = request.session.session_key
    rows = fetch(_session_access_sql(), [project_id, key, now_value()]) if key else []
    if not rows:
        return None, None
    request.session.take(rows[0][0])
    found = [instances(row[1:], User, Membership, Team, Project) for row in rows]
    user = found[0][0]
    if session_user_id(request) != user.pk:  # the copy beside the data is out of date
        return None, None
    with user_read_already(user):
        signed_in = request.user.is_authenticated  # Django's checks, on this row
    return (_access_of(cut[1:] for cut in found), user) if signed_in else (None, None)


def project_view(role: str = Role.VIEWER):
    """Decorator: resolve `project_id` into `project`, enforcing membership and role.

    The view receives `request.membership` too, so templates can show or hide
    controls; the check itself happens here, never in a template. The same query
    reads the signed-in user (Django makes `request.user` from it, with all its
    checks) and all the user's memberships (`request.memberships`, the navigation's).

    `project_view` goes above every other decorator of the view (`require_POST` and
    the like), so the method is checked only for members: otherwise a 405 would tell
    an outsider that the URL exists. It sends anonymous visitors to log in itself.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, project_id: int, *args, **kwargs):
            access, user = _signed_in_access(request, project_id)
            if not request.user.is_authenticated:
                return login_redirect(request)
            project, membership, memberships = checked_access(
                request.user, project_id, role, access if request.user == user else None
            )
            request.membership = membership
            request.memberships = memberships  # for the navigation (accounts.context_processors)
            return view(request, project, *args, **kwargs)

        return wrapper

    return decorator
