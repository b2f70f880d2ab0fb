"""In-process CPU and queries per workspace request, on PostgreSQL, without a server.

    .venv/bin/python bench/bench_inprocess.py [--runs 15] [--rows 200] [--keep]

Drops and recreates the database BENCH_DB (default `backplan_inprocess`) on BENCH_PG
(default postgres://postgres@127.0.0.1:5432), builds one plan with `--rows` rows in
every list (tests/planner/plans.py `fill_plan`), then times, with Django's test
client and DEBUG off:

- a GET of every workspace step page (context, 1..6, core), rendered (the page cache
  emptied first, as after any change to what the page shows) and from the page cache
  (planner/page_cache.py), and of the findings page;
- `advise` alone on the plan's document (no database), and
- HTMX saves: a row edit (a journey step), a boundary edit (Level 2, with its live
  diagram), an answer (level 1) and a context save.

For each it prints the median and minimum CPU time of this process
(`time.process_time`, so the database server's own work is not counted), the median
wall time, and the number of queries. The machine is shared: run it a few times and
read the medians. Results: bench/results/bench_inprocess.json.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    RESULTS,
    bench_environment,
    build_large_plan,
    recreate_database,
    setup_django,
)

DB_NAME = os.environ.get("BENCH_DB", "backplan_inprocess")
STEPS = ["context", "1", "2", "3", "4", "5", "6", "core"]
bench_environment(DB_NAME, CONN_MAX_AGE="60")


def build(rows: int):
    from django.test import Client

    project, user = build_large_plan(rows)
    client = Client()
    client.force_login(user, backend="accounts.lean.UserBackend")
    return project, client


def timed(fn, runs: int, warmup: int = 2) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        fn(0)
    backend = database_backend()
    cpu, db, wall, queries = [], [], [], 0
    for n in range(runs):
        prepare = getattr(fn, "prepare", None)
        args = prepare(n) if prepare else None
        with CaptureQueriesContext(connection) as captured:
            d0 = backend_cpu(backend)
            c0, w0 = time.process_time(), time.perf_counter()
            response = fn(n, args) if prepare else fn(n)
            c1, w1 = time.process_time(), time.perf_counter()
            d1 = backend_cpu(backend)
        status = getattr(response, "status_code", 200)  # advise() returns findings
        assert status in (200, 302), (status, response.content[:300])
        cpu.append(c1 - c0)
        db.append(d1 - d0)
        wall.append(w1 - w0)
        queries = len(captured)
    return {
        "cpu_ms": 1000 * statistics.median(cpu),
        "cpu_min_ms": 1000 * min(cpu),
        "db_ms": 1000 * statistics.median(db),
        "wall_ms": 1000 * statistics.median(wall),
        "queries": queries,
        "bytes": len(getattr(response, "content", b"")),
    }


def database_backend() -> Path | None:
    """/proc/<pid>/schedstat of this process's PostgreSQL backend (same machine), if any."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        path = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")
    return path if path.exists() else None


def backend_cpu(path: Path | None) -> float:
    """Seconds of CPU the backend has used (schedstat's nanoseconds, not 10 ms ticks)."""
    return int(path.read_text().split()[0]) / 1e9 if path else 0.0


def targets(project, client) -> dict:
    from django.core.cache import cache
    from django.urls import reverse

    from planner.advisor import advise
    from planner.document import plan_document
    from planner.models import Boundary, Context, JourneyStep, LevelAnswer

    def uncached(n):
        cache.clear()  # the page renders, as after any change to what it shows

    out = {}
    document = plan_document(project)  # the advisor alone, on the whole plan
    out["advise"] = lambda n: advise(document)
    print(f"advise: {len(advise(document))} findings on {len(document['operations'])} rows a list")
    for step in STEPS:
        url = reverse("workspace_step", args=[project.pk, step])
        render = out[f"GET step {step}"] = lambda n, _=None, url=url: client.get(url)
        render.prepare = uncached
        out[f"GET step {step} cached"] = lambda n, url=url: client.get(url)
    picker_url = reverse("row_add", args=[project.pk, "decision"])
    out["GET decision picker"] = lambda n: client.get(picker_url, HTTP_HX_REQUEST="true")
    findings_url = reverse("findings", args=[project.pk])
    out["GET findings"] = lambda n: client.get(findings_url)

    row = JourneyStep.objects.filter(project=project).order_by("pk").first()
    row_url = reverse("row_edit", args=[project.pk, "journey_step", row.pk])
    prefix = f"journey_step-{row.pk}"

    def row_edit(n, version=None):
        version = version or JourneyStep.objects.get(pk=row.pk).version
        data = {
            f"{prefix}-name": row.name,
            f"{prefix}-data_needed": f"Messages, edit {n}",
            f"{prefix}-timing": "fast",
            f"{prefix}-updates": "none",
            f"{prefix}-external_services": "",
            f"{prefix}-version": version,
        }
        return client.post(row_url, data, HTTP_HX_REQUEST="true")

    row_edit.prepare = lambda n: JourneyStep.objects.get(pk=row.pk).version
    out["POST row edit"] = row_edit

    boundary = Boundary.objects.filter(project=project).order_by("pk").first()
    boundary_url = reverse("row_edit", args=[project.pk, "boundary", boundary.pk])
    boundary_prefix = f"boundary-{boundary.pk}"

    def boundary_edit(n, version=None):
        """A Level 2 save: the answer carries the live boundary diagram too."""
        version = version or Boundary.objects.get(pk=boundary.pk).version
        data = {
            f"{boundary_prefix}-name": boundary.name,
            f"{boundary_prefix}-responsibility": f"Owns its data, edit {n}",
            f"{boundary_prefix}-reason": "performance",
            f"{boundary_prefix}-version": version,
        }
        return client.post(boundary_url, data, HTTP_HX_REQUEST="true")

    boundary_edit.prepare = lambda n: Boundary.objects.get(pk=boundary.pk).version
    out["POST boundary edit"] = boundary_edit

    answer_url = reverse("answer_save", args=[project.pk, 1, "data_when"])

    def answer(n, state=None):
        version, original = state or answer.prepare(n)
        data = {
            "data_when-value": f"answer {n} {time.time()}",
            "data_when-original": original,
            "data_when-version": version,
        }
        return client.post(answer_url, data, HTTP_HX_REQUEST="true")

    def answer_state(n):
        la = LevelAnswer.objects.get(project=project, level=1)
        return la.version, la.answers.get("data_when", "")

    answer.prepare = answer_state
    out["POST answer"] = answer

    context_url = reverse("context_save", args=[project.pk])

    def context(n, version=None):
        version = version or Context.objects.get(project=project).version
        data = {
            "product": f"A marketplace, take {n} {time.time()}",
            "scale": "lt10k",
            "team_size": "2-5",
            "stage": "production",
            "languages": "Python",
            "platform": "django",
            "clients": ["web", "mobile"],
            "realtime": "some",
            "offline": "none",
            "ai": "some",
            "sensitivity": "payments",
            "external_services": "Stripe\nOpenAI",
            "version": version,
        }
        return client.post(context_url, data, HTTP_HX_REQUEST="true")

    context.prepare = lambda n: Context.objects.get(project=project).version
    out["POST context"] = context
    return out


