"""Gaps: what the plan is missing or leaves unanswered."""

from collections.abc import Iterator

from planner.advisor.findings import GAP, HIGH, LOW, MEDIUM, Hit, evidence, rule
from planner.advisor.plan import (
    KEY_CONTEXT,
    Plan,
    decision_evidence,
    row_evidence,
    technique_evidence,
    worked_out,
)
from planner.advisor.words import QUESTION_LABELS, listing
from planner.catalogue_data import BY_SLUG
from planner.levels import CORE_QUESTIONS, LEVELS

REQUIRED_KEYS = {str(lvl.number): lvl.required_keys for lvl in LEVELS}
NEVER_SKIP = {str(lvl.number) for lvl in LEVELS if lvl.never_skip}
CORE_TITLES = {key: title for key, title, _ in CORE_QUESTIONS}

FAILURE_HANDLING_SLUGS = ("circuit-breaker", "retry-backoff", "graceful-degradation")
REALTIME_SLUGS = ("event-driven", "pubsub-fanout", "realtime-subscriptions")
ROWS_OF_LEVEL = {"1": "journey_steps", "3": "operations", "4": "entities"}
ROW_WORDS = {"journey_steps": "journey steps", "operations": "operations", "entities": "entities"}
CONTEXT_WORDS = {"scale": "user scale", "team_size": "team size", "platform": "platform"}


@rule(
    "GAP-CONTEXT-MISSING",
    kind=GAP,
    severity=MEDIUM,
    level="context",
    title="Context incomplete",
    message="The context leaves {missing} blank, so the advisor cannot filter options by them.",
    action="Fill in the context: it drives every recommendation.",
)
def gap_context_missing(plan: Plan) -> Iterator[Hit]:
    missing = [key for key in KEY_CONTEXT if not plan.context[key]]
    if missing:
        ev = [evidence("context", "context", k, "") for k in missing]
        words = [CONTEXT_WORDS.get(k, k) for k in missing]
        yield Hit("context", ev, {"missing": listing(words)})


@rule(
    "GAP-NEVER-SKIP",
    kind=GAP,
    severity=HIGH,
    level="1",
    title="A never-skip level was skipped",
    message="Level {n} is {state}, but it must never be skipped: {why}",
    action="{verb} Level {n} and answer its questions, even briefly.",
)
def gap_never_skip(plan: Plan) -> Iterator[Hit]:
    why = {
        "1": "it maps what the frontend needs and drives everything else.",
        "4": "it decides your schema and prevents consistency disasters.",
    }
    for number in sorted(NEVER_SKIP):
        lvl = plan.levels[number]
        params = {"n": number, "why": why.get(number, "the guide says so.")}
        if lvl.skipped:
            ev = [evidence(number, "level", "status", f"Skipped: {lvl.skip_reason}")]
            params.update(state="skipped", verb="Un-skip")
            yield Hit(f"level-{number}", ev, params, level=number)
        elif plan.level_is_empty(number) and (
            lvl.status == "complete" or plan.has_content_after(number)
        ):
            ev = [evidence(number, "level", "status", "Nothing answered yet")]
            params.update(state="empty while later levels are filled in", verb="Fill in")
            yield Hit(f"level-{number}", ev, params, level=number, severity=MEDIUM)
        elif plan.level_is_empty(number) and plan.context_known:
            ev = [evidence(number, "level", "status", "Not started")]
            params.update(state="not started yet", verb="Start")
            yield Hit(f"level-{number}", ev, params, level=number, severity=LOW)


@rule(
    "GAP-SKIP-NO-REASON",
    kind=GAP,
    severity=LOW,
    level="2",
    title="Skipped without a reason",
    message="Level {n} is skipped without a reason.",
    action="Say why Level {n} does not apply, so reviewers can judge it.",
)
def gap_skip_no_reason(plan: Plan) -> Iterator[Hit]:
    for number, lvl in sorted(plan.levels.items()):
        if lvl.skipped and not lvl.skip_reason:
            ev = [evidence(number, "level", "skip_reason", "")]
            yield Hit(f"level-{number}", ev, {"n": number}, level=number)


