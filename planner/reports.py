"""PDF reports, the pages' side: one report per exact plan document, cached in the database.

A page asks for the report of the plan as it is now (`report_request`); the
stored PDF is served again while the plan is unchanged, otherwise a worker
renders it (`planner.tasks`). No PDF is ever rendered in a web request: team
members and share-link readers alike get a progress page until it is ready.
"""

from __future__ import annotations

from django.db import IntegrityError

from planner.document import document_hash
from planner.models import Project, Report
from planner.tasks import report_enqueue, report_requeue

# What a page draws of a report: never the PDF bytes nor the stored document.
REPORT_FIELDS = ["id", "project_id", "content_hash", "status", "progress", "error", "updated_at"]


def report_request(*, project: Project, user, document: dict, extras: dict | None = None) -> Report:
    """The report for this exact document: the cached one, or a new one queued for a worker.

    `extras` (a milestone's frozen findings, its reviews, changes since an earlier plan)
    are part of what the PDF shows, so they are hashed with the document.
    A failed or stuck report of the same document is queued again.
    """
    content_hash = report_hash(document, extras)
    reports = Report.objects.only(*REPORT_FIELDS)
    report = reports.filter(project=project, content_hash=content_hash).first()
    if report is None:
        try:
            report = Report.objects.create(
                project=project,
                content_hash=content_hash,
                document=document,
                extras=extras,
                requested_by=user,
            )
        except IntegrityError:  # someone asked for the same plan a moment ago
            return reports.get(project=project, content_hash=content_hash)
        report_enqueue(report)
        report.refresh_from_db(fields=REPORT_FIELDS[3:])
    elif report.can_retry:
        report_requeue(report)
    return report


def report_hash(document: dict, extras: dict | None = None) -> str:
    """The key of a report: the document's hash, or with extras the hash of both."""
    if extras is None:
        return document_hash(document)
    return document_hash({"document": document, "extras": extras})


def report_retry(report: Report) -> bool:
    """Queue a failed or stuck report again; False if it is fine as it is."""
    return report_requeue(report)


def report_refresh(report: Report) -> Report:
    """The report as a polling page should show it: queued again if its worker died."""
    if report.is_stuck:
        report_requeue(report)
    return report


def report_pdf(report: Report) -> bytes | None:
    """The stored PDF of a finished report, read only when it is about to be served."""
    if report.status != Report.Status.DONE:
        return None
    pdf = Report.objects.filter(pk=report.pk).values_list("pdf", flat=True).first()
    return bytes(pdf) if pdf else None
