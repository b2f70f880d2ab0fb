"""The advisor's evaluation set, measured: recall, forbidden hits, findings and time.

    .venv/bin/python bench/advisor_eval.py [--runs N] [--verbose]

For each scenario of `tests/advisor_scenarios/` (see `tests/planner/advisor_scenarios.py`
and `docs/advisor-evaluation.md`): must-fire expectations met out of all of them
(recall), must-not-fire expectations with an open finding (forbidden hits), the
findings and open findings, and the median time of `advise()` over N runs. Then
the totals. `--verbose` lists what is missing and what is forbidden. Needs no
database: the advisor is pure. Writes bench/results/advisor_eval.json.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, setup_django  # noqa: E402

setup_django()

from planner.advisor import advise  # noqa: E402
from tests.planner.advisor_scenarios import judge, scenarios  # noqa: E402


def timed(document: dict, runs: int) -> tuple[list, float]:
    times, findings = [], []
    for _ in range(runs):
        start = time.perf_counter()
        findings = advise(document)
        times.append(time.perf_counter() - start)
    return findings, statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    columns = ("recall", 9), ("forbidden", 9), ("findings", 8), ("open", 5), ("ms", 8)
    every = scenarios()
    wide = max(26, *(len(s.slug) for s in every))
    header = f"{'scenario':<{wide}} " + " ".join(f"{name:>{width}}" for name, width in columns)
    print(header)
    print("-" * len(header))
    rows, hit, expected, forbidden, problems = [], 0, 0, 0, 0
    for scenario in every:
        findings, ms = timed(scenario.document(), args.runs)
        outcome = judge(scenario, findings)
        total = outcome.hit + len(outcome.missing)
        hit, expected = hit + outcome.hit, expected + total
        forbidden += len(outcome.forbidden)
        problems += bool(outcome.problems)
        print(
            f"{scenario.slug:<{wide}} {outcome.hit:>4}/{total:<4} {len(outcome.forbidden):>9} "
            f"{outcome.findings:>8} {outcome.open:>5} {ms:>8.1f}"
        )
        if args.verbose:
            for problem in outcome.problems:
                print(f"    {problem}")
        rows.append(
            {
                "scenario": scenario.slug,
                "must_fire_hit": outcome.hit,
                "must_fire_total": total,
                "forbidden_hits": outcome.forbidden,
                "missing": outcome.missing,
                "findings": outcome.findings,
                "open": outcome.open,
                "advise_ms": round(ms, 2),
            }
        )
    print("-" * len(header))
    recall = hit / expected if expected else 1.0
    print(
        f"{'total':<{wide}} {hit:>4}/{expected:<4} {forbidden:>9}   recall {recall:.0%}, "
        f"{problems} of {len(rows)} scenarios with a problem"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary = {"recall": recall, "must_fire_hit": hit, "must_fire_total": expected}
    payload = {"benchmark": "advisor_eval", **summary, "forbidden_hits": forbidden, "rows": rows}
    (RESULTS / "advisor_eval.json").write_text(json.dumps(payload, indent=2) + "\n")


if __name__ == "__main__":
    main()
