"""The guide's overengineering red flags, detected from the answers."""

import re
from collections.abc import Iterator
from itertools import combinations

from planner.advisor.findings import HIGH, MEDIUM, RED_FLAG, Hit, evidence, rule
from planner.advisor.plan import LABELS, Plan, lower_first, row_evidence
from planner.catalogue_data import entry_name

# How many boundaries a team of this size can reasonably own and run.
BOUNDARY_BUDGET = {"solo": 2, "2-5": 3, "6-20": 6, "20+": 12}
SMALL_SCALE_BUDGET = 3

PERFORMANCE_WORDS = re.compile(
    r"slow|latenc|load|performance|\bms\b|millisecond|second|expensive|hot|read-heavy|"
    r"traffic|throughput|bottleneck|timeout|p95|p99|cpu|cost|saturat|profil|measur",
    re.IGNORECASE,
)
BEST_PRACTICE_WORDS = re.compile(
    r"best practi|industry standard|everyone uses|just in case|future.?proof|might need",
    re.IGNORECASE,
)
AFFIRMATIVE = re.compile(r"^\s*(yes|yep|separate|we will separate|a separate)\b", re.IGNORECASE)
AUTH_WORDS = re.compile(r"\b(auth\w*|identity|login|iam|sso|permissions?)\b", re.IGNORECASE)

STAGE_WORDS = {
    "prototype": "the prototype stage",
    "mvp": "the MVP stage",
    "production": "the production stage",
    "scaling": "the scaling stage",
}
CACHING_SLUGS = ("caching", "cdn-edge-caching")
FAR_SCALE_SLUGS = ("multi-region", "sharding", "read-replicas")
ELABORATE_AUTH_SLUGS = ("custom-auth-service",)


def _decision_evidence(decision: dict) -> list:
    shown = decision["problem"] or decision["rationale"] or "(no problem recorded)"
    return [row_evidence("decision", decision, f"{decision['status']}: {shown}")]


@rule(
    "RF-TOO-MANY-BOUNDARIES",
    kind=RED_FLAG,
    severity=MEDIUM,
    level="2",
    title="More boundaries than the team and scale warrant",
    message="{count} boundaries besides external integrations, for {why}: that is a "
    "microservices-shaped plan for a simple application. Each boundary is something to "
    "deploy, monitor and keep consistent with the others.",
    action="Merge boundaries that share a reason; keep at most {budget} unless one has a "
    "failure-isolation, scaling or security reason you can defend.",
)
def rf_too_many_boundaries(plan: Plan) -> Iterator[Hit]:
    budget = BOUNDARY_BUDGET.get(plan.context["team_size"])
    if plan.small_scale:
        budget = min(budget or SMALL_SCALE_BUDGET, SMALL_SCALE_BUDGET)
    # Isolating an external service is what the guide recommends ("usually yes"),
    # so those boundaries do not count against the budget.
    counted = [b for b in plan.boundaries if b["name"] and b["reason"] != "external"]
    count = len({b["name"] for b in counted})
    if budget is None or count <= budget:
        return
    parts = [
        lower_first(LABELS[k].get(plan.context[k], ""))
        for k in ("team_size", "scale")
        if plan.context[k]
    ]
    evidence_rows = [plan.ctx(k) for k in ("team_size", "scale") if plan.context[k]]
    evidence_rows += [row_evidence("boundary", b, b["reason"] or "") for b in counted]
    yield Hit(
        "boundaries",
        evidence_rows,
        {"count": count, "budget": budget, "why": " and ".join(parts)},
        severity=HIGH if count > 2 * budget else None,
    )


