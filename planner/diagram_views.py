"""The plan's diagrams as downloads: SVG (every box, drawn as on the pages) and Mermaid."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from planner.access import project_view
from planner.diagrams import GRAPHS, graph_svg, mermaid
from planner.document import plan_document
from planner.models import Project

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