@rule(
    "GAP-LEVEL-INCOMPLETE",
    kind=GAP,
    severity=MEDIUM,
    level="1",
    title="Marked complete with answers missing",
    message="Level {n} is marked complete, but {missing}.",
    action="Answer what is missing in Level {n}, or mark it in progress.",
)
def gap_level_incomplete(plan: Plan) -> Iterator[Hit]:
    for number, lvl in sorted(plan.levels.items()):
        if lvl.status != "complete":
            continue
        missing = [key for key in REQUIRED_KEYS.get(number, []) if not lvl.answer(key)]
        ev = [evidence(number, "level", key, "") for key in missing]
        parts = []
        if missing:
            questions = [f"“{QUESTION_LABELS.get((number, k), k)}”" for k in missing]
            verb = "is" if len(missing) == 1 else "are"
            parts.append(f"{listing(questions, limit=3)} {verb} not answered")
        collection = ROW_WORDS.get(ROWS_OF_LEVEL.get(number, ""))
        if collection and not getattr(plan, ROWS_OF_LEVEL[number]):
            parts.append(f"it has no {collection}")
            ev.append(evidence(number, "level", ROWS_OF_LEVEL[number], "none"))
        if parts:
            yield Hit(
                f"level-{number}", ev, {"n": number, "missing": " and ".join(parts)}, level=number
            )


@rule(
    "GAP-BOUNDARY-NO-REASON",
    kind=GAP,
    severity=LOW,
    level="2",
    title="Boundary without an operational reason",
    message="{name} has no operational reason recorded.",
    action="Pick its reason: failure isolation, performance, scaling, security, external "
    "integration — or core.",
    many=(
        "boundaries",
        "{count} boundaries have no operational reason recorded: {names}.",
        "Pick each one's reason, or merge the boundaries that have none.",
    ),
)
def gap_boundary_no_reason(plan: Plan) -> Iterator[Hit]:
    for boundary in plan.boundaries:
        if not boundary["reason"]:
            name = boundary["name"] or "(unnamed)"
            yield Hit(name, [row_evidence("boundary", boundary, "")], {"name": name})


@rule(
    "GAP-OPERATION-NO-BOUNDARY",
    kind=GAP,
    severity=MEDIUM,
    level="3",
    title="Operation without a boundary",
    message="{what}",
    action="{action}",
    many=(
        "operations",
        "{count} operations belong to no boundary of the plan: {names}.",
        "Give each the boundary whose data and failure mode it shares.",
    ),
)
def gap_operation_no_boundary(plan: Plan) -> Iterator[Hit]:
    known = {b["name"] for b in plan.boundaries if b["name"]}
    if known:
        for op in plan.operations:
            name = op["name"] or "(unnamed)"
            if not op["boundary"]:
                what = f"{name} belongs to no boundary."
                action = "Give it the boundary whose data and failure mode it shares."
            elif op["boundary"] not in known:
                what = f"{name} names the boundary {op['boundary']}, which does not exist."
                action = "Pick one of the plan's boundaries, or add the missing one in Level 2."
            else:
                continue
            yield Hit(
                name,
                [row_evidence("operation", op, op["boundary"])],
                {"what": what, "action": action},
            )
    elif plan.operations and plan.levels["2"].status in {"in_progress", "complete"}:
        yield Hit(
            "level-2",
            [evidence("2", "level", "status", plan.levels["2"].status)],
            {
                "what": "Level 2 is not skipped, yet the plan has no boundaries for its "
                f"{len(plan.operations)} operations.",
                "action": "Add the one core boundary (most plans need no more), or skip "
                "Level 2 with a reason.",
            },
            severity=LOW,
        )


@rule(
    "GAP-ENTITY-NO-SOURCE",
    kind=GAP,
    severity=HIGH,
    level="4",
    title="Entity without a source of truth",
    message="{name} has no single source of truth. When copies disagree, nobody knows "
    "which one wins.",
    action="Name the one store whose copy of {name} is authoritative.",
    many=(
        "entities",
        "{count} entities have no single source of truth: {names}.",
        "Name the one store whose copy of each is authoritative.",
    ),
)
def gap_entity_no_source(plan: Plan) -> Iterator[Hit]:
    for entity in plan.entities:
        if not entity["source_of_truth"]:
            name = entity["name"] or "(unnamed)"
            yield Hit(name, [row_evidence("entity", entity, "")], {"name": name})


