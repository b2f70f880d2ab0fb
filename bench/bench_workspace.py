"""Workspace throughput under 32 concurrent clients, against a bare Django view.

    .venv/bin/python bench/bench_workspace.py [--quick] [--configs sync:4,gthread:4x4]
                                              [--profile-only]      (or `make bench`)

What it does, all on loopback:

1. Drops and recreates the PostgreSQL database `backplan_bench` (BENCH_PG, default
   postgres://postgres@127.0.0.1:5432), migrates it, loads the catalogue, and builds
   one large plan (200 rows in every list, tests/planner/plans.py `fill_plan`) in a
   team whose editor is the benchmark's user. A session is made with Django's test
   client (`force_login`) and its cookie reused by every client, with a CSRF cookie
   and the matching X-CSRFToken header.
2. Starts gunicorn (DEBUG off, settings bench/bare_view/settings.py: the app's URLs
   plus `/bare/`, a view that answers "ok" through the same middleware) once per
   worker configuration, and drives it with 32 concurrent clients:
   - `/bare/` and every workspace step page (context, 1..6, core) with wrk when it
     is installed (apt-get install wrk), otherwise with the Python client below;
   - saves with the Python client (threads, http.client, keep-alive): an HTMX row
     edit (`row_edit`, each client edits its own journey step) and an answer
     (`answer_save`, 17 questions shared by 32 clients, so some saves meet a newer
     answer: those 409 conflicts are counted apart, and the client saves again
     from the text it was shown, as a person would);
   - the same row edits again with wrk (one connection per wrk thread, 32 threads:
     each thread is one person saving their own journey step, carrying the version
     each answer implies), so saves are driven by the same C client as the bare view.
3. Prints requests/s, p50 and p99 latency for each target and the ratio to the
   bare view, picks the better worker configuration, and profiles one workspace
   request in-process with cProfile. Results: bench/results/bench_workspace.json.

Targets (issue "The guided plan editor"): a workspace page serves at least 15% of
the bare view's requests/s, with p99 under 100 ms, at 32 concurrent clients.
"""

import argparse
import cProfile
import html
import http.client
import io
import json
import os
import pstats
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    RESULTS,
    bench_environment,
    build_large_plan,
    cpu_by_role,
    cpu_ms_per_request,
    recreate_database,
    setup_django,
)

DB_NAME = os.environ.get("BENCH_DB", "backplan_bench")
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8601"))
CLIENTS = 32
ROWS = 200
STEPS = ["context", "1", "2", "3", "4", "5", "6", "core"]
TARGET_RATIO, TARGET_P99_MS = 0.15, 100.0
SAVE_TARGET_RATIO = 0.05  # issue 8: a row edit and an answer save

# The server and this process share these: production-like, but loopback and HTTP.
bench_environment(DB_NAME, hosts=f"{HOST},localhost,testserver")

# --- The database and the plan ---------------------------------------------------------


@dataclass
class Fixture:
    project_id: int
    cookie: str
    csrf: str
    journey_rows: list[tuple[int, str]]  # (pk, name) of the rows the clients edit
    questions: list[tuple[int, str]]  # (level, key) of every key question
    session_key: str = field(repr=False, default="")


def build_fixture() -> Fixture:
    from django.conf import settings
    from django.test import Client

    from planner.levels import LEVELS
    from planner.models import JourneyStep

    project, user = build_large_plan(ROWS)
    client = Client()
    client.force_login(user, backend="accounts.lean.UserBackend")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = secrets.token_hex(16)  # a 32-character secret: Django accepts it unmasked
    rows = list(
        JourneyStep.objects.filter(project=project).order_by("pk").values_list("pk", "name")
    )[:CLIENTS]
    return Fixture(
        project_id=project.pk,
        cookie=f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}",
        csrf=csrf,
        journey_rows=rows,
        questions=[(lv.number, q.key) for lv in LEVELS for q in lv.questions],
        session_key=session,
    )


