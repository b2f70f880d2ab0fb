"""The rest of the guide's advice, read from the plan's own rows.

Integrations isolated behind one boundary, realtime work apart from batch work,
no slow call while the user waits, writes that stay inside one boundary, a
concurrency strategy per entity, resilience, payment safety, encryption, patterns
the context rules out, and the Level 6 techniques the plan's facts call for.
Each judges a service, operation, entity or boundary by its own rows.
"""

import re
from collections.abc import Iterator

from planner.advisor.findings import (
    ELIMINATION,
    GAP,
    HIGH,
    INFO,
    LOW,
    MEDIUM,
    RECOMMENDATION,
    RED_FLAG,
    RULES,
    Hit,
    rule,
)
from planner.advisor.plan import (
    LABELS,
    Clusters,
    Plan,
    decision_evidence,
    joined_subject,
    row_evidence,
    technique_evidence,
)
from planner.advisor.rules.gaps import ADDRESSED_SHOWN, FAILURE_HANDLING_SLUGS, failure_story
from planner.advisor.rules.red_flags import PERFORMANCE_WORDS
from planner.advisor.rules.skips import may_skip
from planner.advisor.words import be, listing, plural, tool_note, verb
from planner.catalogue_data import BY_SLUG

READS = {"query", "realtime"}
BATCH_CATEGORIES = {"background", "maintenance"}
PAYMENT_WORDS = re.compile(
    r"\b(stripe|paypal|adyen|braintree|square|mollie|klarna|razorpay|paddle|payments?|"
    r"checkout|billing)\b",
    re.IGNORECASE,
)
LIST_WORDS = re.compile(
    r"\b(list|lists|listing|search|browse|feed|history|inbox|index|recent|timeline|all|"
    r"paginated?|filter|overview|dashboard|catalogue|catalog|results|reports?)\b|"
    r"\b(get|load|fetch|show|view)\s+\w+s\b",
    re.IGNORECASE,
)
BATCH_WORDS = re.compile(
    r"\b(bulk|batch|batches|import|export|sync|digest|cleanup|clean up|backfill|nightly|"
    r"daily|weekly|reindex|recalculate|migrate|fan.?out|send all|notify all)\b",
    re.IGNORECASE,
)
SLOW_LATENCIES = {"seconds", "deferred"}
CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|[_.]")


def spaced(name: str) -> str:
    """Names as words: "listTimeEntries" and "list_time_entries" read "list Time Entries"."""
    return CAMEL_HUMP.sub(" ", name)


# Ruled-out entries that have a red flag of their own when adopted anyway.
OWN_RED_FLAG = {"microservices", "multi-region"}


def _boundaries_in_play(plan: Plan) -> bool:
    """Level 2 advice applies: the plan has boundaries and the level is not skippable."""
    return bool(plan.boundaries) and not may_skip(plan, "2")


@rule(
    "REC-ISOLATE-INTEGRATIONS",
    kind=RECOMMENDATION,
    severity=LOW,
    level="2",
    title="Isolate each external integration",
    message="{name} {where}. One module or boundary that owns the integration keeps its "
    "failures, retries and credentials in one place.",
    action="Give {name} one boundary with the reason “external integration” and call it "
    "only through that boundary's operations.",
    many=(
        "services",
        "{count} external services are not isolated behind one boundary each: {names}.",
        "Give each integration one boundary with the reason “external integration”.",
    ),
)
def rec_isolate_integrations(plan: Plan) -> Iterator[Hit]:
    if not _boundaries_in_play(plan):
        return
    owners: dict[str, list[dict]] = {}  # service -> the integration boundaries naming it
    for b in plan.boundaries:
        if b["reason"] == "external":
            for service in plan.services_in(f"{b['name']} {b['responsibility']}"):
                owners.setdefault(service, []).append(b)
    for name, where in plan.services:
        own = owners.get(name.lower(), [])
        own_names = {b["name"] for b in own}
        callers = plan.callers(name)
        outside = sorted({op["boundary"] or "(no boundary)" for op in callers} - own_names)
        ev = [where] + [row_evidence("operation", op, op["boundary"]) for op in callers[:5]]
        if own and not outside:
            done = [row_evidence("boundary", b, "External integration") for b in own]
            said = "has a boundary of its own"
            yield Hit(name.lower(), ev, {"name": name, "where": said}, addressed_by=done)
        elif own:
            count = plural(len(outside), "boundary", "boundaries")
            said = f"has a boundary of its own but is also called from {count}: {listing(outside)}"
            yield Hit(name.lower(), ev, {"name": name, "where": said})
        else:
            yield Hit(name.lower(), ev, {"name": name, "where": "has no boundary of its own"})