@rule(
    "GAP-RELATIONSHIP-NO-SYNC",
    kind=GAP,
    severity=MEDIUM,
    level="4",
    title="Relationship without a sync story",
    message="{name}: nothing says how the two sides stay in sync when one changes.",
    action="Say how: same transaction, a follow-up job, an event or a periodic repair.",
    many=(
        "relationships",
        "{count} relationships say nothing about how their two sides stay in sync: {names}.",
        "Say how for each: same transaction, a follow-up job, an event or a periodic repair.",
    ),
)
def gap_relationship_no_sync(plan: Plan) -> Iterator[Hit]:
    for rel in plan.relationships:
        if not rel["sync"]:
            yield Hit(rel["name"], [row_evidence("relationship", rel, "")], {"name": rel["name"]})


@rule(
    "GAP-RELATIONSHIP-NO-FAILURE",
    kind=GAP,
    severity=MEDIUM,
    level="4",
    title="Relationship without a partial-failure story",
    message="{name}: nothing says what happens when an update fails partway.",
    action="Say what is rolled back, retried or compensated, and what the user sees.",
    many=(
        "relationships",
        "{count} relationships say nothing about what happens when an update fails "
        "partway: {names}.",
        "Say for each what is rolled back, retried or compensated, and what the user sees.",
    ),
)
def gap_relationship_no_failure(plan: Plan) -> Iterator[Hit]:
    for rel in plan.relationships:
        if not rel["failure"]:
            yield Hit(rel["name"], [row_evidence("relationship", rel, "")], {"name": rel["name"]})


@rule(
    "GAP-DANGLING-NAME",
    kind=GAP,
    severity=LOW,
    level="4",
    title="A reference to something that does not exist",
    message="{what}",
    action="Fix the name or add the missing row.",
    many=(
        "references",
        "{count} references name rows that do not exist: {names}.",
        "Fix the names or add the missing rows.",
    ),
)
def gap_dangling_name(plan: Plan) -> Iterator[Hit]:
    entity_names = {e["name"] for e in plan.entities if e["name"]}
    for rel in plan.relationships:
        for side in ("source", "target"):
            if rel[side] not in entity_names:
                what = f"{rel['name']}: the {side} entity “{rel[side]}” does not exist."
                ev = [row_evidence("relationship", rel, rel[side])]
                yield Hit(f"{rel['name']}:{side}", ev, {"what": what})
    for op in plan.operations:
        for name in op["entities"]:
            if name not in entity_names:
                what = f"{op['name'] or '(unnamed)'} touches “{name}”, which is not an entity."
                ev = [row_evidence("operation", op, name)]
                yield Hit(f"{op['name']}:{name}", ev, {"what": what}, level="3")
    known_slugs = set(BY_SLUG) | plan.custom_slugs
    for decision in plan.decisions:
        if decision["pattern"] not in known_slugs:
            what = f"The decision on “{decision['pattern']}” names no catalogue entry."
            yield Hit(
                f"pattern:{decision['pattern']}",
                [row_evidence("decision", decision, decision["pattern"])],
                {"what": what},
                level="5",
            )


@rule(
    "GAP-EXTERNAL-NO-FAILURE",
    kind=GAP,
    severity=HIGH,
    level="1",
    title="External service without failure handling",
    message="{name} is an external service, but the plan says nothing about what happens "
    "when it is slow or down.",
    # The story (what the user sees); REC-CIRCUIT-BREAKER asks for the mechanism.
    action="Say in Level 1 what happens when {name} fails: the user waits, the work is "
    "retried later, or the feature carries on without it.",
    many=(
        "services",
        "{count} external services have nothing in the plan about what happens when they "
        "are slow or down: {names}.",
        "Say in Level 1 what happens when each one fails: the user waits, the work is "
        "retried later, or the feature carries on without it.",
    ),
)
def gap_external_no_failure(plan: Plan) -> Iterator[Hit]:
    for name, where in plan.services:
        yield Hit(name.lower(), [where], {"name": name}, addressed_by=failure_story(plan, name))


