"""PDF report benchmark: render time, peak memory and pages, and a cached download.

    python bench/bench_pdf.py                       (or `make bench BENCH=pdf`)
    python bench/bench_pdf.py --rows 200,1000 --runs 1 --no-demo --no-download

Renders the demo plan (planner/fixtures/demo-plan.json) and large plans (`--rows`
rows in every list, ~10 KB per free-text answer). Every render runs in a fresh
spawned process (a fork would inherit the parent's peak memory), which reports
its wall time, its peak resident memory and the page count; the median of
`--runs` renders is printed. Then a cached PDF is downloaded through the Django
test client against a throw-away test database. The machine's load average is
printed before and after, since the machine is shared.

Targets (issues 8 and 12): demo < 2 s; 200 rows ≤ 10 s and ≤ 400 MB; 1,000 rows
≤ 60 s and ≤ 1 GB; the findings section at most 10 pages; cached download < 50 ms.
"""

import argparse
import io
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import Timing, report, setup_django  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from accounts.models import Membership, Role, Team, User  # noqa: E402
from planner.catalogue import load_catalogue  # noqa: E402
from planner.document import plan_document  # noqa: E402
from planner.importing import plan_import  # noqa: E402
from planner.models import Report  # noqa: E402
from planner.pdf import render_pdf  # noqa: E402
from planner.reports import report_request  # noqa: E402
from tests.planner.test_pdf import demo_document, large_document  # noqa: E402

TARGETS = {"demo": (2, None), 200: (10, 400), 1000: (60, 1024)}


def _document(kind):
    return demo_document() if kind == "demo" else large_document(rows=kind)


def _render_in_child(kind, queue) -> None:
    document = _document(kind)
    start, cpu_start = time.perf_counter(), time.process_time()
    pdf = render_pdf(document)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB -> MB on Linux
    reader = PdfReader(io.BytesIO(pdf))
    # The findings are the last section: count from the first page after the contents
    # that names them (the running header names the section on every page after it).
    texts = [page.extract_text() or "" for page in reader.pages]
    start = next(
        (i for i, t in enumerate(texts) if i > 1 and "Findings from the advisor" in t), len(texts)
    )
    findings_pages = len(texts) - start
    queue.put((seconds, peak_mb, len(reader.pages), findings_pages, cpu))


def render_once(kind) -> tuple[float, float, int, int, float]:
    """(seconds, peak RSS MB, pages, pages headed by the findings section, CPU seconds) of
    one fresh render. CPU time says more than wall time on a shared, loaded machine."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_render_in_child, args=(kind, queue))
    child.start()
    try:
        result = queue.get(timeout=1800)
    except Exception as error:
        child.join(5)
        message = f"the {kind} render in a child process failed (exit code {child.exitcode})"
        raise SystemExit(message) from error
    child.join()
    return result


def cached_download_ms(runs: int = 20) -> float:
    """Median ms to download a finished report again (the stored PDF, no rendering).

    The report is rendered in the request by the immediate task backend. The settings
    are changed with `override_settings`: django.tasks builds its backend when
    planner.tasks is imported (each task is validated against it), and only the
    `setting_changed` signal resets it. Assigning `settings.TASKS` did nothing, so the
    report was queued for a worker that never came and the download answered with a
    redirect to the report's page instead of a PDF."""
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(TASKS=IMMEDIATE_TASKS, PASSWORD_HASHERS=FAST_HASHERS):
            return _download_ms(runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _download_ms(runs: int) -> float:
    load_catalogue()
    user = User.objects.create_user(email="bench@example.com", password="bench-pass-123")
    team = Team.objects.create(name="Bench")
    Membership.objects.create(team=team, user=user, role=Role.OWNER)
    project = plan_import(team=team, document=demo_document(), user=user)
    pdf_report = report_request(project=project, user=user, document=plan_document(project))
    pdf_report.refresh_from_db(fields=["status", "error"])
    if pdf_report.status != Report.Status.DONE:
        raise SystemExit(f"the report was not rendered: {pdf_report.status} {pdf_report.error}")
    client = Client()
    client.force_login(user)
    url = reverse("report_download", args=[project.pk, pdf_report.pk])
    client.get(url)  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            where = response.get("Location", "")
            raise SystemExit(f"the download answered {response.status_code} {where}, not a PDF")
    return statistics.median(times) * 1000


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="200,1000", help="large plans, comma-separated rows")
    parser.add_argument("--runs", type=int, default=3, help="renders per plan (median)")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo plan")
    parser.add_argument("--no-download", action="store_true", help="skip the cached download")
    args = parser.parse_args()

    # The report names catalogue entries, so the configured database needs them.
    call_command("migrate", verbosity=0)
    load_catalogue()

    kinds = ([] if args.no_demo else ["demo"]) + [int(r) for r in args.rows.split(",") if r]
    print(f"load average before: {load()} ({os.cpu_count()} CPUs)")
    timings, facts = [], {"load_before": load()}
    for kind in kinds:
        results = []
        for _ in range(args.runs):
            results.append(render_once(kind))
            seconds, _, _, _, cpu_seconds = results[-1]
            print(f"  {kind}: wall {seconds:.1f} s, CPU {cpu_seconds:.1f} s, load {load()}")
        secs = sorted(r[0] for r in results)
        peak = max(r[1] for r in results)
        pages, findings_pages = results[0][2], results[0][3]
        cpu = statistics.median(r[4] for r in results)
        name = "demo plan" if kind == "demo" else f"{kind} rows/list"
        median = statistics.median(secs)
        timings.append(Timing(name, args.runs, median, secs[0], secs[-1], secs[-1]))
        limit_s, limit_mb = TARGETS.get(kind, (None, None))
        verdict = []
        if limit_s:
            verdict.append(f"≤ {limit_s} s {'met' if median <= limit_s else 'MISSED'}")
        if limit_mb:
            verdict.append(f"≤ {limit_mb} MB {'met' if peak <= limit_mb else 'MISSED'}")
        print(
            f"{name:<18} median {median:7.1f} s (CPU {cpu:5.1f} s)  peak RSS {peak:6.0f} MB  "
            f"{pages} pages (findings {findings_pages})  {'; '.join(verdict)}  load {load()}",
            flush=True,
        )
        facts[f"{kind}_peak_rss_mb"] = round(peak)
        facts[f"{kind}_cpu_s"] = round(cpu, 1)
        facts[f"{kind}_pages"] = pages
        facts[f"{kind}_findings_pages"] = findings_pages
    if not args.no_download:
        download = cached_download_ms()
        print(f"cached download median {download:.1f} ms")
        facts["cached_download_median_ms"] = round(download, 1)
    facts["load_after"] = load()
    print(f"load average after: {load()}")
    report("bench_pdf", timings, **facts)


if __name__ == "__main__":
    main()
