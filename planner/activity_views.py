"""The activity page: every change to the plan, newest first, paged and filterable by
level and by person. Every member reads it; four queries whatever its length (the
members for the filter, the count, the page, and nothing per entry)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from planner import registry
from planner.access import project_view
from planner.collab_forms import ActivityFilter
from planner.models import Project

ENTRIES_PER_PAGE = 50


@project_view()
def activity_page(request: HttpRequest, project: Project) -> HttpResponse:
    form = ActivityFilter(request.GET or None, team=project.team)
    entries = project.activities.select_related("user")
    chosen = {}
    if form.is_valid():  # an unknown level or person shows everything, with the message
        chosen = {k: v for k, v in form.cleaned_data.items() if v}
        if "step" in chosen:
            entries = entries.filter(step=chosen["step"])
        if "person" in chosen:
            entries = entries.filter(user=chosen["person"])
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "project": project,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "step_titles": registry.STEP_TITLES,
        "filtered": bool(chosen),
    }
    return render(request, "planner/activity/page.html", context)