# --- gunicorn ------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerConfig:
    worker_class: str
    workers: int
    threads: int = 1

    @property
    def label(self) -> str:
        extra = f"x{self.threads} threads" if self.worker_class == "gthread" else ""
        return f"{self.worker_class} {self.workers} workers{' ' + extra if extra else ''}"

    @classmethod
    def parse(cls, text: str) -> "ServerConfig":
        kind, _, size = text.partition(":")
        workers, _, threads = size.partition("x")
        return cls(kind, int(workers or 4), int(threads or (4 if kind == "gthread" else 1)))


def start_server(config: ServerConfig) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"{HOST}:{PORT}",
        "--workers",
        str(config.workers),
        "--worker-class",
        config.worker_class,
        "--threads",
        str(config.threads),
        "--backlog",
        "256",
        "--timeout",
        "120",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, PORT, timeout=2)
            conn.request("GET", "/bare/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
    stop_server(server)
    raise RuntimeError("gunicorn did not answer within 30 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- Measuring -------------------------------------------------------------------------


@dataclass
class Result:
    target: str
    tool: str
    requests: int
    ok: int
    conflicts: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    ratio_to_bare: float | None = None
    cpu_ms: dict = field(default_factory=dict)  # per request: app server, database, client


WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_JSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, \\"p99_us\\": %d, "
    .. "\\"status_errors\\": %d, \\"socket_errors\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


# Row edits with wrk: one connection per thread, so each thread is one person saving
# their own journey step again and again, carrying the version each answer implies
# (a 200 moves it by one; a refused save's form says the current one).
WRK_ROW_EDIT = (
    """
local count = 0
function setup(thread)
  count = count + 1
  thread:set("index", count)
end
function init(args)
  project, cookie, csrf = args[1], args[2], args[3]
  local row = args[3 + index]
  pk, name = row:match("^(%d+):(.*)$")
  version, edits = 1, 0
end
local function encode(text)
  return (text:gsub("[^%w]", function(c) return string.format("%%%02X", c:byte()) end))
end
function request()
  edits = edits + 1
  local prefix = "journey_step-" .. pk
  local body = prefix .. "-name=" .. encode(name)
    .. "&" .. prefix .. "-data_needed="
    .. encode("Saved by wrk thread " .. index .. ", edit " .. edits)
    .. "&" .. prefix .. "-timing=fast&" .. prefix .. "-updates=polling"
    .. "&" .. prefix .. "-external_services=&" .. prefix .. "-version=" .. version
  return wrk.format("POST", "/projects/" .. project .. "/rows/journey_step/" .. pk .. "/", {
    ["Cookie"] = cookie, ["X-CSRFToken"] = csrf, ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end
function response(status, headers, body)
  if status == 200 then
    version = version + 1
  else
    local found = body:match('name="journey_step%-' .. pk .. '%-version" value="(%d+)"')
    if found then version = tonumber(found) end
  end
end
"""
    + WRK_SCRIPT
)


def wrk_row_edit(target: str, fixture: Fixture, seconds: float) -> Result:
    rows = [f"{pk}:{name}" for pk, name in fixture.journey_rows[:CLIENTS]]
    args = [str(fixture.project_id), fixture.cookie, fixture.csrf, *rows]
    path = f"/projects/{fixture.project_id}/rows/journey_step/{fixture.journey_rows[0][0]}/"
    return _wrk(target, path, WRK_ROW_EDIT, seconds, threads=len(rows), script_args=args)


def wrk_get(target: str, path: str, fixture: Fixture, seconds: float) -> Result:
    return _wrk(target, path, WRK_SCRIPT, seconds, headers=[f"Cookie: {fixture.cookie}"])


def _wrk(
    target: str,
    path: str,
    lua: str,
    seconds: float,
    *,
    threads: int = 2,
    headers: list[str] = (),
    script_args: list[str] = (),
) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        output = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{CLIENTS if threads == 2 else threads}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                *[arg for header in headers for arg in ("-H", header)],
                f"http://{HOST}:{PORT}{path}",
                *(["--", *script_args] if script_args else []),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    data = json.loads(output.split("WRK_JSON ", 1)[1].splitlines()[0])
    duration = data["duration_us"] / 1e6
    bad = data["status_errors"] + data["socket_errors"]
    return Result(
        target,
        "wrk",
        data["requests"],
        data["requests"] - data["status_errors"],
        0,
        bad,
        duration,
        data["requests"] / duration,
        data["p50_us"] / 1000,
        data["p99_us"] / 1000,
    )


class Client:
    """One simulated person: a keep-alive connection, the shared session, own state."""

    def __init__(self, index: int, fixture: Fixture):
        self.index = index
        self.fixture = fixture
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=120)
        self.state: dict = {}

    def send(self, method: str, path: str, fields: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.fixture.cookie, "Host": f"{HOST}:{PORT}"}
        body = None
        if method == "POST":
            body = urlencode(fields or {}, doseq=True)
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": self.fixture.csrf,
                    "HX-Request": "true",
                }
            )
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (http.client.HTTPException, OSError):
            self.conn.close()  # sync workers close after each answer; reconnect and retry
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, text