def add_team_catalogue(project, count: int) -> None:
    """The team's own catalogue: `count` techniques and a third as many patterns (the
    Level 6 checklist and the Level 5 picker list them all)."""
    from planner.models import CatalogueEntry

    entries = [
        CatalogueEntry(
            team=project.team, kind=kind, slug=f"team-{kind}-{i}", name=f"Team {kind} {i}"
        )
        for kind, n in (("technique", count), ("pattern", count // 3))
        for i in range(n)
    ]
    CatalogueEntry.objects.bulk_create(entries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--only", default="", help="comma-separated name prefixes")
    parser.add_argument(
        "--profile", default="", help="profile this target (CPU; PROFILE_SORT, PROFILE_FILTER)"
    )
    parser.add_argument("--sql", default="", help="print the statements this target runs")
    parser.add_argument(
        "--team-catalogue",
        type=int,
        default=0,
        help="team techniques added (and a third as many patterns)",
    )
    args = parser.parse_args()
    recreate_database(DB_NAME)
    setup_django()
    project, client = build(args.rows)
    add_team_catalogue(project, args.team_catalogue)
    results = {}
    if args.profile:
        profile(targets(project, client)[args.profile], args.runs)
        return
    if args.sql:
        statements(targets(project, client)[args.sql])
        return
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'target':<25}{'cpu ms':>9}{'min':>8}{'db ms':>8}{'wall ms':>9}{'queries':>9}{'KB':>7}")
    for name, fn in targets(project, client).items():
        if args.only and not any(name.startswith(p) for p in args.only.split(",")):
            continue
        r = results[name] = timed(fn, args.runs)
        print(
            f"{name:<25}{r['cpu_ms']:9.1f}{r['cpu_min_ms']:8.1f}{r['db_ms']:8.1f}{r['wall_ms']:9.1f}"
            f"{r['queries']:9d}{r['bytes'] / 1024:7.0f}",
            flush=True,
        )
    load = os.getloadavg()
    print(f"load average {' '.join(f'{x:.2f}' for x in load)}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    import json

    (RESULTS / "bench_inprocess.json").write_text(
        json.dumps(
            {"rows": args.rows, "runs": args.runs, "load_average": load, "results": results},
            indent=2,
        )
        + "\n"
    )


def statements(fn) -> None:
    """The SQL of the target's third run (the first two warm up), with each one's time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        prepare = getattr(fn, "prepare", None)
        prepared = prepare(n) if prepare else None
        with CaptureQueriesContext(connection) as captured:
            fn(n, prepared) if prepare else fn(n)
    for query in captured.captured_queries:
        print(f"{query['time']:>6} {query['sql'][:150]}")


def profile(fn, runs: int, sort: str = os.environ.get("PROFILE_SORT", "tottime")) -> None:
    import cProfile
    import pstats

    fn(0) if not getattr(fn, "prepare", None) else fn(0, fn.prepare(0))
    profiler = cProfile.Profile(time.process_time)  # CPU, not time waiting on the database
    for n in range(runs):
        args = fn.prepare(n) if getattr(fn, "prepare", None) else None
        profiler.enable()
        fn(n, args) if args is not None else fn(n)
        profiler.disable()
    stats = pstats.Stats(profiler).sort_stats(sort)
    stats.print_stats(os.environ.get("PROFILE_FILTER", ""), 45)


if __name__ == "__main__":
    main()
