"""Background work: rendering PDF reports (Django tasks, django-tasks-db queue).

The task receives only the report's id. The report row holds the exact plan
document it must render (saved when the report was requested, keyed by that
document's hash), so the task re-reads its input from the database: a worker
killed mid-job loses nothing — the retry renders the same document — and an
edit to the plan after the request cannot slip a different plan under the old
hash; the edited plan gets its own report.
"""

from django.tasks import task

from planner.reports import report_build


@task()
def render_report(report_id: int) -> str:
    return report_build(report_id)
