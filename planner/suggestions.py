"""Level 3 operations suggested from the Level 1 journey: a pure function over the plan.

Each journey step says how the frontend meets the backend there (the data it needs,
its timing, whether it updates live, works offline or calls outside services), and
each of those answers asks for an operation of one category:

* a **query** for the data it needs (when it names data and does not update live),
* an **immediate** operation for its writes (when its name starts with a verb that
  changes data: "Send a message", "Book a table"),
* a **realtime** subscription where it updates live,
* a **background** job where it can be async or calls an external service.

A suggestion is taken once an operation of its category serves its step (the
operation's `journey_steps` names it): the link and the category recognise it, not
the name, so renaming the added operation does not bring the suggestion back.
"""

import re
from dataclasses import dataclass
from typing import Any

from planner.registry import Category, Latency, Limit, Timing, Updates

# The first word of a step that writes; a step is named by what the user does.
_WRITE_WORDS = """add accept apply approve archive assign book buy cancel change check checkout
    comment complete confirm create delete edit invite join leave like log mark move
    order pay post publish rate record register remove rename reorder reply request
    reset save schedule send share sign-up submit subscribe transfer undo update upload
    vote write"""
WRITE_VERBS = frozenset(_WRITE_WORDS.split())
SUFFIXES = {
    Category.QUERY: "load data",
    Category.IMMEDIATE: "save changes",
    Category.REALTIME: "live updates",
    Category.BACKGROUND: "background work",
}


@dataclass(frozen=True)
class Suggestion:
    """An operation the plan does not have yet, for one journey step."""

    step: str
    category: str
    name: str
    trigger: str
    latency: str
    entities: tuple[str, ...]
    reason: str

    @property
    def category_label(self) -> str:
        return Category(self.category).label


def step_suggestions(document: dict[str, Any]) -> list[tuple[dict, list[Suggestion]]]:
    """Each journey step with the operations still to suggest for it, in the plan's order."""
    operations = document.get("operations", [])
    taken = {(step, op["category"]) for op in operations for step in op.get("journey_steps", [])}
    names = {op["name"].casefold() for op in operations}
    entities = [e["name"] for e in document.get("entities", [])]
    out = []
    for step in document.get("journey_steps", []):
        found = []
        for category, reason in _needs(step):
            if (step["name"], category) in taken:
                continue
            suggestion = _suggest(step, category, reason, names, entities)
            names.add(suggestion.name.casefold())
            found.append(suggestion)
        out.append((step, found))
    return out


def suggestion_find(document: dict[str, Any], step: str, category: str) -> Suggestion | None:
    """The suggestion still offered for `step` and `category`, if there is one."""
    for row, found in step_suggestions(document):
        if row["name"] == step:
            return next((s for s in found if s.category == category), None)
    return None


def _needs(step: dict) -> list[tuple[str, str]]:
    """(category, why) for each operation the step asks for."""
    needs = []
    live = step.get("updates") == Updates.REALTIME
    if step.get("data_needed", "").strip() and not live:
        needs.append((Category.QUERY, "It needs data from the backend."))
    if _writes(step["name"]):
        needs.append((Category.IMMEDIATE, "Its name says the user changes something here."))
    if live:
        needs.append((Category.REALTIME, "It updates in real time."))
    services = step.get("external_services", "").strip()
    if services:
        needs.append((Category.BACKGROUND, f"It calls {services}: keep that out of the request."))
    elif step.get("timing") == Timing.ASYNC:
        needs.append((Category.BACKGROUND, "It can be async: the user need not wait for it."))
    return needs


def _writes(name: str) -> bool:
    words = name.casefold().split()
    first = "-".join(words[:2]) if words[:2] == ["sign", "up"] else (words[0] if words else "")
    return first in WRITE_VERBS


def _suggest(step: dict, category: str, reason: str, names: set, entities: list) -> Suggestion:
    fast = step.get("timing") != Timing.ASYNC
    latency = {
        Category.QUERY: Latency.INTERACTIVE if fast else Latency.FAST,
        Category.IMMEDIATE: Latency.INTERACTIVE if fast else Latency.FAST,
        Category.REALTIME: Latency.INTERACTIVE,
        Category.BACKGROUND: Latency.SECONDS,
    }[category]
    return Suggestion(
        step=step["name"],
        category=category,
        name=_free_name(step["name"], SUFFIXES[category], names),
        trigger=_trigger(step, category)[: Limit.LINE],
        latency=latency,
        entities=tuple(_mentioned(entities, f"{step['name']} {step.get('data_needed', '')}")),
        reason=reason,
    )


def _trigger(step: dict, category: str) -> str:
    name = step["name"]
    if category == Category.QUERY:
        return f"The frontend opens “{name}”"
    if category == Category.IMMEDIATE:
        later = "; replayed from the offline outbox" if step.get("offline") else ""
        return f"The user acts in “{name}”{later}"
    if category == Category.REALTIME:
        return f"While “{name}” is on screen"
    services = step.get("external_services", "").strip()
    return f"Scheduled from “{name}”" + (f" to call {services}" if services else "")


def _free_name(step: str, suffix: str, taken: set) -> str:
    """ "<step>: <suffix>", shortened to the limit and numbered when the plan has it."""
    n = 1
    while True:
        tail = f": {suffix}" + (f" ({n})" if n > 1 else "")
        name = step[: Limit.NAME - len(tail)] + tail
        if name.casefold() not in taken:
            return name
        n += 1


def _mentioned(entities: list[str], text: str) -> list[str]:
    """Entities the step's words name, singular or plural ("messages" names Message)."""
    return [
        e for e in entities if re.search(rf"\b{re.escape(e)}(s|es)?\b", text, flags=re.IGNORECASE)
    ]