def run_clients(target: str, fixture: Fixture, action, seconds: float, max_requests: int) -> Result:
    """`action(client, n)` sends one request and returns its status; 32 threads call it
    until `seconds` pass or `max_requests` were sent in all."""
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    sent = 0
    start = time.perf_counter()
    deadline = start + seconds

    def worker(index: int) -> None:
        nonlocal sent
        client = Client(index, fixture)
        n = 0
        while time.perf_counter() < deadline:
            with lock:
                if sent >= max_requests:
                    return
                sent += 1
            began = time.perf_counter()
            try:
                status = action(client, n)
            except (http.client.HTTPException, OSError):
                status = 0
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                statuses.append(status)
            n += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - start
    latencies.sort()
    ok = sum(1 for s in statuses if 200 <= s < 400)
    conflicts = statuses.count(409)
    return Result(
        target,
        "python",
        len(statuses),
        ok,
        conflicts,
        len(statuses) - ok - conflicts,
        duration,
        len(statuses) / duration,
        statistics.median(latencies) * 1000 if latencies else 0.0,
        latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000 if latencies else 0,
    )


def get_action(path: str):
    def action(client: Client, n: int) -> int:
        return client.send("GET", path)[0]

    return action


def row_edit_action(fixture: Fixture):
    """Each client edits its own journey step: no conflicts expected."""

    def action(client: Client, n: int) -> int:
        pk, name = fixture.journey_rows[client.index % len(fixture.journey_rows)]
        version = client.state.setdefault("version", None)
        if version is None:  # the row's version as the client first sees it
            status, text = client.send(
                "GET", f"/projects/{fixture.project_id}/rows/journey_step/{pk}/"
            )
            version = int(re.search(rf'name="journey_step-{pk}-version" value="(\d+)"', text)[1])
        prefix = f"journey_step-{pk}"
        status, text = client.send(
            "POST",
            f"/projects/{fixture.project_id}/rows/journey_step/{pk}/",
            {
                f"{prefix}-name": name,
                f"{prefix}-data_needed": f"Saved by client {client.index}, edit {n}",
                f"{prefix}-timing": "fast",
                f"{prefix}-updates": "polling",
                f"{prefix}-external_services": "",
                f"{prefix}-version": version,
            },
        )
        if status == 200:
            client.state["version"] = version + 1
        else:  # read the version the refused form now carries
            found = re.search(rf'name="journey_step-{pk}-version" value="(\d+)"', text)
            client.state["version"] = int(found[1]) if found else None
        return status

    return action


def answer_action(fixture: Fixture):
    """Clients share the 17 key questions; a 409 shows the newer text, which becomes the
    `original` of the client's next save (a deliberate overwrite, as in the editor)."""

    def action(client: Client, n: int) -> int:
        number, key = fixture.questions[client.index % len(fixture.questions)]
        value = f"Answer {n} from client {client.index}"
        status, text = client.send(
            "POST",
            f"/projects/{fixture.project_id}/levels/{number}/answers/{key}/",
            {
                f"{key}-value": value,
                f"{key}-original": client.state.get("original", ""),
                f"{key}-version": client.state.get("version", 1),
            },
        )
        original = re.search(rf'name="{key}-original" value="([^"]*)"', text)
        version = re.search(rf'name="{key}-version" value="(\d+)"', text)
        client.state["original"] = html.unescape(original[1]) if original else value
        client.state["version"] = int(version[1]) if version else 1
        return status

    return action


