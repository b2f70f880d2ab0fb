"""The guide's overengineering red flags, detected from the answers."""

import re
from collections.abc import Iterator

from planner.advisor.findings import HIGH, MEDIUM, RED_FLAG, Hit, evidence, rule
from planner.advisor.plan import (
    LABELS,
    Clusters,
    Plan,
    decision_evidence,
    joined_subject,
    lower_first,
    mentions,
    row_evidence,
)
from planner.advisor.words import be, listing
from planner.catalogue_data import BY_SLUG

# How many boundaries a team of this size can reasonably own and run.
BOUNDARY_BUDGET = {"solo": 2, "2-5": 3, "6-20": 6, "20+": 12}
SMALL_SCALE_BUDGET = 3

# Whole words only: "photos" holds "hot", "Uploaded" holds "load".
PERFORMANCE_WORDS = re.compile(
    r"\b(slow(er|ly|s)?|latency|latencies|(high|heavy|peak) load|under load|load (test|time)s?|"
    r"performance|\d+ ?(ms|s|seconds?|milliseconds?)|expensive|hot (path|spot|key|query)s?|"
    r"read.heavy|traffic|throughput|bottlenecks?|time ?outs?|p9[59]|cpu|"
    r"saturat\w*|profil(ed|ing|er)|measured|measurements?)\b",
    re.IGNORECASE,
)
BEST_PRACTICE_WORDS = re.compile(
    r"best practi|industry standard|everyone uses|just in case|future.?proof|might need|"
    r"\bin case we\b|\bone day\b|\bsomeday\b",
    re.IGNORECASE,
)
# A principle rather than a problem ("services should not call each other"): a red flag
# for the heavy patterns when it names nothing in the plan.
PRINCIPLE_WORDS = re.compile(
    r"\bshould(n't| not| never)\b|\bmust(n't| not| never)\b|\bdecoupl\w*|"
    r"\bloose(ly)? coupl\w*|\bclean architecture\b|\bmodern\b|\bscalab(le|ility)\b",
    re.IGNORECASE,
)
# Adopted to learn it: a fair reason for a hobby project, but not a problem of the plan.
LEARNING_WORDS = re.compile(
    r"\b(to learn|learn(ing)? (how|about)|i want to learn|for learning|to try( out)?|"
    r"to play with|to experiment|for fun|for my (cv|resume|résumé|portfolio)|curious)\b",
    re.IGNORECASE,
)
AFFIRMATIVE = re.compile(r"^\s*(yes|yep|separate|we will separate|a separate)\b", re.IGNORECASE)
AUTH_WORDS = re.compile(r"\b(auth\w*|identity|login|iam|sso|permissions?)\b", re.IGNORECASE)

TEAM_WORDS = {"solo": "a solo developer", "20+": "more than 20 engineers"}
STAGE_WORDS = {
    "prototype": "the prototype stage",
    "mvp": "the MVP stage",
    "production": "the production stage",
    "scaling": "the scaling stage",
}
CACHING_SLUGS = ("caching", "cdn-edge-caching")
FAR_SCALE_SLUGS = ("multi-region", "sharding", "read-replicas")
ELABORATE_AUTH_SLUGS = ("custom-auth-service",)
READ_CATEGORIES = {"query", "realtime"}


def _decision_evidence(decision: dict) -> list:
    return [decision_evidence(decision)]


