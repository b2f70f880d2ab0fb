"""The traceability page: journey step → operations → entities → decisions and techniques."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from planner.access import project_view
from planner.document import plan_document
from planner.models import Project
from planner.plan_rows import ENTRY_FIELDS, plan_rows
from planner.registry import ROW_KINDS
from planner.traceability import ORPHAN_TITLES, plan_trace


@project_view()
@require_GET
def trace(request: HttpRequest, project: Project) -> HttpResponse:
    rows = plan_rows(project.pk)
    document = plan_document(project, rows)
    result = plan_trace(document, catalogue_entries(rows), editor_links(project, rows))
    orphans = [(kind, ORPHAN_TITLES[kind], nodes) for kind, nodes in result.orphans.items()]
    return render(
        request,
        "planner/trace.html",
        {"project": project, "trace": result, "orphans": orphans},
    )


def catalogue_entries(rows: dict) -> dict[str, dict]:
    """slug -> the catalogue entry (name, category, …) of every entry the plan uses."""
    keys = [name for name, _ in ENTRY_FIELDS]
    return {values[1]: dict(zip(keys, values, strict=True)) for _, *values in rows["entry"]}


def editor_links(project: Project, rows: dict) -> dict[tuple[str, str], str]:
    """(kind, name or slug) -> where the row sits in the editor."""
    step_urls = {
        level: reverse("workspace_step", args=[project.pk, str(level)]) for level in range(1, 7)
    }

    def url(kind: str, pk: int) -> str:
        return f"{step_urls[ROW_KINDS[kind].level]}?all={kind}#{kind}-{pk}"

    links = {}
    for kind in ("journey_step", "operation", "entity"):
        for pk, name, *_ in rows[kind]:
            links[(kind, name)] = url(kind, pk)
    slugs = {pk: values[1] for pk, *values in rows["entry"]}
    for pk, entry, *_ in rows["decision"]:
        links[("decision", slugs[entry])] = url("decision", pk)
    for _, entry, *_ in rows["technique"]:
        links[("technique", slugs[entry])] = f"{step_urls[6]}#technique-{entry}"
    return links
