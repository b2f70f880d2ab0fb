"""Shared helpers for the benchmarks in bench/ (run them with `make bench`).

A benchmark script calls `setup_django()` before importing models, times its work
with `measure()`, and records the numbers with `report()`, which prints a line and
writes bench/results/<name>.json (git-ignored) for docs/benchmarks.md.
"""

import json
import os
import platform
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def bench_environment(db_name: str, *, hosts: str = "testserver,localhost", **extra: str):
    """Django as production runs it, but on loopback over plain HTTP and on the
    benchmark's own database. Call before `setup_django()` (a server started from this
    process inherits it)."""
    os.environ.update(
        DATABASE_URL=f"{PG}/{db_name}",
        DJANGO_SETTINGS_MODULE="bench.bare_view.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS=hosts,
        LOG_LEVEL="ERROR",  # expected 409s and 422s would each be logged by django.request
        BENCH_STATIC_ROOT=os.environ.get("BENCH_STATIC_ROOT", f"/tmp/{db_name}_static"),
        **extra,
    )


def recreate_database(db_name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {db_name}")


def setup_django() -> None:
    """Make the project importable and configure Django (settings from the environment)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


@dataclass(frozen=True)
class Timing:
    name: str
    runs: int
    median_s: float
    min_s: float
    max_s: float
    p90_s: float


def measure(name: str, fn: Callable[[], object], *, runs: int = 5, warmup: int = 1) -> Timing:
    """Call `fn` `warmup` times untimed, then `runs` times, and summarise the wall times."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
    return Timing(name, runs, statistics.median(times), times[0], times[-1], p90)


def build_large_plan(rows: int):
    """Migrate, load the catalogue, collect static files and build one plan with `rows`
    rows in every list and a full context, in a team with an owner and an editor.
    Returns (project, editor). Needs `setup_django()` first."""
    import secrets

    from django.core.management import call_command

    from accounts.models import Membership, Role, Team, User
    from planner.models import Context, Project
    from tests.planner.plans import fill_plan

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_catalogue", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False, clear=True)
    editor = User.objects.create_user(email="bench@example.com", password=secrets.token_hex(16))
    owner = User.objects.create_user(email="owner@example.com", password=secrets.token_hex(16))
    team = Team.objects.create(name="Bench team")
    Membership.objects.create(team=team, user=owner, role=Role.OWNER)
    Membership.objects.create(team=team, user=editor, role=Role.EDITOR)
    project = Project.objects.create(team=team, name="Large plan", created_by=owner)
    fill_plan(project, rows=rows)
    Context.objects.filter(project=project).update(
        product="A marketplace with chat, payments and an AI assistant.",
        scale="lt10k",
        team_size="2-5",
        stage="production",
        platform="django",
        languages="Python, TypeScript",
        clients=["web", "mobile"],
        realtime="some",
        offline="none",
        ai="some",
        sensitivity="payments",
        external_services="Stripe\nOpenAI\nPostmark",
    )
    return project, editor


def report(benchmark: str, timings: list[Timing], **facts: object) -> Path:
    """Print the timings and write them, with the machine and any facts, as JSON."""
    for t in timings:
        print(
            f"{t.name:<40} median {t.median_s * 1000:8.1f} ms   "
            f"min {t.min_s * 1000:8.1f}   p90 {t.p90_s * 1000:8.1f}   max {t.max_s * 1000:8.1f}"
            f"   ({t.runs} runs)"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{benchmark}.json"
    payload = {
        "benchmark": benchmark,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "database": os.environ.get("DATABASE_URL", "sqlite (default)").split("@")[-1],
        "facts": facts,
        "timings": [asdict(t) for t in timings],
    }
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return path


# --- Where the CPU goes ------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_by_role() -> dict[str, float]:
    """CPU seconds used so far by the app server (gunicorn's processes), the database
    (every PostgreSQL process) and the load generator (this process with the children
    it has waited for, wrk among them). Linux only: {} elsewhere."""
    totals = {"app": 0.0, "db": 0.0, "client": 0.0}
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return {}
    for stat in proc.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        # utime + stime, and cutime + cstime: what the children it reaped used (the
        # postmaster's ended backends, gunicorn's ended workers).
        used = sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLOCK_TICKS
        if comm.startswith("gunicorn"):
            totals["app"] += used
        elif comm.startswith("postgres"):
            totals["db"] += used
    me = os.times()
    totals["client"] = me.user + me.system + me.children_user + me.children_system
    return totals


def cpu_ms_per_request(before: dict, after: dict, requests: int) -> dict[str, float]:
    """Milliseconds of CPU per request by role, between two `cpu_by_role()` readings."""
    if not before or not requests:
        return {}
    return {role: round(1000 * (after[role] - before[role]) / requests, 2) for role in before}
