"""What-if on the findings page: the advisor on the plan with another scale, team
size, stage, sensitivity or platform, and which findings would appear and
disappear. A GET form, so viewers may use it: it saves nothing."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from planner.access import project_view
from planner.document import plan_document
from planner.models import Project
from planner.views import INVALID, findings_context
from planner.what_if import compare, titled
from planner.what_if_forms import WhatIfForm


@project_view()
@require_GET
def what_if(request: HttpRequest, project: Project) -> HttpResponse:
    document = plan_document(project)
    form = WhatIfForm(request.GET)
    result = compare(document, form.overrides()) if form.is_valid() else None
    status = 200 if result is not None else INVALID
    ctx = {"project": project, "what_if_form": form, "what_if": result}
    if result is not None:
        ctx |= {"appeared": titled(result.appeared), "disappeared": titled(result.disappeared)}
    if request.htmx:
        return render(request, "planner/_what_if.html#what-if-panel", ctx, status=status)
    ctx = {**findings_context(request, project, all_findings=result and result.before), **ctx}
    return render(request, "planner/findings.html", ctx, status=status)
