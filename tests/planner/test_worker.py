"""A real worker process renders a queued report from the database queue."""

import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.log import configure_logging
from django_tasks_db.models import DBTaskResult

from planner.document import plan_document
from planner.importing import plan_import
from planner.models import REPORT_STUCK_AFTER, Report
from planner.reports import report_request
from planner.tasks import watch_report
from tests.conftest import make_team, make_user
from tests.planner.test_pdf import demo_document, pdf_text

ROOT = Path(__file__).resolve().parents[2]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def database_url() -> str | None:
    """A URL for the test database this test runs on, for the worker subprocess."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"])
        host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
        return f"postgres://{auth}@{host}/{db['NAME']}"
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return f"sqlite:///{db['NAME']}"
    return None  # an in-memory SQLite test database cannot be shared with another process


def run_worker_process(url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def demo_report(team_name: str, email: str) -> Report:
    owner = make_user(email)
    project = plan_import(
        team=make_team(team_name, owner=owner), document=demo_document(), user=owner
    )
    return report_request(project=project, user=owner, document=plan_document(project))


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_renders_queued_reports_and_those_whose_worker_was_killed(
    settings, catalogue
):
    """One worker process (each start costs seconds) meets both cases: a report queued
    as usual, and one a killed worker left running, which its watcher hands back."""
    url = database_url()
    if url is None:
        pytest.skip("needs a test database another process can open (PostgreSQL in CI)")
    settings.TASKS = DB_TASKS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    killed = demo_report("Killed", "killed-worker@example.com")
    # A worker claimed it, scheduled its watcher, rendered to 25% and was killed.
    DBTaskResult.objects.all().delete()
    silent = timezone.now() - REPORT_STUCK_AFTER - timedelta(seconds=5)
    Report.objects.filter(pk=killed.pk).update(
        status=Report.Status.RUNNING, progress=25, updated_at=silent
    )
    watch_report.enqueue(killed.pk)  # the watcher's time has come
    queued = demo_report("Workers", "worker-owner@example.com")
    assert queued.status == Report.Status.QUEUED

    result = run_worker_process(url)  # a new (or restarted) worker

    assert result.returncode == 0, result.stderr[-2000:]
    for report in (queued, killed):
        report.refresh_from_db()
        assert report.status == Report.Status.DONE, (report.error, result.stderr[-2000:])
        pdf = bytes(report.pdf)
        assert pdf.startswith(b"%PDF") and "Pocket Chat" in pdf_text(pdf)


def handlers_reached(name: str) -> list[logging.Handler]:
    """The handlers an INFO line logged on `name` is written by (pytest's own left out)."""
    logger: logging.Logger | None = logging.getLogger(name)
    record = logging.LogRecord(name, logging.INFO, __file__, 0, "a line", None, None)
    reached = []
    while logger is not None:
        reached += [
            handler
            for handler in logger.handlers
            if record.levelno >= handler.level
            and handler.filter(record)
            and not type(handler).__module__.startswith("_pytest")
        ]
        logger = logger.parent if logger.propagate else None
    return reached


@pytest.mark.parametrize("name", ["django.tasks", "django_tasks_db", "planner.tasks"])
def test_worker_log_lines_are_written_once(settings, name):
    settings.DEBUG = True  # Django's own "django" console handler only writes when DEBUG
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)  # as django.setup() does
    assert len(handlers_reached(name)) == 1
