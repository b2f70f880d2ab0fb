"""Workspace step pages served from the cache while nothing they show has changed.

The key names every input of the page (STYLE.md 15): the project and its
`updated_at` (moved by every plan change, dismissals and their restore, renames and
archiving), the team's `catalogue_version` and `members_version` (moved by signals)
and its name, the viewer's role, the URL with its query string (`?all=<kind>`), and
the code version. A change moves the key, so an old entry is never read again: no
invalidation, and nothing stale even when each process keeps its own cache.

What differs per response is never stored: the page renders for the cache with
placeholders for the CSRF token, the CSP nonce and the navigation bar (the user's
address and teams, the current team), and every response, the first one too, fills
them in. Pages that show flash messages and HTMX requests bypass the cache.

A body is never older than its key: the key is read (with the access check) before
the page reads the plan, and every change moves its version after, or together with,
the data it changes.
"""

import hashlib
from functools import cache, wraps
from pathlib import Path

import django
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache as page_store
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers

from accounts.teams import current_team
from planner.models import Project

# Bump by hand when a page changes for a reason the sources below do not show
# (a dependency's templates, say). Template and planner source changes count already.
PAGE_CACHE_VERSION = "1"
PAGE_TTL = 60 * 60  # seconds; entries are never stale, this only bounds their number
RENDERING = "_page_cache_rendering"
NAVBAR = "navbar"  # RENDERING's value while the navigation bar renders for the cache


def _placeholder(name: str) -> str:
    """A marker no plan text can contain by chance: derived from the secret key, and
    letters and digits only, so escaping leaves it intact."""
    return "pc" + hashlib.sha256(f"{settings.SECRET_KEY}:{name}".encode()).hexdigest()[:32]


@cache
def placeholders() -> dict[str, str]:
    return {name: _placeholder(name) for name in ("csrf_token", "csp_nonce", "navbar_slot")}


@cache
def code_version() -> str:
    """What the page's code is: a hash of the templates and the planner's sources."""
    digest = hashlib.sha256(f"{PAGE_CACHE_VERSION}:{django.get_version()}".encode())
    digest.update(settings.SECRET_KEY.encode())
    planner = Path(__file__).resolve().parent
    for folder, pattern in ((settings.BASE_DIR / "templates", "*.html"), (planner, "*.py")):
        for path in sorted(folder.rglob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def context_placeholders(request: HttpRequest) -> dict:
    """Context processor (listed last, so it wins): while a page renders for the cache,
    the per-response values render as placeholders (only the CSRF token in the
    navigation bar, which has its own entry)."""
    rendering = getattr(request, RENDERING, False)
    if rendering == NAVBAR:
        return {"csrf_token": placeholders()["csrf_token"]}
    return placeholders() if rendering else {}


def page_key(request: HttpRequest, project: Project) -> str:
    team = project.team
    inputs = (
        code_version(),
        project.pk,
        project.updated_at.isoformat(),
        team.catalogue_version,
        team.members_version,
        team.name,  # shown in the breadcrumb; a rename moves no version
        request.membership.role,
        request.get_full_path(),
    )
    return "page:" + hashlib.sha256(repr(inputs).encode()).hexdigest()


def fill(body: str, request: HttpRequest) -> str:
    """The cached body with this response's navigation, CSRF token and CSP nonce."""
    marks = placeholders()
    return (
        body.replace(marks["navbar_slot"], navbar(request))
        .replace(marks["csrf_token"], get_token(request))
        .replace(marks["csp_nonce"], str(get_nonce(request)))
    )


def navbar(request: HttpRequest) -> str:
    """The navigation bar, from the cache while what it shows is unchanged: the user's
    address, their teams (ids and names) and the current one, all loaded by the access
    query. Its CSRF tokens stay placeholders (`fill` sets them). Rendered through the
    template engine and its context processors it cost a fifth of a cached page."""
    memberships = request.memberships
    team = current_team(request, memberships)
    inputs = (
        code_version(),
        request.user.pk,
        request.user.email,
        team.pk if team else None,
        [(m.team_id, m.team.name) for m in memberships],
    )
    key = "navbar:" + hashlib.sha256(repr(inputs).encode()).hexdigest()
    html = page_store.get(key)
    if html is None:
        setattr(request, RENDERING, NAVBAR)
        try:
            html = render_to_string("base.html#navbar", None, request)
        finally:
            setattr(request, RENDERING, False)
        page_store.set(key, html, PAGE_TTL)
    return html


def private(response: HttpResponse) -> HttpResponse:
    """The page is one user's: no shared cache keeps it, the browser revalidates it."""
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie", "HX-Request"])
    return response


def page_cached(view):
    """Serve a project page's GET from the cache (under `project_view`, which gives it
    the project and `request.membership`)."""

    @wraps(view)
    def wrapper(request: HttpRequest, project: Project, *args, **kwargs) -> HttpResponse:
        if request.method != "GET" or request.htmx or len(get_messages(request)):
            return private(view(request, project, *args, **kwargs))
        key = page_key(request, project)
        body = page_store.get(key)
        if body is not None:
            return private(HttpResponse(fill(body, request)))
        setattr(request, RENDERING, True)
        try:
            response = view(request, project, *args, **kwargs)
        finally:
            setattr(request, RENDERING, False)
        body = response.content.decode(response.charset)
        if response.status_code == 200 and not len(get_messages(request)):
            page_store.set(key, body, PAGE_TTL)
        response.content = fill(body, request)
        return private(response)

    return wrapper
