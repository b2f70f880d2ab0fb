"""The plan's diagrams: the editor's live image, and downloads as SVG (every box, drawn
as on the pages) and Mermaid."""

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from planner.access import project_view
from planner.activity import version_stamp
from planner.diagrams import GRAPHS, graph_svg, mermaid
from planner.document import plan_document
from planner.models import Project
from planner.page_cache import PAGE_TTL, code_version

FORMATS = {
    "svg": "image/svg+xml; charset=utf-8",
    "mmd": "text/vnd.mermaid; charset=utf-8",
}


@project_view()
@require_GET
def diagram_download(request: HttpRequest, project: Project, name: str, fmt: str) -> HttpResponse:
    if name not in GRAPHS or fmt not in FORMATS:
        raise Http404("No such diagram.")
    graph = GRAPHS[name](plan_document(project))
    body = graph_svg(graph, max_nodes=None) if fmt == "svg" else mermaid(graph)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    filename = f"{slugify(project.name) or 'plan'}-{name}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@project_view()
@require_GET
def diagram_live(request: HttpRequest, project: Project, name: str) -> HttpResponse:
    """The diagram a workspace step shows, as an SVG image. Its URL carries the plan's
    version (`?v=`), so a browser keeps it while the plan is unchanged; the server keeps
    it under the same version for every member (STYLE.md 15: the key names its inputs)."""
    if name not in GRAPHS:
        raise Http404("No such diagram.")
    stamp = version_stamp(project)
    key = f"diagram:{code_version()}:{project.pk}:{stamp}:{name}"
    body = cache.get(key)
    if body is None:
        body = str(graph_svg(GRAPHS[name](plan_document(project))))
        cache.set(key, body, PAGE_TTL)
    response = HttpResponse(body, content_type=FORMATS["svg"])
    response["X-Content-Type-Options"] = "nosniff"
    if request.GET.get("v") == stamp:  # this URL names this version: it never changes
        patch_cache_control(response, private=True, max_age=PAGE_TTL)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response