@rule(
    "RF-MICROSERVICES",
    kind=RED_FLAG,
    severity=HIGH,
    level="5",
    title="Microservices for a simple application",
    message="Microservices are adopted with {why}. Distributed services cost network "
    "failures, distributed data and deployment work that a team this size cannot spare.",
    action="Reject or defer microservices; build a modular monolith and split later for a "
    "measured reason.",
)
def rf_microservices(plan: Plan) -> Iterator[Hit]:
    if plan.large_scale and plan.large_team:
        return
    if not (plan.small_team or plan.small_scale):
        return
    for decision in plan.adopted("microservices"):
        parts = [
            lower_first(LABELS[k].get(plan.context[k], ""))
            for k in ("team_size", "scale")
            if plan.context[k]
        ]
        ev = [plan.ctx(k) for k in ("team_size", "scale") if plan.context[k]]
        yield Hit("microservices", ev + _decision_evidence(decision), {"why": " and ".join(parts)})


@rule(
    "RF-CACHING-NO-PROBLEM",
    kind=RED_FLAG,
    severity=MEDIUM,
    level="5",
    title="Caching before a performance problem",
    message="{name} is adopted, but no performance problem is recorded for it. Caching "
    "before measuring adds invalidation bugs for speed nobody asked for.",
    action="Name the slow path it fixes (link the operation and its latency), or defer it "
    "until a measurement shows the need.",
)
def rf_caching_no_problem(plan: Plan) -> Iterator[Hit]:
    for decision in plan.adopted(*CACHING_SLUGS):
        said = f"{decision['problem']} {decision['rationale']}"
        if decision["revealed_kind"] or PERFORMANCE_WORDS.search(said):
            continue
        yield Hit(
            decision["pattern"],
            _decision_evidence(decision),
            {"name": entry_name(decision["pattern"])},
        )


@rule(
    "RF-ELABORATE-AUTH",
    kind=RED_FLAG,
    severity=MEDIUM,
    level="2",
    title="Elaborate authentication for low-stakes data",
    message="The data is marked as not sensitive, yet the plan builds {what}. Elaborate "
    "authentication protects little here and costs a lot.",
    action="Use the platform's standard authentication inside the core boundary.",
)
def rf_elaborate_auth(plan: Plan) -> Iterator[Hit]:
    if plan.context["sensitivity"] != "none":
        return
    found: list = []
    what: list[str] = []
    answer = plan.levels["2"].answer("auth_separate")
    if AFFIRMATIVE.search(answer):
        found.append(evidence("2", "level", "auth_separate", answer))
        what.append("a separate authentication boundary")
    for boundary in plan.boundaries:
        if boundary["reason"] == "security" and AUTH_WORDS.search(
            f"{boundary['name']} {boundary['responsibility']}"
        ):
            found.append(row_evidence("boundary", boundary, boundary["responsibility"]))
            if "a separate authentication boundary" not in what:
                what.append("a separate authentication boundary")
    for decision in plan.adopted(*ELABORATE_AUTH_SLUGS):
        found += _decision_evidence(decision)
        what.append(entry_name(decision["pattern"]).lower())
    if found:
        yield Hit("auth", [plan.ctx("sensitivity"), *found], {"what": " and ".join(what)})


@rule(
    "RF-SCALE-YEARS-AWAY",
    kind=RED_FLAG,
    severity=MEDIUM,
    level="5",
    title="Planning for scale years away",
    message="{what} — planned at {stage}. That is scale you will not reach for years.",
    action="Defer it and write down the signal (users, load, latency) that would make you "
    "revisit it.",
)
def rf_scale_years_away(plan: Plan) -> Iterator[Hit]:
    early = plan.early_stage or plan.small_scale
    if not early:
        return
    stage_parts = [STAGE_WORDS.get(plan.context["stage"], "")]
    if plan.context["scale"]:
        stage_parts.append(lower_first(LABELS["scale"].get(plan.context["scale"], "")))
    stage = " with ".join(p for p in stage_parts if p) or "this stage"
    ctx_ev = [plan.ctx(k) for k in ("stage", "scale") if plan.context[k]]
    for decision in plan.adopted(*FAR_SCALE_SLUGS):
        yield Hit(
            decision["pattern"],
            ctx_ev + _decision_evidence(decision),
            {"what": f"{entry_name(decision['pattern'])} is adopted", "stage": stage},
        )
    if plan.context["stage"] == "prototype" and plan.large_scale:
        yield Hit(
            "context-scale",
            [plan.ctx("stage"), plan.ctx("scale")],
            {
                "what": "The plan expects 100,000+ active users",
                "stage": "the prototype stage",
            },
        )