def drain(limit_s: float = 180.0) -> None:
    """Wait until the server is idle again: sync workers still render the requests a
    finished wrk run left queued, which would slow the next target down."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        began = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, PORT, timeout=limit_s)
        conn.request("GET", "/bare/")
        conn.getresponse().read()
        conn.close()
        if time.perf_counter() - began < 0.05:
            return
        time.sleep(0.5)


def measure_config(config: ServerConfig, fixture: Fixture, seconds: dict, use_wrk: bool) -> list:
    server = start_server(config)
    results = []
    step_path = f"/projects/{fixture.project_id}/step/{{}}/"
    try:
        warm = Client(0, fixture)  # every worker process renders each page once at least
        for _ in range(config.workers * 2):
            warm.send("GET", "/bare/")
            for step in STEPS:
                status, _ = warm.send("GET", step_path.format(step))
                if status != 200:  # a redirect to log in would be timed as a fast page
                    raise SystemExit(f"{step_path.format(step)} answered {status}, not the page")
        gets = [("bare view /bare/", "/bare/", seconds["bare"])] + [
            (f"workspace step {step}", step_path.format(step), seconds["step"]) for step in STEPS
        ]
        runs = [
            (lambda t=target, p=path, d=duration: wrk_get(t, p, fixture, d))
            if use_wrk
            else (
                lambda t=target, p=path, d=duration: run_clients(
                    t, fixture, get_action(p), d, 100_000
                )
            )
            for target, path, duration in gets
        ]
        runs += [
            lambda t=target, a=action: run_clients(t, fixture, a, seconds["save"], 5_000)
            for target, action in [
                ("save: row edit (htmx)", row_edit_action(fixture)),
                ("save: answer (htmx)", answer_action(fixture)),
            ]
        ]
        if use_wrk:  # the same row edits from wrk's C client, as the bare view is driven
            runs.append(
                lambda: wrk_row_edit("save: row edit (htmx, wrk)", fixture, seconds["save"])
            )
        for run in runs:
            before = cpu_by_role()
            result = run()
            result.cpu_ms = cpu_ms_per_request(before, cpu_by_role(), result.requests)
            results.append(result)
            print_result(result, config)
            drain()
    finally:
        stop_server(server)
    bare = results[0].rps
    for result in results:
        result.ratio_to_bare = result.rps / bare if bare else None
    return results


def print_result(result: Result, config: ServerConfig) -> None:
    extra = f"  409s {result.conflicts}" if result.conflicts else ""
    extra += f"  errors {result.errors}" if result.errors else ""
    if result.cpu_ms:
        extra += "   CPU ms/request " + ", ".join(f"{k} {v:.2f}" for k, v in result.cpu_ms.items())
    print(
        f"  [{config.label}] {result.target:<26} {result.rps:8.1f} req/s   "
        f"p50 {result.p50_ms:8.1f} ms   p99 {result.p99_ms:8.1f} ms   "
        f"({result.requests} requests, {result.tool}){extra}",
        flush=True,
    )


# --- One request, profiled ---------------------------------------------------------------


def profile_one_request(fixture: Fixture, step: str = "4", top: int = 12) -> str:
    """cProfile of one warm workspace request, in this process, against the same DB:
    our own functions by cumulative time, then the hottest functions by own time."""
    from django.test import Client as DjangoClient

    client = DjangoClient(HTTP_HOST=HOST)
    client.cookies.load(fixture.cookie)
    url = f"/projects/{fixture.project_id}/step/{step}/"
    assert client.get(url).status_code == 200
    began = time.perf_counter()
    plain = client.get(url)
    plain_ms = (time.perf_counter() - began) * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    response = client.get(url)
    profiler.disable()
    assert response.status_code == 200
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    rows = []
    for (filename, line, name), (_cc, calls, own, cumulative, _callers) in stats.stats.items():
        where = filename.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
        rows.append((cumulative, own, calls, f"{where}:{line} {name}"))
    out = io.StringIO()
    out.write(
        f"GET {url} alone: {plain_ms:.0f} ms, {len(plain.content) // 1024} KB of HTML; "
        f"under cProfile {total * 1000:.0f} ms. Our code, cumulative share:\n"
    )
    ours = [
        r
        for r in sorted(rows, reverse=True)
        if r[3].startswith(("planner/", "accounts/", "django/shortcuts.py"))
    ]
    for cumulative, _own, calls, where in ours[:top]:
        out.write(
            f"  {100 * cumulative / total:5.1f}%  {cumulative * 1000:7.1f} ms"
            f" {calls:6d}x  {where}\n"
        )
    out.write("Hottest functions by own time:\n")
    for _cumulative, own, calls, where in sorted(rows, key=lambda r: -r[1])[:top]:
        out.write(f"  {100 * own / total:5.1f}%  {own * 1000:7.1f} ms {calls:6d}x  {where}\n")
    return out.getvalue()


# --- Main ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs (smoke test)")
    parser.add_argument(
        "--configs",
        default="sync:4,gthread:4x4",
        help="gunicorn worker configurations, e.g. sync:4,gthread:2x4",
    )
    parser.add_argument("--no-wrk", action="store_true", help="use the Python client for GETs")
    parser.add_argument("--profile-only", action="store_true")
    args = parser.parse_args()
    seconds = (
        {"bare": 3, "step": 4, "save": 4} if args.quick else {"bare": 10, "step": 10, "save": 15}
    )
    use_wrk = shutil.which("wrk") is not None and not args.no_wrk

    print(f"Preparing database {DB_NAME} with a plan of {ROWS} rows per list…", flush=True)
    recreate_database(DB_NAME)
    setup_django()
    fixture = build_fixture()
    if args.profile_only:
        for step in ("context", "4"):
            print(profile_one_request(fixture, step))
        return

    print(
        f"{CLIENTS} concurrent clients, loopback, {os.cpu_count()} CPUs; GETs with "
        f"{'wrk' if use_wrk else 'the Python client'}, saves with the Python client"
        f"{' and wrk' if use_wrk else ''}.",
        flush=True,
    )
    load_before = os.getloadavg()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in load_before)}", flush=True)
    by_config: dict[str, list[Result]] = {}
    for text in args.configs.split(","):
        config = ServerConfig.parse(text.strip())
        print(f"gunicorn: {config.label}", flush=True)
        by_config[config.label] = measure_config(config, fixture, seconds, use_wrk)

    def workspace_rps(results: list[Result]) -> float:
        return statistics.mean(r.rps for r in results if r.target.startswith("workspace"))

    best = max(by_config, key=lambda label: workspace_rps(by_config[label]))
    load_after = os.getloadavg()  # the load generator and the server share the CPUs
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in load_after)}")
    print(f"Better configuration (mean workspace req/s): {best}")
    print(
        f"{'target':<28}{'req/s':>9}{'× bare':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'app ms':>8}{'db ms':>7}  target met?"
    )
    for result in by_config[best]:
        verdict = ""
        if result.target.startswith("workspace"):
            met = result.ratio_to_bare >= TARGET_RATIO and result.p99_ms < TARGET_P99_MS
            verdict = "yes" if met else "no"
        elif result.target.startswith("save"):
            verdict = "yes" if result.ratio_to_bare >= SAVE_TARGET_RATIO else "no"
        cpu = result.cpu_ms or {"app": float("nan"), "db": float("nan")}
        print(
            f"{result.target:<28}{result.rps:9.1f}{result.ratio_to_bare:9.3f}"
            f"{result.p50_ms:9.1f}{result.p99_ms:9.1f}{cpu['app']:8.2f}{cpu['db']:7.2f}  {verdict}"
        )
    profile = profile_one_request(fixture, "context") + profile_one_request(fixture, "4")
    print("\n" + profile)

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "bench_workspace.json"
    path.write_text(
        json.dumps(
            {
                "benchmark": "bench_workspace",
                "date": time.strftime("%Y-%m-%d"),
                "machine": f"{os.cpu_count()} CPUs",
                "load_average": {"before": load_before, "after": load_after},
                "clients": CLIENTS,
                "rows_per_list": ROWS,
                "seconds": seconds,
                "best": best,
                "configs": {k: [asdict(r) for r in v] for k, v in by_config.items()},
                "profile": profile,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"Results written to {path}")


if __name__ == "__main__":
    main()
