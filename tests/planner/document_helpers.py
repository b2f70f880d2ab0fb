"""Small builders for plan-document tests."""

import copy
import json

from planner.demo import DEMO_PLAN_PATH
from planner.models import CatalogueEntry

PATTERNS = ["background-jobs", "caching", "circuit-breaker", "offline-sync"]
TECHNIQUES = ["input-validation", "retry-backoff", "logging-monitoring"]


def demo() -> dict:
    return json.loads(DEMO_PLAN_PATH.read_text(encoding="utf-8"))


def minimal(name: str = "Imported plan", **sections) -> dict:
    return {"schema": "backplan/plan", "schema_version": 1, "project": {"name": name}, **sections}


def with_changes(document: dict, **sections) -> dict:
    changed = copy.deepcopy(document)
    changed.update(sections)
    return changed


def small_catalogue() -> None:
    """A few shared entries, for tests that do not need the whole catalogue."""
    for slug in PATTERNS:
        CatalogueEntry.objects.get_or_create(
            team=None, slug=slug, defaults={"name": slug, "kind": "pattern", "summary": "s"}
        )
    for slug in TECHNIQUES:
        CatalogueEntry.objects.get_or_create(
            team=None, slug=slug, defaults={"name": slug, "kind": "technique", "summary": "s"}
        )


def sized_document(n: int) -> dict:
    """A valid document with `n` rows in every list (custom catalogue entries included)."""
    entities = [f"Entity {i}" for i in range(n)]
    return minimal(
        f"Plan of {n}",
        journey_steps=[{"name": f"Step {i}", "data_needed": "x"} for i in range(n)],
        boundaries=[{"name": f"Boundary {i}", "reason": "core"} for i in range(n)],
        entities=[{"name": e, "boundary": f"Boundary {i}"} for i, e in enumerate(entities)],
        operations=[
            {
                "name": f"op{i}",
                "category": "query",
                "boundary": f"Boundary {i}",
                "entities": entities[max(0, i - 1) : i + 1],
            }
            for i in range(n)
        ],
        relationships=[
            {"source": entities[i], "target": entities[(i + 1) % n], "cardinality": "1:N"}
            for i in range(n)
        ],
        custom_entries=[
            {"slug": f"p-{i}", "name": f"P {i}", "kind": "pattern", "summary": "s"}
            for i in range(n)
        ]
        + [
            {"slug": f"t-{i}", "name": f"T {i}", "kind": "technique", "summary": "s"}
            for i in range(n)
        ],
        decisions=[
            {
                "pattern": f"p-{i}",
                "revealed_by": [
                    {"kind": "journey_step", "name": f"Step {i}"},
                    {"kind": "operation", "name": f"op{i}"},
                    {"kind": "entity", "name": entities[i]},
                    {
                        "kind": "relationship",
                        "name": f"{entities[i]} -> {entities[(i + 1) % n]}",
                    },
                ][i % 4],
            }
            for i in range(n)
        ],
        techniques=[{"technique": f"t-{i}"} for i in range(n)],
        dismissed_findings=[{"key": f"rule:{i}", "reason": "fine"} for i in range(n)],
    )
