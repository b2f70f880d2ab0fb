"""The guide's "When to skip levels", applied to this plan: the one place that decides
whether a level may be skipped.

`skip_reasons(plan, n)` gives the plan's facts that make Level n skippable. Rules that
would ask for work in Level 2 stay quiet while it is skippable; the skip advice itself
runs after every other rule (see `advise`) and is withdrawn while an open finding asks
for work in that level. Level 5 is never skippable at 10,000+ users or with payments
or health data.
"""

import re
from collections.abc import Iterator

from planner import registry
from planner.advisor.findings import INFO, SKIP_ADVICE, Hit, evidence, rule
from planner.advisor.plan import LABELS, Plan, row_evidence
from planner.advisor.words import plural

CRUD_WORDS = re.compile(r"\bcrud\b", re.IGNORECASE)
SIMPLE_DATA_MAX_ENTITIES = 5
LEVEL_STATUS = dict(registry.LevelStatus.choices)


def skip_reasons(plan: Plan, number: str) -> tuple[list[str], list]:
    """Why Level `number` may be skipped, from the plan's facts, and the evidence."""
    if number == "2":
        return _level_2_reasons(plan)
    if number == "5":
        return _level_5_reasons(plan)
    return [], []


def may_skip(plan: Plan, number: str) -> bool:
    """The level is skipped, or skippable and still unstarted enough to advise it."""
    return plan.levels[number].skipped or bool(skip_reasons(plan, number)[0])


def _level_2_reasons(plan: Plan) -> tuple[list[str], list]:
    reasons, ev = [], []
    if plan.early_stage:
        reasons.append(
            "it is a prototype" if plan.context["stage"] == "prototype" else "it is an MVP"
        )
        ev.append(plan.ctx("stage"))
    if CRUD_WORDS.search(plan.context["product"]):
        reasons.append("the backend is simple CRUD")
        ev.append(plan.ctx("product"))
    ops = plan.operations
    if ops and all(op["category"] in {"immediate", "query"} for op in ops) and not plan.services:
        reasons.append("all operations share the same performance and reliability needs")
        ev.append(evidence("3", "operation", "categories", "only immediate operations and queries"))
    return reasons, ev


@rule(
    "SKIP-LEVEL-2",
    kind=SKIP_ADVICE,
    severity=INFO,
    level="2",
    title="Level 2 may be skipped",
    message="You may skip API boundary design: {reasons}. One core boundary is enough.",
    action="Skip Level 2 with this reason, or keep it short: one boundary, reason “core”.",
)
def skip_level_2(plan: Plan) -> Iterator[Hit]:
    if plan.levels["2"].status in {"skipped", "complete"} or "2" in plan.asked_levels:
        return
    reasons, ev = _level_2_reasons(plan)
    if reasons:
        yield Hit("level-2", ev, {"reasons": "; ".join(reasons)})


def _level_5_reasons(plan: Plan) -> tuple[list[str], list]:
    reasons, ev = [], []
    rank = plan.scale_rank
    if (rank is not None and rank >= 3) or plan.context["sensitivity"] in {"payments", "health"}:
        return reasons, ev  # the stakes are too high to skip the patterns
    if plan.small_scale:
        reasons.append("the user base is small (fewer than 1,000 active users)")
        ev.append(plan.ctx("scale"))
    if plan.baas:
        platform = LABELS["platform"][plan.context["platform"]]
        reasons.append(f"{platform} handles most of the complexity")
        ev.append(plan.ctx("platform"))
    entities = plan.entities
    if (
        entities
        and len(entities) <= SIMPLE_DATA_MAX_ENTITIES
        and all(rel["cardinality"] != "N:M" for rel in plan.relationships)
    ):
        reasons.append(
            f"the data is simple ({plural(len(entities), 'entity', 'entities')}, no many-to-many)"
        )
        ev += [row_evidence("entity", e, e["source_of_truth"]) for e in entities]
    return reasons, ev


@rule(
    "SKIP-LEVEL-5",
    kind=SKIP_ADVICE,
    severity=INFO,
    level="5",
    title="Level 5 may be skipped",
    message="You may skip architecture patterns: {reasons}.",
    action="Skip Level 5 with this reason, or record only the decisions a real problem forces.",
)
def skip_level_5(plan: Plan) -> Iterator[Hit]:
    if plan.levels["5"].status in {"skipped", "complete"} or "5" in plan.asked_levels:
        return
    reasons, ev = _level_5_reasons(plan)
    if reasons:
        yield Hit("level-5", ev, {"reasons": "; ".join(reasons)})


@rule(
    "SKIP-NEVER",
    kind=SKIP_ADVICE,
    severity=INFO,
    level="1",
    title="Never skip Levels 1 and 4",
    message="Whatever else you skip, never skip Level {n}: {why}",
    action="Answer Level {n}, even briefly.",
)
def skip_never(plan: Plan) -> Iterator[Hit]:
    if not (may_skip(plan, "2") or may_skip(plan, "5")):
        return  # only worth saying when other levels may be skipped
    why = {
        "1": "requirements mapping drives everything else.",
        "4": "data relationship planning prevents consistency disasters.",
    }
    for number, reason in why.items():
        # Not for a finished level; a skipped one, or one left empty while later levels
        # fill up, is a gap (GAP-NEVER-SKIP) instead.
        status = plan.levels[number].status
        if status not in {"complete", "skipped"} and not (
            plan.level_is_empty(number) and plan.has_content_after(number)
        ):
            ev = [evidence(number, "level", "status", LEVEL_STATUS.get(status, "Not started"))]
            yield Hit(f"level-{number}", ev, {"n": number, "why": reason}, level=number)
