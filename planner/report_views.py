"""The PDF report page (generate, watch progress, download, retry) and the Markdown export."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from planner.access import project_view
from planner.document import document_hash, plan_document
from planner.markdown import plan_markdown
from planner.models import Project, Report
from planner.reports import (
    REPORT_FIELDS,
    report_pdf,
    report_refresh,
    report_request,
    report_retry,
)


def _reports(project: Project):
    # Never load the PDF bytes (or the stored document) to draw a page.
    return Report.objects.filter(project=project).only(*REPORT_FIELDS)


@project_view(Role.VIEWER)
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, project: Project) -> HttpResponse:
    """Viewers and up may export. POST asks for the PDF of the plan as it is now."""
    document = plan_document(project)
    current_hash = document_hash(document)
    if request.method == "POST":
        current = report_request(project=project, user=request.user, document=document)
        if not request.htmx:
            return redirect("report", project_id=project.pk)
        return render(
            request,
            "planner/report/report.html#report-status",
            {"project": project, "current": current},
        )
    current = _reports(project).filter(content_hash=current_hash).first()
    if current:
        report_refresh(current)
    older = (
        _reports(project)
        .exclude(content_hash=current_hash)
        .filter(status=Report.Status.DONE, extras__isnull=True)[:5]
    )
    context = {"project": project, "current": current, "older": older}
    return render(request, "planner/report/report.html", context)


@project_view(Role.VIEWER)
@require_GET
def report_status(request: HttpRequest, project: Project, report_id: int) -> HttpResponse:
    """The progress fragment the report page polls while a PDF renders (re-queued if stuck)."""
    current = report_refresh(get_object_or_404(_reports(project), pk=report_id))
    return render(
        request,
        "planner/report/report.html#report-status",
        {"project": project, "current": current},
    )


@project_view(Role.VIEWER)
@require_POST
def report_retry_view(request: HttpRequest, project: Project, report_id: int) -> HttpResponse:
    current = get_object_or_404(_reports(project), pk=report_id)
    report_retry(current)
    if request.htmx:
        return render(
            request,
            "planner/report/report.html#report-status",
            {"project": project, "current": current},
        )
    return redirect("report", project_id=project.pk)


@project_view(Role.VIEWER)
@require_GET
def report_download(request: HttpRequest, project: Project, report_id: int) -> HttpResponse:
    pdf = report_pdf(get_object_or_404(_reports(project), pk=report_id))
    if pdf is None:
        return redirect("report", project_id=project.pk)  # not ready yet
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{slugify(project.name) or 'plan'}-report.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


@project_view(Role.VIEWER)
@require_GET
def project_export_md(request: HttpRequest, project: Project) -> HttpResponse:
    body = plan_markdown(plan_document(project))
    response = HttpResponse(body, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(project.name) or "plan"}.md"'
    return response
