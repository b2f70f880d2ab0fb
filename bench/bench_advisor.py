"""How long the advisor takes on a big plan: 200 rows in every list.

    .venv/bin/python bench/bench_advisor.py [runs]

Prints the median over many runs; the target is under 50 ms, because the editor
re-runs the advisor on every save.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import measure, report, setup_django  # noqa: E402

setup_django()

from planner.advisor import advise, counts  # noqa: E402
from planner.catalogue_data import ENTRIES  # noqa: E402

ROWS = 200
TARGET_MS = 50.0


def big_document(rows: int = ROWS) -> dict:
    slugs = [e["slug"] for e in ENTRIES]
    categories = ["immediate", "query", "background", "realtime", "maintenance"]
    return {
        "schema": "backplan/plan",
        "schema_version": 1,
        "project": {"name": "Big plan", "description": ""},
        "context": {
            "product": "Marketplace with chat",
            "scale": "lt1k",
            "team_size": "solo",
            "languages": "TypeScript",
            "platform": "express",
            "clients": ["web", "mobile", "api"],
            "realtime": "core",
            "offline": "some",
            "ai": "some",
            "external_services": "\n".join(f"Service {i}" for i in range(20)),
            "sensitivity": "none",
            "stage": "mvp",
        },
        "levels": {
            str(n): {"status": "complete", "skip_reason": "", "answers": {"notes": "x" * 200}}
            for n in range(1, 7)
        },
        "journey_steps": [
            {
                "name": f"Step {i}",
                "data_needed": "Lists and details " * 5,
                "timing": "fast" if i % 2 else "async",
                "offline": i % 3 == 0,
                "updates": ["none", "polling", "realtime"][i % 3],
                "external_services": f"Service {i % 25}",
            }
            for i in range(rows)
        ],
        "boundaries": [
            {
                "name": f"B{i}",
                "responsibility": "Owns things",
                "reason": ["", "core", "organisation", "security"][i % 4],
            }
            for i in range(rows)
        ],
        "operations": [
            {
                "name": f"op{i}",
                "category": categories[i % 5],
                "boundary": f"B{i % (rows + 10)}" if i % 7 else None,
                "trigger": "User",
                "latency": "fast",
                "entities": [f"E{i % rows}", f"E{(i * 7) % rows}", f"Missing{i % 3}"],
            }
            for i in range(rows)
        ],
        "entities": [
            {
                "name": f"E{i}",
                "description": "",
                "source_of_truth": "" if i % 5 == 0 else "db",
                "boundary": f"B{i}",
                "concurrency": "optimistic",
                "denormalized": "",
            }
            for i in range(rows)
        ],
        "relationships": [
            {
                "source": f"E{i}",
                "target": f"E{(i + 1) % (rows + 5)}",
                "cardinality": "1:N",
                "sync": "" if i % 2 else "Same transaction",
                "failure": "" if i % 3 else "Rolled back",
            }
            for i in range(rows)
        ],
        "decisions": [
            {
                "pattern": slugs[i % len(slugs)] if i < len(slugs) else f"custom-{i}",
                "status": ["adopt", "reject", "defer"][i % 3],
                "problem": "" if i % 2 else "Slow dashboard",
                "rationale": "best practice" if i % 4 == 0 else "",
                "revealed_by": None,
            }
            for i in range(rows)
        ],
        "techniques": [
            {"technique": slugs[i % len(slugs)], "status": "planned", "notes": "n"}
            for i in range(rows)
        ],
        "custom_entries": [{"slug": f"custom-{i}", "name": f"Custom {i}"} for i in range(rows)],
        "core_questions": {"data_integrity": {"answer": "", "levels": []}},
        "dismissed_findings": [
            {"key": f"GAP-ENTITY-NO-SOURCE:E{i}", "reason": "ok"} for i in range(0, rows, 10)
        ],
    }


def main(runs: int = 100) -> float:
    document = big_document()
    findings = advise(document)
    timing = measure(f"advise() on {ROWS} rows per list", lambda: advise(document), runs=runs)
    report(
        "advisor",
        [timing],
        rows_per_list=ROWS,
        findings=len(findings),
        by_severity=counts(findings),
        target_ms=TARGET_MS,
    )
    print(
        f"target < {TARGET_MS:.0f} ms: {'met' if timing.median_s * 1000 < TARGET_MS else 'MISSED'}"
    )
    return timing.median_s


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
