"""Compare two plans (milestones or the current plan): on a page, as Markdown, in a PDF."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from planner.access import project_view
from planner.changes_markdown import changes_markdown
from planner.milestone_forms import CompareForm
from planner.milestone_views import report_page
from planner.milestones import CURRENT, compare, milestone_list, report_input
from planner.models import Milestone, Project


def _chosen(project: Project, request: HttpRequest) -> tuple[CompareForm, dict | None]:
    """The compare form from the query string, and the milestones it names (in full).

    With no choice yet: the latest milestone against the current plan."""
    listed = list(milestone_list(project))
    data = request.GET if "old" in request.GET else None
    if data is None and listed:
        data = {"old": str(listed[0].pk), "new": CURRENT}
    form = CompareForm(data, milestones=listed)
    if data is None or not form.is_valid():
        return form, None
    wanted = {form.cleaned_data["old"], form.cleaned_data["new"]} - {CURRENT}
    chosen = Milestone.objects.filter(project=project, pk__in=wanted)
    return form, {str(m.pk): m for m in chosen}


def _back_to_compare(request: HttpRequest, project: Project) -> HttpResponse:
    return redirect(reverse("compare", args=[project.pk]) + "?" + request.GET.urlencode())


@project_view(Role.VIEWER)
@require_GET
def compare_page(request: HttpRequest, project: Project) -> HttpResponse:
    form, chosen = _chosen(project, request)
    diff, query = None, ""
    if chosen is not None:
        diff = compare(project, form.cleaned_data["old"], form.cleaned_data["new"], chosen)
        query = urlencode({"old": form.cleaned_data["old"], "new": form.cleaned_data["new"]})
    context = {"project": project, "form": form, "changes": diff, "query": query}
    return render(request, "planner/milestones/compare.html", context)


@project_view(Role.VIEWER)
@require_GET
def compare_markdown(request: HttpRequest, project: Project) -> HttpResponse:
    form, chosen = _chosen(project, request)
    if chosen is None:
        return _back_to_compare(request, project)
    diff = compare(project, form.cleaned_data["old"], form.cleaned_data["new"], chosen)
    response = HttpResponse(changes_markdown(diff), content_type="text/markdown; charset=utf-8")
    filename = f"{slugify(project.name) or 'plan'}-changes.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@project_view(Role.VIEWER)
@require_http_methods(["GET", "POST"])
def compare_report(request: HttpRequest, project: Project) -> HttpResponse:
    """The PDF of the newer plan with "Changes since" the older one."""
    form, chosen = _chosen(project, request)
    if chosen is None:
        return _back_to_compare(request, project)
    old, new = form.cleaned_data["old"], form.cleaned_data["new"]
    document, extras = report_input(project, new, old, chosen)
    here = reverse("compare_report", args=[project.pk]) + "?" + urlencode({"old": old, "new": new})
    title = f"{dict(form.fields['new'].choices)[new]}, with changes"
    return report_page(request, project, document, extras, here, title=title)
