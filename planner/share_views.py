"""Share links: the owner's page to create and revoke them, and the reviewer's read-only plan."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from planner.access import project_view
from planner.markdown import plan_markdown
from planner.models import Project, ShareLink
from planner.reports import (
    plan_document_for,
    plan_view,
    report_pdf_now,
    share_link_create,
    share_link_record_use,
    share_link_resolve,
    share_link_revoke,
)
from planner.share_forms import ShareLinkForm


def _links(project: Project) -> list[ShareLink]:
    return list(project.share_links.select_related("created_by"))


@project_view(Role.OWNER)
@require_http_methods(["GET", "POST"])
def share_links(request: HttpRequest, project: Project) -> HttpResponse:
    form = ShareLinkForm(request.POST or None)
    new_url = None
    if request.method == "POST" and form.is_valid():
        _, token = share_link_create(
            project=project,
            user=request.user,
            label=form.cleaned_data["label"],
            expires_at=form.expires_at,
        )
        # The token exists only in this response: it is stored as a hash.
        new_url = request.build_absolute_uri(reverse("share_page", args=[token]))
        form = ShareLinkForm()
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
    share_link_revoke(link)
    if request.htmx:
        context = {"project": project, "form": ShareLinkForm(), "links": _links(project)}
        return render(request, "planner/share/links.html#share-panel", context)
    return redirect("share_links", project_id=project.pk)


def _shared(response: HttpResponse) -> HttpResponse:
    """Headers for everything a share link serves: not indexed, no referrer, not cached."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _open_link(token: str) -> tuple[ShareLink, dict]:
    link = share_link_resolve(token)
    share_link_record_use(link)
    return link, plan_document_for(link.project)


@require_GET
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    link, document = _open_link(token)
    context = {"plan": plan_view(document), "project": link.project, "link": link, "token": token}
    return _shared(render(request, "planner/share/page.html", context))


@require_GET
def share_pdf(request: HttpRequest, token: str) -> HttpResponse:
    link, document = _open_link(token)
    pdf = report_pdf_now(project=link.project, document=document)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{slugify(link.project.name) or 'plan'}-report.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _shared(response)


@require_GET
def share_markdown(request: HttpRequest, token: str) -> HttpResponse:
    link, document = _open_link(token)
    response = HttpResponse(plan_markdown(document), content_type="text/markdown; charset=utf-8")
    filename = f"{slugify(link.project.name) or 'plan'}.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _shared(response)
