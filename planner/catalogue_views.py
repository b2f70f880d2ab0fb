"""The catalogue: browse shared patterns and techniques, and keep the team's own.

Everyone signed in reads the shared catalogue (staff edit it in the admin). A
team's own entries are visible to its members only — to anyone else they do not
exist (404) — and editors and owners add, change and delete them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError, Q, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Membership, Role, Team
from accounts.teams import current_team
from planner.catalogue_forms import CatalogueEntryForm, CatalogueFilterForm
from planner.models import CatalogueEntry, Decision, Platform, TechniqueChoice

PLATFORM_LABELS = dict(Platform.choices)
EDIT_MESSAGE = "Only your team's editors and owners can change its catalogue entries."


def _team_and_membership(request: HttpRequest) -> tuple[Team | None, Membership | None]:
    memberships = list(request.user.membership_set.select_related("team"))
    team = current_team(request, memberships)
    membership = next((m for m in memberships if m.team == team), None)
    return team, membership


def _can_edit(membership: Membership | None) -> bool:
    return membership is not None and membership.allows(Role.EDITOR)


def _get_entry(request: HttpRequest, pk: int, role: str | None = None) -> CatalogueEntry:
    """A shared entry, or an entry of one of the user's teams; 404 for anything else.

    With `role`, the entry must be the team's own and the user must hold `role` in it.
    """
    entry = (
        CatalogueEntry.objects.select_related("team")
        .filter(Q(team=None) | Q(team__membership__user=request.user), pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("No such catalogue entry.")
    if role is not None:
        if entry.team is None:
            raise PermissionDenied("The shared catalogue is curated by staff in the admin.")
        membership = Membership.objects.get(team=entry.team, user=request.user)
        if not membership.allows(role):
            raise PermissionDenied(EDIT_MESSAGE)
    return entry


def _with_platform_names(entries) -> list[CatalogueEntry]:
    entries = list(entries)
    for entry in entries:
        entry.platform_names = [PLATFORM_LABELS.get(p, p) for p in entry.builtin_platforms]
    return entries


@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    team, membership = _team_and_membership(request)
    visible = CatalogueEntry.objects.visible_to(team)
    categories = sorted(set(visible.values_list("category", flat=True)))
    form = CatalogueFilterForm(request.GET or None, categories=categories)
    entries = _with_platform_names(form.filter(visible).order_by("kind", "category", "name"))
    context = {
        "form": form,
        "entries": entries,
        "team": team,
        "can_edit": _can_edit(membership),
        "filtered": any(request.GET.get(name) for name in form.fields),
    }
    template = "planner/catalogue/list.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


@login_required
def catalogue_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry(request, pk)
    # The method is checked after the entry: a 405 would tell an outsider that it exists.
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    (entry,) = _with_platform_names([entry])
    can_edit = False
    if entry.team_id is not None:
        can_edit = _can_edit(
            Membership.objects.filter(team_id=entry.team_id, user=request.user).first()
        )
    return render(request, "planner/catalogue/detail.html", {"entry": entry, "can_edit": can_edit})


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_entry_create(request: HttpRequest) -> HttpResponse:
    team, membership = _team_and_membership(request)
    if team is None:
        raise Http404("You are not in a team.")
    if not _can_edit(membership):
        raise PermissionDenied(EDIT_MESSAGE)
    form = CatalogueEntryForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        entry = form.save()
        messages.success(request, f"Added “{entry}” to {team}'s catalogue.")
        return redirect("catalogue_entry", entry.pk)
    return render(request, "planner/catalogue/form.html", _form_context(form, team))


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry(request, pk, role=Role.EDITOR)
    form = CatalogueEntryForm(request.POST or None, instance=entry, team=entry.team)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved “{entry}”.")
        return redirect("catalogue_entry", entry.pk)
    return render(request, "planner/catalogue/form.html", _form_context(form, entry.team, entry))


def _form_context(form, team: Team, entry: CatalogueEntry | None = None) -> dict:
    categories = (
        CatalogueEntry.objects.visible_to(team)
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )
    return {"form": form, "team": team, "entry": entry, "categories": categories}


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry(request, pk, role=Role.EDITOR)
    used_by = _projects_using(entry)
    if request.method == "POST" and not used_by:
        try:
            entry.delete()
        except (RestrictedError, ProtectedError):  # a decision was added meanwhile
            used_by = _projects_using(entry)
        else:
            messages.success(request, f"Deleted “{entry}”.")
            return redirect("catalogue")
    status = 409 if request.method == "POST" else 200
    return render(
        request,
        "planner/catalogue/delete.html",
        {"entry": entry, "used_by": used_by},
        status=status,
    )


def _projects_using(entry: CatalogueEntry) -> list[str]:
    """Names of the projects whose decisions or techniques refer to the entry."""
    names = set(Decision.objects.filter(entry=entry).values_list("project__name", flat=True)) | set(
        TechniqueChoice.objects.filter(entry=entry).values_list("project__name", flat=True)
    )
    return sorted(names)