@rule(
    "REC-SEPARATE-REALTIME-BATCH",
    kind=RECOMMENDATION,
    severity=LOW,
    level="2",
    title="Keep realtime work apart from batch work",
    message="{name} holds both real-time operations ({live}) and background or batch work "
    "({batch}). A heavy batch run then slows the live screens.",
    action="Move the background work to a boundary of its own (reason: different "
    "performance needs), or run it on separate workers.",
    many=(
        "boundaries",
        "{count} boundaries mix real-time operations with background work: {names}.",
        "Move the background work to boundaries (or workers) of its own.",
    ),
)
def rec_separate_realtime_batch(plan: Plan) -> Iterator[Hit]:
    if not _boundaries_in_play(plan):
        return
    live: dict[str, list[dict]] = {}
    batch: dict[str, list[dict]] = {}
    for op in plan.operations:
        if op["boundary"] and op["category"] == "realtime":
            live.setdefault(op["boundary"], []).append(op)
        elif op["boundary"] and op["category"] in BATCH_CATEGORIES:
            batch.setdefault(op["boundary"], []).append(op)
    for name in sorted(set(live) & set(batch)):
        ops = live[name][:3] + batch[name][:3]
        ev = [row_evidence("operation", op, op["category"]) for op in ops]
        yield Hit(
            name,
            ev,
            {
                "name": name,
                "live": listing([op["name"] for op in live[name]], 3),
                "batch": listing([op["name"] for op in batch[name]], 3),
            },
        )


@rule(
    "RF-SLOW-CALL-IN-IMMEDIATE",
    kind=RED_FLAG,
    severity=MEDIUM,
    level="3",
    title="A slow call while the user waits",
    message="{what} while the user waits ({where}). When it is slow or down, so is the screen.",
    action="Move it to a background job{jobs} and show the result when it arrives, or "
    "give the call a short timeout and a fallback.",
    many=(
        "calls",
        "{count} external services or slow jobs run while the user waits: {names}.",
        "Move them to background jobs and show results when they arrive, or give each "
        "call a short timeout and a fallback.",
    ),
)
def rf_slow_call_in_immediate(plan: Plan) -> Iterator[Hit]:
    jobs = tool_note(plan.context["platform"], "jobs")
    immediate = [op for op in plan.operations if op["category"] == "immediate"]
    fast_steps: dict[str, list[dict]] = {}  # service -> the fast steps that name it
    for step in plan.journey_steps:
        if step["timing"] == "fast" and step["external_services"]:
            for name in plan.services_in(step["external_services"]):
                fast_steps.setdefault(name, []).append(step)
    reported: set[str] = set()  # operations already named for a service they call
    for name, _ in plan.services:
        ops = [
            op
            for op in plan.callers(name)
            if op["category"] == "immediate" and not called_by(op, name)
        ]
        reported.update(op["name"] for op in ops)
        steps = fast_steps.get(name.lower(), [])
        if not ops and not steps:
            continue
        ev = [row_evidence("operation", op, "Immediate user operation") for op in ops[:5]]
        ev += [row_evidence("journey_step", s, s["external_services"]) for s in steps[:5]]
        where = listing([op["name"] for op in ops] + [s["name"] for s in steps], 3)
        params = {"what": f"{name} is called", "where": where, "jobs": jobs, "label": name}
        done = failure_story(plan, name)
        yield Hit(name.lower(), ev, params, addressed_by=done)
    slow = [
        op for op in immediate if op["latency"] in SLOW_LATENCIES and op["name"] not in reported
    ]
    if slow:
        ev = [row_evidence("operation", op, LABELS_LATENCY.get(op["latency"], "")) for op in slow]
        verb = "takes" if len(slow) == 1 else "take"
        what = f"{plural(len(slow), 'immediate operation')} {verb} seconds or more"
        params = {
            "what": what,
            "where": listing([op["name"] for op in slow], 3),
            "jobs": jobs,
            "label": "slow immediate operations",
        }
        yield Hit("slow-work", ev[:10], params)


LABELS_LATENCY = {"seconds": "Seconds", "deferred": "Minutes or later"}
INBOUND_WORDS = re.compile(r"\b(webhooks?|callbacks?)\b", re.IGNORECASE)
SENDING_VERBS = r"(forwards|sends|posts|pushes|delivers|notifies|reports|calls)"


