"""Share links: the owner's page to create and revoke them, and the reviewer's read-only plan."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from planner.access import project_view
from planner.milestones import Shown, link_shown, milestone_list, milestone_report_input
from planner.models import Project, ShareLink
from planner.reports import REPORT_FIELDS, report_pdf, report_refresh, report_request
from planner.share_forms import ShareLinkForm
from planner.sharing import (
    share_link_create,
    share_link_record_use,
    share_link_resolve,
    share_link_revoke,
    share_link_status,
)


def _links(project: Project) -> list[tuple[ShareLink, str]]:
    """The project's links with what each shows: Active, Expired or Revoked."""
    links = project.share_links.select_related("created_by", "milestone").defer(
        "milestone__document", "milestone__findings", "milestone__catalogue", "milestone__row_ids"
    )
    return [(link, share_link_status(link)) for link in links]


@project_view(Role.OWNER)
@require_http_methods(["GET", "POST"])
def share_links(request: HttpRequest, project: Project) -> HttpResponse:
    milestones = milestone_list(project)
    form = ShareLinkForm(request.POST or None, milestones=milestones)
    new_url = None
    if request.method == "POST" and form.is_valid():
        _, token = share_link_create(
            project=project,
            user=request.user,
            label=form.cleaned_data["label"],
            expires_at=form.expires_at,
            milestone=form.milestone,
        )
        # The token exists only in this response: it is stored as a hash.
        new_url = request.build_absolute_uri(reverse("share_page", args=[token]))
        form = ShareLinkForm(milestones=milestones)
    context = {"project": project, "form": form, "links": _links(project), "new_url": new_url}
    template = (
        "planner/share/links.html#share-panel" if request.htmx else "planner/share/links.html"
    )
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"  # the one-time link must not be cached
    return response


@project_view(Role.OWNER)
@require_POST
def share_link_revoke_view(request: HttpRequest, project: Project, link_id: int) -> HttpResponse:
    link = get_object_or_404(ShareLink, pk=link_id, project=project)
    link.project = project
    share_link_revoke(link, request.user)
    if request.htmx:
        form = ShareLinkForm(milestones=milestone_list(project))
        context = {"project": project, "form": form, "links": _links(project)}
        return render(request, "planner/share/links.html#share-panel", context)
    return redirect("share_links", project_id=project.pk)


def _shared(response: HttpResponse) -> HttpResponse:
    """Headers for everything a share link serves: not indexed, no referrer, not cached."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _open_link(token: str) -> tuple[ShareLink, Shown]:
    link = share_link_resolve(token)
    share_link_record_use(link)
    return link, link_shown(link)


@require_GET
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    link, shown = _open_link(token)
    context = {"plan": shown.view(), "project": link.project, "link": link, "token": token}
    return _shared(render(request, "planner/share/page.html", context))


@require_GET
def share_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The PDF when it is built; until then a page that shows the worker's progress.

    The reader's request only queues the render (a worker builds it, as for the
    team's report page), so a large plan never holds a web worker.
    """
    link, shown = _open_link(token)
    document, extras = (
        milestone_report_input(link.project, link.milestone)
        if link.milestone is not None
        else (shown.document, None)
    )
    report = report_request(project=link.project, user=None, document=document, extras=extras)
    pdf = report_pdf(report)
    if pdf is None:
        context = {"project": link.project, "token": token, "report": report}
        return _shared(render(request, "planner/share/report.html", context))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{slugify(link.project.name) or 'plan'}-report.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _shared(response)


@require_GET
def share_report_status(request: HttpRequest, token: str, report_id: int) -> HttpResponse:
    """The progress fragment the share-link PDF page polls (re-queued if its worker died)."""
    link = share_link_resolve(token)  # a poll is not a visit: uses are not counted
    reports = link.project.reports.only(*REPORT_FIELDS)
    report = report_refresh(get_object_or_404(reports, pk=report_id))
    context = {"project": link.project, "token": token, "report": report}
    return _shared(render(request, "planner/share/report.html#share-report-status", context))


@require_GET
def share_markdown(request: HttpRequest, token: str) -> HttpResponse:
    link, shown = _open_link(token)
    response = HttpResponse(shown.markdown(), content_type="text/markdown; charset=utf-8")
    filename = f"{slugify(link.project.name) or 'plan'}.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _shared(response)
