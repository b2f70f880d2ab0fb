"""The guide's "When to skip levels", applied to this plan."""

import re
from collections.abc import Iterator

from planner.advisor.findings import INFO, SKIP_ADVICE, Hit, evidence, rule
from planner.advisor.plan import LABELS, Plan, row_evidence

CRUD_WORDS = re.compile(r"\bcrud\b", re.IGNORECASE)
SIMPLE_DATA_MAX_ENTITIES = 5


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
    if (
        ops
        and all(op["category"] in {"immediate", "query"} for op in ops)
        and not plan.external_services()
    ):
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
    if plan.levels["2"].status in {"skipped", "complete"}:
        return
    reasons, ev = _level_2_reasons(plan)
    if reasons:
        yield Hit("level-2", ev, {"reasons": "; ".join(reasons)})


def _level_5_reasons(plan: Plan) -> tuple[list[str], list]:
    reasons, ev = [], []
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
        reasons.append(f"the data is simple ({len(entities)} entities, no many-to-many)")
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
    if plan.levels["5"].status in {"skipped", "complete"}:
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
    if not (_level_2_reasons(plan)[0] or _level_5_reasons(plan)[0]):
        return  # only worth saying when other levels may be skipped
    why = {
        "1": "requirements mapping drives everything else.",
        "4": "data relationship planning prevents consistency disasters.",
    }
    for number, reason in why.items():
        if not plan.levels[number].skipped:  # a skipped one is a gap instead
            ev = [evidence(number, "level", "status", plan.levels[number].status or "not_started")]
            yield Hit(f"level-{number}", ev, {"n": number, "why": reason}, level=number)
