"""Diagram render cost on a large plan, without a database.

    .venv/bin/python bench/bench_diagrams.py [--rows 200] [--runs 7]

Builds a plan document shaped like `tests/planner/plans.py` `fill_plan` (`--rows` rows
in every list: each operation in a boundary touching two entities of other boundaries,
each entity related to the next), then times the boundary and entity graphs drawn as
SVG for a page (30 boxes) and for the download (every box), and as Mermaid.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.common import measure, report, setup_django  # noqa: E402


def document(rows: int) -> dict:
    boundaries = [{"name": f"Boundary {i}"} for i in range(rows)]
    entities = [{"name": f"Entity {i}", "boundary": f"Boundary {i}"} for i in range(rows)]
    operations = [
        {
            "name": f"Operation {i}",
            "boundary": f"Boundary {i}",
            "entities": [f"Entity {(i + 1) % rows}", f"Entity {(i * 7 + 3) % rows}"],
        }
        for i in range(rows)
    ]
    relationships = [
        {"source": f"Entity {i}", "target": f"Entity {(i + 1) % rows}", "cardinality": "1:N"}
        for i in range(rows)
    ]
    return {
        "boundaries": boundaries,
        "entities": entities,
        "operations": operations,
        "relationships": relationships,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    setup_django()
    from planner.diagrams import boundary_graph, entity_graph, graph_svg, mermaid

    doc = document(args.rows)
    timings = [
        measure(
            "boundaries svg (page, 30 boxes)",
            lambda: graph_svg(boundary_graph(doc)),
            runs=args.runs,
        ),
        measure(
            "entities svg (page, 30 boxes)", lambda: graph_svg(entity_graph(doc)), runs=args.runs
        ),
        measure(
            "boundaries svg (download, all)",
            lambda: graph_svg(boundary_graph(doc), None),
            runs=args.runs,
        ),
        measure(
            "entities svg (download, all)",
            lambda: graph_svg(entity_graph(doc), None),
            runs=args.runs,
        ),
        measure("boundaries mermaid", lambda: mermaid(boundary_graph(doc)), runs=args.runs),
    ]
    report("bench_diagrams", timings, rows=args.rows)


if __name__ == "__main__":
    main()
