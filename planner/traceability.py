"""Traceability: journey step → operations → entities → decisions and techniques.

A pure function over the plan document. Each journey step leads to the operations that
serve it (their `journey_steps`), each operation to the entities it touches, and the
chain to the decisions its rows revealed (`revealed_by`: the step, an operation, an
entity, or a relationship between two of its entities) and to the techniques of the
same catalogue category as those decisions. What hangs from nothing is an orphan:
an operation that serves no step, an entity no operation touches, a decision revealed
by nothing, and a step that no operation serves yet.
"""

from dataclasses import dataclass, field
from typing import Any

from planner.document import relationship_name
from planner.registry import Category, DecisionStatus, TechniqueStatus


@dataclass(frozen=True)
class Node:
    """One row of the plan as the page shows it: its kind, name, a note and its link."""

    kind: str
    name: str
    note: str = ""
    url: str = ""


@dataclass
class OperationTrace:
    operation: Node
    entities: list[Node]
    decisions: list[Node]


@dataclass
class StepTrace:
    step: Node
    operations: list[OperationTrace]
    decisions: list[Node]  # revealed by the step itself
    techniques: list[Node]


@dataclass
class Trace:
    steps: list[StepTrace]
    orphans: dict[str, list[Node]] = field(default_factory=dict)

    @property
    def orphan_count(self) -> int:
        return sum(len(nodes) for nodes in self.orphans.values())


ORPHAN_TITLES = {
    "operation": "Operations that serve no journey step",
    "entity": "Entities no operation touches",
    "decision": "Decisions revealed by nothing",
    "journey_step": "Journey steps no operation serves",
}


def plan_trace(
    document: dict[str, Any], entries: dict[str, dict], links: dict[tuple[str, str], str]
) -> Trace:
    """The plan's chains and orphans. `entries` maps a catalogue slug to its entry (name,
    category); `links` maps (kind, name) to the row's place in the editor."""

    def node(kind: str, name: str, note: str = "") -> Node:
        return Node(kind, name, note, links.get((kind, name), ""))

    def catalogued(kind: str, slug: str, status: str) -> Node:
        """A decision or technique, shown by its entry's name, linked by its slug."""
        name = entries.get(slug, {}).get("name", slug)
        return Node(kind, name, status, links.get((kind, slug), ""))

    decisions = {}  # Node -> its pattern's catalogue category
    revealed: dict[tuple[str, str], list[Node]] = {}
    unrevealed = []
    for row in document.get("decisions", []):
        status = DecisionStatus(row.get("status", DecisionStatus.ADOPT)).label
        decision = catalogued("decision", row["pattern"], status)
        decisions[decision] = entries.get(row["pattern"], {}).get("category")
        source = row.get("revealed_by")
        if source:
            revealed.setdefault((source["kind"], source["name"]), []).append(decision)
        else:
            unrevealed.append(decision)
    techniques = [
        (
            entries.get(t["technique"], {}).get("category"),
            catalogued(
                "technique",
                t["technique"],
                TechniqueStatus(t.get("status", TechniqueStatus.PLANNED)).label,
            ),
        )
        for t in document.get("techniques", [])
    ]
    touching = _relationships_by_entity(document)

    def operation_trace(op: dict) -> OperationTrace:
        entities = op.get("entities", [])
        found = list(revealed.get(("operation", op["name"]), []))
        for entity in entities:
            found += revealed.get(("entity", entity), [])
            for other, name in touching.get(entity, []):
                if other in entities:
                    found += revealed.get(("relationship", name), [])
        note = Category(op["category"]).label
        return OperationTrace(
            node("operation", op["name"], note),
            [node("entity", e) for e in entities],
            _unique(found),
        )

    operations = document.get("operations", [])
    steps = []
    for step in document.get("journey_steps", []):
        served = [
            operation_trace(op) for op in operations if step["name"] in op.get("journey_steps", [])
        ]
        own = revealed.get(("journey_step", step["name"]), [])
        chain = _unique(own + [d for o in served for d in o.decisions])
        categories = {decisions[d] for d in chain} - {None}
        steps.append(
            StepTrace(
                node("journey_step", step["name"]),
                served,
                own,
                [t for cat, t in techniques if cat in categories],
            )
        )
    touched = {e for op in operations for e in op.get("entities", [])}
    orphans = {
        "operation": [
            node("operation", op["name"], Category(op["category"]).label)
            for op in operations
            if not op.get("journey_steps")
        ],
        "entity": [
            node("entity", e["name"])
            for e in document.get("entities", [])
            if e["name"] not in touched
        ],
        "decision": unrevealed,
        "journey_step": [s.step for s in steps if not s.operations],
    }
    return Trace(steps, orphans)


def _relationships_by_entity(document: dict) -> dict[str, list[tuple[str, str]]]:
    """entity -> [(the other entity, the relationship's name)], both ways."""
    out: dict[str, list[tuple[str, str]]] = {}
    for r in document.get("relationships", []):
        name = relationship_name(r["source"], r["target"])
        out.setdefault(r["source"], []).append((r["target"], name))
        out.setdefault(r["target"], []).append((r["source"], name))
    return out


def _unique(nodes: list[Node]) -> list[Node]:
    return list(dict.fromkeys(nodes))
