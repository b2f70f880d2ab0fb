"""Start a project from an example plan, or as a copy of one of the team's projects.

Both export a plan document (the example's file, or `plan_document` of the project)
and import it under the chosen name into a team where the user is an editor or owner.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.teams import current_team
from planner.access import project_view
from planner.document import PlanDocumentError, plan_document
from planner.example_forms import ProjectStartForm
from planner.examples import example_document, example_list
from planner.importing import plan_import
from planner.models import Project
from planner.registry import ROW_KIND_LIST, Limit

INVALID = 422


@login_required
@require_GET
def project_start(request: HttpRequest) -> HttpResponse:
    projects = (
        Project.objects.for_user(request.user)
        .filter(archived=False)
        .select_related("team")
        .order_by("team__name", "name")
    )
    return render(
        request,
        "planner/start/index.html",
        {"examples": example_list(), "projects": projects},
    )


@login_required
@require_http_methods(["GET", "POST"])
def example_start(request: HttpRequest, slug: str) -> HttpResponse:
    document = example_document(slug)
    if document is None:
        raise Http404("No such example.")
    source = {"kind": "example", "name": document["project"]["name"]}
    return start(request, document, source, document["project"]["name"])


@project_view(Role.VIEWER)
@require_http_methods(["GET", "POST"])
def project_copy(request: HttpRequest, project: Project) -> HttpResponse:
    suffix = " (copy)"
    name = project.name[: Limit.NAME - len(suffix)] + suffix
    return start(request, plan_document(project), {"kind": "copy", "name": project.name}, name)


def start(request: HttpRequest, document: dict, source: dict, name: str) -> HttpResponse:
    """The form, or the new project made from `document` under the chosen name and team."""
    initial = {"team": current_team(request), "name": name}
    form = ProjectStartForm(
        request.POST or None, user=request.user, document=document, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        team = form.cleaned_data["team"]
        try:
            project = plan_import(
                team=team, document=document, user=request.user, name=form.cleaned_data["name"]
            )
        except PlanDocumentError as error:  # the catalogue changed since validation
            form.add_document_errors(error.errors)
        else:
            messages.success(request, f"Created “{project.name}” in {team}.")
            return redirect(project)
    status = INVALID if form.is_bound else 200
    contents = [
        (kind.plural, len(document.get(kind.list_key, [])))
        for kind in ROW_KIND_LIST
        if document.get(kind.list_key)
    ]
    ctx = {
        "form": form,
        "source": source,
        "description": document["project"].get("description", ""),
        "contents": contents,
        "can_create": form.fields["team"].queryset.exists(),
    }
    return render(request, "planner/start/form.html", ctx, status=status)