@rule(
    "RF-TOO-MANY-BOUNDARIES",
    kind=RED_FLAG,
    severity=MEDIUM,
    level="2",
    title="More boundaries than the team and scale warrant",
    message="{count} boundaries besides external integrations is more than {why} can "
    "deploy, monitor and keep consistent with each other.",
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
    team = {"solo": "a solo developer", "2-5": "a team of 2 – 5 engineers"}
    team.update({"6-20": "a team of 6 – 20 engineers", "20+": "a team of more than 20"})
    why = team.get(plan.context["team_size"], "this team")
    if plan.small_scale:
        why += " serving fewer than 1,000 users"
    evidence_rows = [plan.ctx(k) for k in ("team_size", "scale") if plan.context[k]]
    evidence_rows += [row_evidence("boundary", b, b["reason"] or "") for b in counted[:10]]
    yield Hit(
        "boundaries",
        evidence_rows,
        {"count": count, "budget": budget, "why": why},
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
            TEAM_WORDS.get(plan.context[k]) or lower_first(LABELS[k].get(plan.context[k], ""))
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
    message="{name} {be} adopted, but no performance problem is recorded for it. Caching "
    "before measuring adds invalidation bugs for speed nobody asked for.",
    action="Name the slow path it fixes (link the operation and its latency), or defer it "
    "until a measurement shows the need.",
)
def rf_caching_no_problem(plan: Plan) -> Iterator[Hit]:
    reads = {op["name"] for op in plan.operations if op["category"] in READ_CATEGORIES}
    for decision in plan.adopted(*CACHING_SLUGS):
        said = f"{decision['problem']} {decision['rationale']}"
        # A cache answers a slow read: a link to a write or to a table proves nothing.
        linked_read = decision["revealed_kind"] == "journey_step" or (
            decision["revealed_kind"] == "operation" and decision["revealed_name"] in reads
        )
        if linked_read or PERFORMANCE_WORDS.search(said):
            continue
        yield Hit(
            decision["pattern"],
            _decision_evidence(decision),
            {
                "name": plan.entry_name(decision["pattern"]),
                "be": be(plan.entry_name(decision["pattern"])),
            },
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
        what.append(plan.entry_name(decision["pattern"]).lower())
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
        name = plan.entry_name(decision["pattern"])
        yield Hit(
            decision["pattern"],
            ctx_ev + _decision_evidence(decision),
            {"what": f"{name} {be(name)} adopted", "stage": stage},
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
    message="{names} are separate boundaries, yet every one of their operations touches "
    "{shared}. Boundaries that always change together should be one.",
    action="Merge them, or move {shared} so that one boundary owns {it}.",
    many=(
        "clusters",
        "{count} groups of separate boundaries always work on the same entities: {names}.",
        "Merge each group, or move the shared entities so that one boundary owns them.",
    ),
)
def rf_separate_but_together(plan: Plan) -> Iterator[Hit]:
    """One finding per cluster: boundaries joined by an entity that every operation of
    each of them touches (its "core" entity), whichever entity it is, and that each of
    them changes in an immediate operation. A boundary that only reads another's data in
    queries, subscriptions or background jobs is the split for different performance
    needs the guide recommends, not one that always works together."""
    # An integration boundary reads core data by design: isolating it is the advice.
    known_boundaries = {
        b["name"] for b in plan.boundaries if b["name"] and b["reason"] != "external"
    }
    known_entities = {e["name"] for e in plan.entities if e["name"]}
    core: dict[str, set[str]] = {}  # boundary -> entities every one of its operations touches
    ops_of: dict[str, list[dict]] = {}
    changed: dict[str, set[str]] = {}  # boundary -> entities its immediate operations touch
    for op in plan.operations:
        if op["boundary"] not in known_boundaries:
            continue
        touched = set(op["entities"]) & known_entities
        ops_of.setdefault(op["boundary"], []).append(op)
        core[op["boundary"]] = core[op["boundary"]] & touched if op["boundary"] in core else touched
        if op["category"] == "immediate":
            changed.setdefault(op["boundary"], set()).update(touched)
    sharing: dict[str, list[str]] = {}  # entity -> boundaries whose core holds it
    for boundary in sorted(core):
        for entity in core[boundary] & changed.get(boundary, set()):
            sharing.setdefault(entity, []).append(boundary)
    groups = Clusters()
    for names in sharing.values():
        groups.join(names)
    root = groups.root
    shared_by: dict[str, list[str]] = {}  # cluster -> the entities that tie it
    for entity, names in sorted(sharing.items()):
        if len(names) > 1:
            shared_by.setdefault(root(names[0]), []).append(entity)
    clusters: dict[str, list[str]] = {}
    for boundary in sorted(core):
        clusters.setdefault(root(boundary), []).append(boundary)
    for members in clusters.values():
        if len(members) < 2:
            continue
        shared = shared_by.get(root(members[0]), [])
        ev = [
            row_evidence("operation", op, ", ".join(op["entities"]))
            for b in members
            for op in ops_of[b][:2]
        ]
        yield Hit(
            joined_subject(members),
            ev[:10],
            {
                "names": listing(members),
                "shared": listing(shared),
                "it": "it" if len(shared) == 1 else "them",
                "label": listing(members, 3),
            },
        )


@rule(
    "RF-PATTERN-NO-PROBLEM",
    kind=RED_FLAG,
    severity=MEDIUM,
    level="5",
    title="A pattern with no problem to solve",
    message="{name} {be} adopted {why}. A pattern without a problem is cost without benefit.",
    action="Name the problem from an earlier level that it solves (and link it), or defer it.",
    many=(
        "patterns",
        "{count} patterns are adopted without a problem from this plan: {names}.",
        "Name the problem each one solves (and link it), or defer them.",
    ),
)
def rf_pattern_no_problem(plan: Plan) -> Iterator[Hit]:
    for decision in plan.decisions:
        if decision["status"] != "adopt" or decision["revealed_kind"]:
            continue
        if not decision["problem"]:
            why = "with no problem recorded and nothing from earlier levels linked"
        elif BEST_PRACTICE_WORDS.search(f"{decision['problem']} {decision['rationale']}"):
            why = "because it is a best practice, not because of a problem in this plan"
        elif LEARNING_WORDS.search(f"{decision['problem']} {decision['rationale']}"):
            why = (
                "to learn it, not for a problem this plan has (fair for a hobby project: "
                "if learning is the point, dismiss this with that reason)"
            )
        elif (
            heavy(decision["pattern"])
            and PRINCIPLE_WORDS.search(decision["problem"])
            and not names_a_row(plan, decision["problem"])
        ):
            why = "for a principle (“{}”), not for a problem this plan has".format(
                decision["problem"][:80]
            )
        else:
            continue
        subject = decision["pattern"] or "(unnamed)"
        name = plan.entry_name(subject)
        params = {"name": name, "be": be(name), "why": why}
        yield Hit(subject, _decision_evidence(decision), params)


def heavy(slug: str) -> bool:
    """An architecture-sized pattern: any but the catalogue's low-complexity ones (a
    team's own entry counts as heavy)."""
    return BY_SLUG.get(slug, {}).get("complexity", "high") != "low"


def names_a_row(plan: Plan, said: str) -> bool:
    """The text names a journey step, operation or entity of the plan, or an external
    service: it points at a problem this plan has."""
    names = [
        r["name"] for kind in (plan.journey_steps, plan.operations, plan.entities) for r in kind
    ]
    names += [name for name, _ in plan.services]
    return any(mentions(said, name) for name in names if len(name) > 2)


@rule(
    "RF-ORGANISATION-BOUNDARY",
    kind=RED_FLAG,
    severity=MEDIUM,
    level="2",
    title="A boundary for code organisation only",
    message="{name} is a boundary only to organise code. Folders and modules organise "
    "code; boundaries are for failure isolation, performance, scaling or security.",
    action="Fold {name} into a boundary with an operational reason, keeping it as a module.",
    many=(
        "boundaries",
        "{count} boundaries exist only to organise code: {names}.",
        "Fold them into boundaries with an operational reason, keeping them as modules.",
    ),
)
def rf_organisation_boundary(plan: Plan) -> Iterator[Hit]:
    for boundary in plan.boundaries:
        if boundary["reason"] == "organisation":
            name = boundary["name"] or "(unnamed)"
            yield Hit(
                name, [row_evidence("boundary", boundary, "Code organisation only")], {"name": name}
            )
