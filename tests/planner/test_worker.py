"""A real worker process renders a queued report from the database queue."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from planner.document import plan_document
from planner.importing import plan_import
from planner.models import Report
from planner.reports import report_request
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


@pytest.mark.django_db(transaction=True)
def test_worker_process_renders_the_queued_report(settings, catalogue):
    url = database_url()
    if url is None:
        pytest.skip("needs a test database another process can open (PostgreSQL in CI)")
    settings.TASKS = DB_TASKS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    owner = make_user("worker-owner@example.com")
    project = plan_import(
        team=make_team("Workers", owner=owner), document=demo_document(), user=owner
    )
    report = report_request(project=project, user=owner, document=plan_document(project))
    assert report.status == Report.Status.QUEUED

    env = {**os.environ, "DATABASE_URL": url, "TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, (report.error, result.stderr[-2000:])
    pdf = bytes(report.pdf)
    assert pdf.startswith(b"%PDF") and "Pocket Chat" in pdf_text(pdf)
