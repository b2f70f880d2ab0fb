"""Download the plan's decisions as MADR files in a zip."""

from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from planner.access import project_view
from planner.adr_export import adr_zip, plan_adrs
from planner.document import plan_document
from planner.models import Project


@project_view()
@require_GET
def project_adrs(request: HttpRequest, project: Project) -> HttpResponse:
    folder = f"{slugify(project.name) or 'plan'}-adr"
    body = adr_zip(plan_adrs(project.team, plan_document(project)), folder)
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{folder}.zip"'
    return response