def called_by(op: dict, service: str) -> bool:
    """The service calls the operation rather than the other way round: its trigger is
    a webhook or callback, or the service is its subject ("AWS IoT Core forwards a
    reading")."""
    trigger = op["trigger"]
    if INBOUND_WORDS.search(trigger):
        return True
    sender = rf"^\s*(the\s+)?{re.escape(service)}\s+{SENDING_VERBS}\b"
    return re.match(sender, trigger, re.IGNORECASE) is not None


@rule(
    "RF-CROSS-BOUNDARY-WRITE",
    kind=RED_FLAG,
    severity=MEDIUM,
    level="4",
    title="One operation writes data owned by several boundaries",
    message="{ops} {verb} entities owned by {boundaries} ({entities}). Data updated "
    "together belongs in one boundary.",
    action="Move these entities into one boundary, or split the operation so each part "
    "writes one boundary's data and the rest follows as a background job.",
    many=(
        "clusters",
        "{count} groups of boundaries are written together by one operation: {names}.",
        "Move the entities written together into one boundary, or split those operations.",
    ),
)
def rf_cross_boundary_write(plan: Plan) -> Iterator[Hit]:
    """One finding per cluster of boundaries that immediate operations write across.

    Only immediate operations count: the plan does not say which touched entities an
    operation reads, and a background job reading one boundary's data to write its own
    is the very split this finding suggests."""
    owner = {e["name"]: e["boundary"] for e in plan.entities if e["name"] and e["boundary"]}
    writers: list[tuple[dict, list[str]]] = []
    groups = Clusters()
    for op in plan.operations:
        if op["category"] != "immediate":
            continue
        owners = sorted({owner[e] for e in op["entities"] if e in owner})
        if len(owners) > 1:
            writers.append((op, owners))
            groups.join(owners)
    clusters: dict[str, list[tuple[dict, list[str]]]] = {}
    for op, owners in writers:
        clusters.setdefault(groups.root(owners[0]), []).append((op, owners))
    for members in clusters.values():
        boundaries = sorted({b for _, owners in members for b in owners})
        ops = [op for op, _ in members]
        entities = sorted({e for op in ops for e in op["entities"] if e in owner})
        ev = [row_evidence("operation", op, ", ".join(op["entities"])) for op in ops[:5]]
        ev += [row_evidence("entity", {"name": e}, owner[e]) for e in entities[:5]]
        yield Hit(
            joined_subject(boundaries),
            ev,
            {
                "ops": listing([op["name"] for op in ops], 3),
                "verb": verb(ops, "write"),
                "boundaries": listing(boundaries, 4),
                "entities": listing(entities, 4),
                "label": listing(boundaries, 3),
            },
        )


@rule(
    "GAP-ENTITY-NO-CONCURRENCY",
    kind=GAP,
    severity=LOW,
    level="4",
    title="Entity without a concurrency strategy",
    message="{name} has no concurrency strategy: nothing says what happens when two "
    "people change it at once.",
    action="Pick one: single writer, last write wins, optimistic (version check), row "
    "locks, append-only or merge.",
    many=(
        "entities",
        "{count} entities have no concurrency strategy: {names}.",
        "Pick one for each: single writer, last write wins, optimistic, row locks, "
        "append-only or merge.",
    ),
)
def gap_entity_no_concurrency(plan: Plan) -> Iterator[Hit]:
    for entity in plan.entities:
        if entity["name"] and not entity["concurrency"]:
            yield Hit(
                entity["name"], [row_evidence("entity", entity, "")], {"name": entity["name"]}
            )


# --- Level 5: resilience, payments, encryption, what the context rules out -----------------