@rule(
    "RF-SEPARATE-BUT-TOGETHER",
    kind=RED_FLAG,
    severity=MEDIUM,
    level="2",
    title="Separate boundaries that always work together",
    message="{a} and {b} are separate boundaries, yet every one of their operations "
    "touches {shared}. Services that always change together should be one.",
    action="Merge {a} and {b}, or move the shared entities so one boundary owns them.",
)
def rf_separate_but_together(plan: Plan) -> Iterator[Hit]:
    known_boundaries = {b["name"] for b in plan.boundaries if b["name"]}
    known_entities = {e["name"] for e in plan.entities if e["name"]}
    ops_of: dict[str, list[tuple[dict, set[str]]]] = {}
    for op in plan.operations:
        entities = set(op["entities"]) & known_entities
        if op["boundary"] in known_boundaries and entities:
            ops_of.setdefault(op["boundary"], []).append((op, entities))
    boundaries_of: dict[str, set[str]] = {}
    for boundary, ops in ops_of.items():
        for _, entities in ops:
            for entity in entities:
                boundaries_of.setdefault(entity, set()).add(boundary)
    # An entity nearly everything touches (the user, the tenant) is shared context,
    # not a sign that two boundaries work together.
    ubiquitous = max(3, len(ops_of) // 2)
    pairs = {
        pair
        for names in boundaries_of.values()
        if len(names) <= ubiquitous
        for pair in combinations(sorted(names), 2)
    }
    for a, b in sorted(pairs):
        union_a = set().union(*(ents for _, ents in ops_of[a]))
        union_b = set().union(*(ents for _, ents in ops_of[b]))
        shared = {e for e in union_a & union_b if len(boundaries_of[e]) <= ubiquitous}
        if not shared:
            continue
        if all(ents & shared for _, ents in ops_of[a]) and all(
            ents & shared for _, ents in ops_of[b]
        ):
            ev = [
                row_evidence("operation", op, ", ".join(sorted(ents)))
                for op, ents in ops_of[a] + ops_of[b]
            ]
            yield Hit(f"{a}+{b}", ev[:10], {"a": a, "b": b, "shared": ", ".join(sorted(shared))})


@rule(
    "RF-PATTERN-NO-PROBLEM",
    kind=RED_FLAG,
    severity=MEDIUM,
    level="5",
    title="A pattern with no problem to solve",
    message="{name} is adopted {why}. A pattern without a problem is cost without benefit.",
    action="Name the problem from an earlier level that it solves (and link it), or defer it.",
)
def rf_pattern_no_problem(plan: Plan) -> Iterator[Hit]:
    for decision in plan.decisions:
        if decision["status"] != "adopt" or decision["revealed_kind"]:
            continue
        if not decision["problem"]:
            why = "with no problem recorded and nothing from earlier levels linked"
        elif BEST_PRACTICE_WORDS.search(f"{decision['problem']} {decision['rationale']}"):
            why = "because it is a best practice, not because of a problem in this plan"
        else:
            continue
        subject = decision["pattern"] or "(unnamed)"
        yield Hit(subject, _decision_evidence(decision), {"name": entry_name(subject), "why": why})


@rule(
    "RF-ORGANISATION-BOUNDARY",
    kind=RED_FLAG,
    severity=MEDIUM,
    level="2",
    title="A boundary for code organisation only",
    message="{name} is a boundary only to organise code. Folders and modules organise "
    "code; boundaries are for failure isolation, performance, scaling or security.",
    action="Fold {name} into a boundary with an operational reason, keeping it as a module.",
)
def rf_organisation_boundary(plan: Plan) -> Iterator[Hit]:
    for boundary in plan.boundaries:
        if boundary["reason"] == "organisation":
            name = boundary["name"] or "(unnamed)"
            yield Hit(
                name, [row_evidence("boundary", boundary, "Code organisation only")], {"name": name}
            )
