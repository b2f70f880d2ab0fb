"""Report jobs, the worker's side: queue a render, claim it, render it, watch it.

A task receives only the report's id. The report row holds the exact plan
document it must render (saved when the report was requested, keyed by that
document's hash), so a task re-reads its input from the database: a worker
killed mid-job loses nothing — the retry renders the same document — and an
edit to the plan after the request cannot slip a different plan under the old
hash; the edited plan gets its own report.

A render that is alive moves the report's `updated_at` at least every
HEARTBEAT_SECONDS (WeasyPrint reports each page it lays out). A report in flight
whose `updated_at` is older than `REPORT_STUCK_AFTER` has lost its worker
(`Report.is_stuck`) and is queued again: by `watch_report`, a check each render
schedules for itself on the queue (so a restarted or another worker runs it
even when nobody is watching), and by every page that polls the report
(`planner.reports.report_refresh`). See docs/architecture.md.
"""

from __future__ import annotations

import time

from django.tasks import task
from django.utils import timezone

from planner.models import REPORT_STUCK_AFTER, Report
from planner.pdf import render_pdf

HEARTBEAT_SECONDS = 5


@task()
def render_report(report_id: int) -> str:
    return report_build(report_id)


@task()
def watch_report(report_id: int) -> str:
    """Queue the report again if its render stopped; otherwise look again later."""
    report = Report.objects.filter(pk=report_id).only("status", "updated_at").first()
    if report is None or not report.in_flight:
        return "settled"
    if report.is_stuck:
        report_requeue(report)
        return "requeued"
    _watch_later(report_id)
    return "alive"


def report_enqueue(report: Report) -> None:
    render_report.enqueue(report.pk)


def report_requeue(report: Report) -> bool:
    """Queue a failed or stuck report again; False if it is fine as it is (or someone did it).

    One conditional UPDATE, so two pages (or a page and the watcher) that see the
    same stuck report queue it once.
    """
    if not report.can_retry:
        return False
    updated = Report.objects.filter(
        pk=report.pk, status=report.status, updated_at=report.updated_at
    ).update(status=Report.Status.QUEUED, progress=0, error="", updated_at=timezone.now())
    if updated:
        report_enqueue(report)
    report.refresh_from_db(fields=["status", "progress", "error", "updated_at"])
    return bool(updated)


def report_build(report_id: int) -> str:
    """The work of one report: claim it, render its document, store the PDF.

    Returns the final status. Claiming is one conditional UPDATE, so two workers
    given the same report never both render it.
    """
    claimed = Report.objects.filter(pk=report_id, status=Report.Status.QUEUED).update(
        status=Report.Status.RUNNING, progress=5, updated_at=timezone.now()
    )
    if not claimed:
        report = Report.objects.filter(pk=report_id).only("status").first()
        return report.status if report else "missing"
    _watch_later(report_id)
    report = Report.objects.select_related("project__team").get(pk=report_id)
    try:
        document = report.document
        if document is None:
            raise ValueError("This report has no plan document to render; request it again.")
        pdf = render_pdf(
            document,
            team_name=report.project.team.name,
            progress=_Heartbeat(report_id),
            extras=report.extras,
        )
    except Exception as exc:
        Report.objects.filter(pk=report_id).update(
            status=Report.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    Report.objects.filter(pk=report_id).update(
        status=Report.Status.DONE, progress=100, pdf=pdf, error="", updated_at=timezone.now()
    )
    return Report.Status.DONE


class _Heartbeat:
    """Stores a render's progress, and at least every HEARTBEAT_SECONDS that it is alive."""

    def __init__(self, report_id: int) -> None:
        self.report_id = report_id
        self.percent = -1
        self.written_at = 0.0

    def __call__(self, percent: int) -> None:
        now = time.monotonic()
        if percent == self.percent and now - self.written_at < HEARTBEAT_SECONDS:
            return
        self.percent, self.written_at = percent, now
        Report.objects.filter(pk=self.report_id, status=Report.Status.RUNNING).update(
            progress=percent, updated_at=timezone.now()
        )


def _watch_later(report_id: int) -> None:
    """Schedule a `watch_report` just after the report would count as stuck.

    Backends that cannot defer a task (the immediate one, in tests and
    development) render in the request anyway, so nothing needs watching there.
    """
    if not watch_report.get_backend().supports_defer:
        return
    run_after = timezone.now() + REPORT_STUCK_AFTER + REPORT_STUCK_AFTER / 10
    watch_report.using(run_after=run_after).enqueue(report_id)