@rule(
    "REC-CIRCUIT-BREAKER",
    kind=RECOMMENDATION,
    severity=LOW,
    level="5",
    title="Protect the plan from flaky external services",
    message="{names} can be slow or down, and no {what} covers {them}.",
    action="{action}",
)
def rec_circuit_breaker(plan: Plan) -> Iterator[Hit]:
    services = [(name, where) for name, where in plan.services]
    if not services:
        return
    used = plan.adopted(*FAILURE_HANDLING_SLUGS) + plan.technique_used(*FAILURE_HANDLING_SLUGS)
    named = [plan.services_in(row_text(row)) for row in used]  # none named: every service
    # An answer that already says "retried with backoff" or "times out" is the mechanism.
    said = {
        name: answers
        for name, answers in plan.failure_answers.items()
        if any(MECHANISM_WORDS.search(ev["text"]) for ev in answers)
    }
    plan_wide = any(not names for names in named) or "" in said
    covered = (set().union(*named) if named else set()) | set(said)
    open_names = [name for name, _ in services if not plan_wide and name.lower() not in covered]
    small = plan.small_team or plan.small_scale
    what = "timeout with retry" if small else "circuit breaker or timeout-and-retry"
    action = (
        "Plan retry with exponential backoff and a timeout in Level 6 for these calls."
        if small
        else "Adopt circuit breakers in Level 5 for the busy request paths, and retry with "
        "backoff in Level 6 for background calls."
    )
    stakes = plan.context["sensitivity"] == "payments" or plan.context["ai"] == "core"
    ev = [where for name, where in services if name in open_names][:5]
    ev = ev or [plan.all_services_evidence()]
    done = [] if open_names else plan.acted_on(*FAILURE_HANDLING_SLUGS, considered=False)
    if not open_names and not done:
        done = [ev for answers in said.values() for ev in answers][:ADDRESSED_SHOWN]
    shown = open_names or [name for name, _ in services]
    yield Hit(
        "circuit-breaker",
        ev,
        {
            "names": listing(shown),
            "what": what,
            "them": "it" if len(shown) == 1 else "them",
            "action": action,
        },
        level="6" if small else None,
        severity=MEDIUM if stakes else None,
        addressed_by=done,
    )


MECHANISM_WORDS = re.compile(
    r"\b(time ?outs?|timed out|times out|retr(y|ies|ied)|circuit|backoff)\b", re.IGNORECASE
)


def row_text(row: dict) -> str:
    return " ".join(str(row.get(k, "")) for k in ("problem", "rationale", "notes"))


@rule(
    "REC-PAYMENT-SAFETY",
    kind=RECOMMENDATION,
    severity=MEDIUM,
    level="5",
    title="Make payment flows safe to retry",
    message="The plan takes payments, but {missing} {verb} not planned. A retried payment "
    "request must never charge twice, and a payment must never be recorded half-way.",
    action="Plan idempotency keys (Level 6), adopt database transactions{transactions} and "
    "a transactional outbox (Level 5) for the payment flow.",
)
def rec_payment_safety(plan: Plan) -> Iterator[Hit]:
    ev = [plan.ctx("sensitivity")] if plan.context["sensitivity"] == "payments" else []
    ev += [where for name, where in plan.services if PAYMENT_WORDS.search(name)]
    if not ev:
        return
    needs = {
        "idempotency keys": plan.acted_on("idempotency-keys"),
        "database transactions": plan.acted_on("database-transactions"),
        "a transactional outbox": plan.acted_on("transactional-outbox"),
    }
    missing = [what for what, done in needs.items() if not done]
    done = [] if missing else [item for found in needs.values() for item in found]
    params = {
        "missing": listing(missing or list(needs)),
        "verb": "is" if len(missing) == 1 else "are",
        "transactions": tool_note(plan.context["platform"], "transactions"),
    }
    yield Hit("idempotency-keys", ev[:5], params, addressed_by=done)


@rule(
    "REC-ENCRYPT-PII",
    kind=RECOMMENDATION,
    severity=LOW,
    level="6",
    title="Encrypt personal and health data",
    message="The plan stores {sensitivity}: encrypt it at rest and in transit.",
    action="Plan encryption at rest and in transit in Level 6, and keep the data out of logs.",
)
def rec_encrypt_pii(plan: Plan) -> Iterator[Hit]:
    if plan.context["sensitivity"] not in {"pii", "health"}:
        return
    sensitivity = LABELS["sensitivity"][plan.context["sensitivity"]]
    sensitivity = "personal data (PII)" if plan.context["sensitivity"] == "pii" else "health data"
    # Planned, or the platform encrypts at rest and in transit.
    done = plan.acted_on("encryption", considered=False) or plan.built_in("encryption")
    yield Hit(
        "encryption", [plan.ctx("sensitivity")], {"sensitivity": sensitivity}, addressed_by=done
    )