def failure_story(plan: Plan, service: str) -> list:
    """What says how the plan copes when `service` is slow or down: a failure-handling
    decision or technique that names it (or names no service at all: a plan-wide
    policy), or a sentence of an answer that names the service and how its failures
    are handled (an answer to a question about external services may speak for all)."""
    wanted = service.lower()
    policies = worked_out(plan, "failure_policies", failure_policies)
    found = [ev for ev, named in policies if wanted in named or not named]
    said = plan.failure_answers
    for ev in said.get(wanted, [])[:ADDRESSED_SHOWN] + said.get("", [])[:ADDRESSED_SHOWN]:
        if ev not in found:
            found.append(ev)
    return found


def failure_policies(plan: Plan) -> list[tuple[dict, set[str]]]:
    """The adopted failure-handling decisions and the techniques in use, each with the
    services its text names."""
    found = [
        (decision_evidence(d), plan.services_in(f"{d['problem']} {d['rationale']}"))
        for d in plan.adopted(*FAILURE_HANDLING_SLUGS)
    ]
    found += [
        (technique_evidence(t), plan.services_in(t["notes"]))
        for t in plan.technique_used(*FAILURE_HANDLING_SLUGS)
    ]
    return found


ADDRESSED_SHOWN = 5  # what addressed a finding: the first few answers are enough


@rule(
    "GAP-REALTIME-NO-MECHANISM",
    kind=GAP,
    severity=MEDIUM,
    level="3",
    title="Real-time need without a mechanism",
    message="Real-time updates are needed, but no operation is a real-time subscription "
    "and no pub/sub or event decision delivers them.",
    action="Add the real-time subscription operations in Level 3 (or adopt pub/sub in Level 5).",
)
def gap_realtime_no_mechanism(plan: Plan) -> Iterator[Hit]:
    if plan.baas:
        return  # its queries are reactive: the platform is the mechanism
    ev = [plan.ctx("realtime")] if plan.needs("realtime") else []
    ev += [
        row_evidence("journey_step", s, "Real-time push")
        for s in plan.journey_steps
        if s["updates"] == "realtime"
    ]
    if not ev:
        return
    if any(op["category"] == "realtime" for op in plan.operations):
        return
    if plan.adopted(*REALTIME_SLUGS):
        return
    yield Hit("realtime", ev[:10])


@rule(
    "GAP-OFFLINE-NO-SYNC",
    kind=GAP,
    severity=MEDIUM,
    level="1",
    title="Offline need without a sync story",
    message="The app must work offline, but the plan has no offline-sync decision and "
    "does not say how changes made offline are synchronised.",
    action="Answer the offline question in Level 1 and decide on offline sync in Level 5, "
    "with a conflict rule per entity in Level 4.",
)
def gap_offline_no_sync(plan: Plan) -> Iterator[Hit]:
    ev = [plan.ctx("offline")] if plan.needs("offline") else []
    ev += [
        row_evidence("journey_step", s, "works offline") for s in plan.journey_steps if s["offline"]
    ]
    if not ev:
        return
    done = plan.acted_on("offline-sync", considered=False)
    if plan.levels["1"].answer("offline_sync"):
        done.append(evidence("1", "level", "offline_sync", plan.levels["1"].answer("offline_sync")))
    merged = [e for e in plan.entities if e["concurrency"] == "merge"]
    done += [row_evidence("entity", e, "Merge / conflict resolution") for e in merged[:3]]
    yield Hit("offline", ev[:10], addressed_by=done)


@rule(
    "GAP-CORE-QUESTION",
    kind=GAP,
    severity=MEDIUM,
    level="core",
    title="Core question unanswered",
    message="The core question “{title}” is not answered.",
    action="Answer it for this plan and name the levels that address it.",
)
def gap_core_question(plan: Plan) -> Iterator[Hit]:
    for key, title in CORE_TITLES.items():
        answer = plan.core_questions.get(key, {}).get("answer", "")
        done = [evidence("core", "core_question", key, answer)] if answer else []
        ev = [evidence("core", "core_question", key, "")]
        yield Hit(key, ev, {"title": title}, addressed_by=done)
