"""PDF report benchmark: render time and peak memory, and a cached download.

    python bench/bench_pdf.py            (or `make bench`)

Renders the demo plan (planner/fixtures/demo-plan.json) and a large plan (200
rows in every list, ~10 KB per free-text answer) five times each and reports the
median; the peak memory of one render is measured in a fresh child process.
Then a cached PDF is downloaded through the Django test client against a
throw-away test database. Targets: demo < 2 s, large < 10 s and < 400 MB,
cached download < 50 ms.
"""

import multiprocessing
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import measure, report, setup_django  # noqa: E402

setup_django()

from tests.planner.test_pdf import demo_document, large_document  # noqa: E402


def _render_in_child(kind: str, queue) -> None:
    from planner.pdf import render_pdf

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    render_pdf(demo_document() if kind == "demo" else large_document(rows=200))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((before / 1024, after / 1024))  # kB -> MB on Linux


def peak_memory_mb(kind: str) -> tuple[float, float]:
    """Peak resident memory of a fresh process that renders one PDF (and what it started from).

    A spawned interpreter, not a fork: a fork would inherit the parent's peak.
    """
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_render_in_child, args=(kind, queue))
    child.start()
    try:
        result = queue.get(timeout=600)
    except Exception as error:
        child.join(5)
        message = f"the {kind} render in a child process failed (exit code {child.exitcode})"
        raise SystemExit(message) from error
    child.join()
    return result


def cached_download_ms(runs: int = 20) -> float:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from accounts.models import Membership, Role, Team, User
    from planner.catalogue import load_catalogue
    from planner.document import plan_document
    from planner.importing import plan_import
    from planner.reports import report_request

    setup_test_environment()
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        load_catalogue()
        user = User.objects.create_user(email="bench@example.com", password="bench-pass-123")
        team = Team.objects.create(name="Bench")
        Membership.objects.create(team=team, user=user, role=Role.OWNER)
        project = plan_import(team=team, document=demo_document(), user=user)
        pdf_report = report_request(project=project, user=user, document=plan_document(project))
        client = Client()
        client.force_login(user)
        url = reverse("report_download", args=[project.pk, pdf_report.pk])
        client.get(url)  # warm up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200 and response.content.startswith(b"%PDF")
        return statistics.median(times) * 1000
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    from django.core.management import call_command

    from planner.catalogue import load_catalogue
    from planner.pdf import render_pdf

    # The report names catalogue entries, so the configured database needs them.
    call_command("migrate", verbosity=0)
    load_catalogue()

    demo, large = demo_document(), large_document(rows=200)
    _, demo_mb = peak_memory_mb("demo")
    start_mb, large_mb = peak_memory_mb("large")
    demo_t = measure("render demo plan", lambda: render_pdf(demo), runs=5)
    large_t = measure("render large plan (200 rows/list)", lambda: render_pdf(large), runs=5)
    download = cached_download_ms()
    print(f"peak RSS: demo {demo_mb:.0f} MB, large {large_mb:.0f} MB (start {start_mb:.0f} MB)")
    print(f"cached download median {download:.1f} ms")
    report(
        "bench_pdf",
        [demo_t, large_t],
        demo_peak_rss_mb=round(demo_mb),
        large_peak_rss_mb=round(large_mb),
        cached_download_median_ms=round(download, 1),
    )


if __name__ == "__main__":
    main()