@rule(
    "RF-PATTERN-RULED-OUT",
    kind=RED_FLAG,
    severity=MEDIUM,
    level="5",
    title="A ruled-out pattern adopted anyway",
    message="{name} {be} adopted although this context rules it out: {why}",
    action="Reject or defer {name}, or record the measured problem that forces it and "
    "link the row that shows it.",
)
def rf_pattern_ruled_out(plan: Plan) -> Iterator[Hit]:
    for elimination in (r for r in RULES.values() if r.kind == ELIMINATION):
        for hit in elimination.check(plan):
            slug = hit.subject
            adopted = plan.adopted(slug) + plan.technique_used(slug)
            if not adopted or slug in OWN_RED_FLAG or _flagged_elsewhere(plan, slug):
                continue
            row = adopted[0]
            linked = bool(row.get("revealed_kind"))
            severity = MEDIUM
            if BY_SLUG.get(slug, {}).get("complexity") == "high" and not linked:
                severity = HIGH
            elif linked:
                severity = LOW
            why = elimination.message.format(subject=slug, **hit.params).split(": ", 1)[-1]
            from_row = [decision_evidence(row) if "pattern" in row else technique_evidence(row)]
            yield Hit(
                slug,
                hit.evidence + from_row,
                {"name": plan.entry_name(slug), "be": be(plan.entry_name(slug)), "why": why},
                severity=severity,
            )


def _flagged_elsewhere(plan: Plan, slug: str) -> bool:
    """A red flag of its own already says it: caching with no performance problem, an
    elaborate auth service for data that is not sensitive."""
    if slug == "caching":
        return not any(
            PERFORMANCE_WORDS.search(row_text(d)) or d["revealed_kind"] for d in plan.adopted(slug)
        )
    return slug == "custom-auth-service" and plan.context["sensitivity"] == "none"


# --- Level 6: techniques the plan's facts call for -------------------------------------------


@rule(
    "REC-LIST-QUERIES",
    kind=RECOMMENDATION,
    severity=INFO,
    level="6",
    title="Indexes and no N+1 for list queries",
    message="{ops} {verb} data. Lists grow: index what they filter and sort by, and load "
    "related rows in one query instead of one per item (N+1).",
    action="Plan query optimisation in Level 6: indexes for these queries and eager "
    "loading of their related data.",
)
def rec_list_queries(plan: Plan) -> Iterator[Hit]:
    lists = [
        op
        for op in plan.operations
        if op["category"] == "query" and LIST_WORDS.search(spaced(op["name"]))
    ]
    if lists:
        ev = [row_evidence("operation", op, "Data retrieval query") for op in lists[:10]]
        done = plan.acted_on("query-optimization", "lazy-loading")
        yield Hit(
            "query-optimization",
            ev,
            {"ops": listing([op["name"] for op in lists], 3), "verb": verb(lists, "list")},
            addressed_by=done,
        )


@rule(
    "REC-BATCH-OPERATIONS",
    kind=RECOMMENDATION,
    severity=INFO,
    level="6",
    title="Batch operations for bulk work",
    message="{ops} {verb} many rows at once. One statement per row makes bulk work slow "
    "and hard to retry.",
    action="Plan batch operations in Level 6: bulk inserts and updates in chunks, each "
    "chunk safe to retry.",
)
def rec_batch_operations(plan: Plan) -> Iterator[Hit]:
    bulk = [
        op
        for op in plan.operations
        if BATCH_WORDS.search(f"{spaced(op['name'])} {op['trigger']}")
        and op["category"] in BATCH_CATEGORIES | {"immediate"}
    ]
    if bulk:
        ev = [row_evidence("operation", op, op["trigger"] or op["category"]) for op in bulk[:10]]
        params = {
            "ops": listing([op["name"] for op in bulk], 3),
            "verb": verb(bulk, "handle"),
        }
        yield Hit("batch-operations", ev, params, addressed_by=plan.acted_on("batch-operations"))


@rule(
    "REC-OBSERVABILITY",
    kind=RECOMMENDATION,
    severity=LOW,
    level="6",
    title="Logging, monitoring and health checks",
    message="{why}: plan structured logs, monitoring of errors and latency, and a health "
    "check, so you learn about a failure before your users tell you.",
    action="Plan logging and monitoring in Level 6, with alerts on errors and a health "
    "check endpoint.",
)
def rec_observability(plan: Plan) -> Iterator[Hit]:
    ev = []
    reasons = []
    if plan.context["stage"] in {"production", "scaling"}:
        ev.append(plan.ctx("stage"))
        reasons.append("The product is live")
    if plan.services:
        ev.append(plan.all_services_evidence())
        count = plural(len(plan.services), "external service")
        reasons.append(f"{'it' if reasons else 'The plan'} depends on {count}")
    if ev:
        yield Hit("logging-monitoring", ev, {"why": " and ".join(reasons)})
