"""The context filter: what the team's context rules out, and what it makes natural.

The guide's point: scale, team size and platform remove most options before
anyone weighs them. Eliminations and recommendations name a catalogue slug as
their subject, so a page can link to the entry.
"""

from collections.abc import Iterator

from planner.advisor.findings import ELIMINATION, INFO, LOW, RECOMMENDATION, Hit, evidence, rule
from planner.advisor.plan import LABELS, Plan, lower_first, row_evidence
from planner.advisor.words import be, tool

# Complex distributed designs: each one is named, so the pickers can mark it ruled out.
DISTRIBUTED = ("saga", "cqrs", "sharding")


def _small_context(plan: Plan) -> bool:
    """Small team or small user base — but not a big team at big scale."""
    if plan.large_scale and plan.large_team:
        return False
    return plan.small_team or plan.small_scale


def _size_evidence(plan: Plan) -> list:
    return [plan.ctx(key) for key in ("scale", "team_size") if plan.context[key]]


# --- Eliminations -------------------------------------------------------------------


@rule(
    "ELIM-MICROSERVICES",
    kind=ELIMINATION,
    severity=INFO,
    level="2",
    title="Microservices ruled out",
    message="Microservices are ruled out: one deployable backend with clear modules gives "
    "the same structure without network failures between your own parts.",
    action="Plan one backend (a modular monolith); split a part out later only for an "
    "operational reason you can name.",
)
def elim_microservices(plan: Plan) -> Iterator[Hit]:
    if _small_context(plan):
        yield Hit("microservices", _size_evidence(plan))


@rule(
    "ELIM-DISTRIBUTED",
    kind=ELIMINATION,
    severity=INFO,
    level="4",
    title="Complex distributed systems ruled out",
    message="{name} {be} ruled out, with the other complex distributed designs (sagas, "
    "CQRS, sharding): keep related data in one database where a transaction covers it.",
    action="Use database transactions for multi-step writes; use a background job where "
    "follow-up work may fail.",
)
def elim_distributed(plan: Plan) -> Iterator[Hit]:
    if _small_context(plan):
        for slug in DISTRIBUTED:
            name = plan.entry_name(slug)
            yield Hit(slug, _size_evidence(plan), {"name": name, "be": be(name)})


@rule(
    "ELIM-ADVANCED-CACHING",
    kind=ELIMINATION,
    severity=INFO,
    level="5",
    title="Advanced caching ruled out",
    message="Caching layers are ruled out: at this scale an indexed query answers fast "
    "enough, and a cache adds stale-data bugs.",
    action="Optimise queries first; add a cache only for a measured hot path.",
)
def elim_caching(plan: Plan) -> Iterator[Hit]:
    if plan.small_scale and not plan.large_team:
        yield Hit("caching", _size_evidence(plan))


@rule(
    "ELIM-ELABORATE-CICD",
    kind=ELIMINATION,
    severity=INFO,
    level="6",
    title="Elaborate CI/CD ruled out",
    message="Multi-stage pipelines with approvals and canaries are ruled out: such "
    "pipelines coordinate many people, and this team has few to coordinate.",
    action="One pipeline step that runs the tests and deploys is enough to start.",
)
def elim_cicd(plan: Plan) -> Iterator[Hit]:
    if plan.solo or (plan.small_team and (plan.small_scale or plan.early_stage)):
        yield Hit("ci-cd-pipeline", _size_evidence(plan))


@rule(
    "ELIM-MULTI-REGION",
    kind=ELIMINATION,
    severity=INFO,
    level="5",
    title="Multi-region deployment ruled out",
    message="Multi-region deployment is ruled out: one region with backups serves this "
    "audience, and replicating data across regions is a project of its own.",
    action="Deploy to one region close to most users and keep tested backups.",
)
def elim_multi_region(plan: Plan) -> Iterator[Hit]:
    rank = plan.scale_rank
    if (rank is not None and rank <= 2) or (plan.early_stage and not plan.large_scale):
        evidence = _size_evidence(plan)
        if plan.early_stage:
            evidence.append(plan.ctx("stage"))
        yield Hit("multi-region", evidence)


@rule(
    "ELIM-COMPLEX-AUTH",
    kind=ELIMINATION,
    severity=INFO,
    level="6",
    title="Complex authentication ruled out",
    message="A custom identity service, SSO federation or a policy engine is ruled out "
    "for {sensitivity}: the platform's standard authentication is safer.",
    action="Use {auth} with an ownership check in every operation.",
)
def elim_complex_auth(plan: Plan) -> Iterator[Hit]:
    if plan.context["sensitivity"] in {"", "none", "pii"} and _small_context(plan):
        evidence = _size_evidence(plan)
        if plan.context["sensitivity"]:
            evidence.append(plan.ctx("sensitivity"))
        sensitivity = LABELS["sensitivity"].get(plan.context["sensitivity"], "low-stakes data")
        sensitivity = (
            "data that is not sensitive" if sensitivity == "Nothing sensitive" else sensitivity
        )
        yield Hit(
            "custom-auth-service",
            evidence,
            {
                "sensitivity": lower_first(sensitivity),
                "auth": tool(plan.context["platform"], "auth"),
            },
        )


# --- Recommendations ------------------------------------------------------------------


@rule(
    "REC-FUNCTION-API",
    kind=RECOMMENDATION,
    severity=INFO,
    level="3",
    title="A simple function-based API",
    message="A simple function-based API fits: named queries, mutations and background "
    "actions, called directly by the client.",
    action="List your operations in Level 3 as plain functions; skip extra service layers.",
)
def rec_function_api(plan: Plan) -> Iterator[Hit]:
    if _small_context(plan) or (plan.baas and not plan.large_team):
        evidence = _size_evidence(plan)
        if plan.baas:
            evidence.append(plan.ctx("platform"))
        done = plan.acted_on("function-based-api") or _followed(plan, "3", "api-gateway", "cqrs")
        yield Hit("function-based-api", evidence, addressed_by=done)


def _followed(plan: Plan, level: str, *heavier: str) -> list:
    """A natural choice the plan follows without naming it: its level is complete (with
    rows) and nothing heavier is adopted in its place."""
    lvl = plan.levels[level]
    if lvl.status != "complete" or plan.level_is_empty(level) or plan.adopted(*heavier):
        return []
    return [evidence(level, "level", "status", "Complete")]


@rule(
    "REC-BUILTIN-REALTIME",
    kind=RECOMMENDATION,
    severity=INFO,
    level="1",
    title="Built-in real-time",
    message="Use {tool} for the live screens ({need}){what}.",
    action="Model each live screen as a real-time subscription operation in Level 3.",
)
def rec_builtin_realtime(plan: Plan) -> Iterator[Hit]:
    if not plan.needs("realtime") or not (plan.baas or (plan.small_team and not plan.large_scale)):
        return
    need = lower_first(LABELS["need"][plan.context["realtime"]])
    what = " rather than a WebSocket layer of your own"
    if not plan.baas:
        what = "; a managed pub/sub service (such as Pusher or Ably) spares a small team "
        what += "from running the fan-out itself"
    params = {"need": need, "tool": tool(plan.context["platform"], "realtime"), "what": what}
    evidence = [plan.ctx("realtime"), plan.ctx("platform" if plan.baas else "team_size")]
    live = [op for op in plan.operations if op["category"] == "realtime"]
    addressed = [row_evidence("operation", op, "Real-time subscription") for op in live[:3]]
    addressed += plan.acted_on("realtime-subscriptions", "pubsub-fanout")
    yield Hit("realtime-subscriptions", evidence, params, addressed_by=addressed)


@rule(
    "REC-BASIC-ERRORS",
    kind=RECOMMENDATION,
    severity=INFO,
    level="6",
    title="Basic error handling",
    message="Basic error handling is enough: validate input, return clear errors, log "
    "failures and retry calls to external services.",
    action="Tick input validation, logging and retry-with-backoff in Level 6; leave "
    "circuit breakers until a dependency proves flaky under load.",
)
def rec_basic_errors(plan: Plan) -> Iterator[Hit]:
    if _small_context(plan):
        done = plan.acted_on("input-validation")
        yield Hit("input-validation", _size_evidence(plan), addressed_by=done)


@rule(
    "REC-SINGLE-DATABASE",
    kind=RECOMMENDATION,
    severity=INFO,
    level="4",
    title="One database, straightforward schema",
    message="One database with a straightforward, normalised schema fits: transactions "
    "keep related data consistent for free.",
    action="Give every entity in Level 4 the same database as its source of truth unless "
    "something forces otherwise.",
)
def rec_single_database(plan: Plan) -> Iterator[Hit]:
    if _small_context(plan) or (plan.scale_rank is not None and plan.scale_rank <= 2):
        heavier = ("sharding", "cqrs", "multi-region", "microservices")
        done = plan.acted_on("single-database") or _followed(plan, "4", *heavier)
        yield Hit("single-database", _size_evidence(plan), addressed_by=done)


@rule(
    "REC-STANDARD-AUTH",
    kind=RECOMMENDATION,
    severity=INFO,
    level="6",
    title="Standard authentication",
    message="Standard authentication fits: {auth}, and an ownership check in every operation.",
    action="Plan the authentication middleware technique in Level 6 with {auth}.",
)
def rec_standard_auth(plan: Plan) -> Iterator[Hit]:
    if _small_context(plan) or plan.baas:
        evidence = _size_evidence(plan) + (
            [plan.ctx("platform")] if plan.context["platform"] else []
        )
        done = plan.acted_on("standard-auth", "auth-middleware")
        yield Hit(
            "standard-auth",
            evidence,
            {"auth": tool(plan.context["platform"], "auth")},
            addressed_by=done,
        )


@rule(
    "REC-OFFLINE-SYNC",
    kind=RECOMMENDATION,
    severity=INFO,
    level="4",
    title="Offline sync with conflict rules",
    message="Offline use is needed ({need}): plan a local store on the client, a queue of "
    "pending writes and a conflict rule per entity.",
    action="Decide on the offline-sync pattern in Level 5, make queued writes idempotent, "
    "and set each entity's concurrency strategy in Level 4.",
)
def rec_offline_sync(plan: Plan) -> Iterator[Hit]:
    if plan.needs("offline"):
        need = LABELS["need"][plan.context["offline"]].lower()
        yield Hit("offline-sync", [plan.ctx("offline")], {"need": need})


@rule(
    "REC-AI-BACKGROUND",
    kind=RECOMMENDATION,
    severity=INFO,
    level="3",
    title="AI calls as background work",
    message="Run AI calls ({need}) as background work with timeouts and retries, and "
    "show results when they arrive.",
    action="Make each LLM call a background operation in Level 3, run with {jobs}.",
)
def rec_ai_background(plan: Plan) -> Iterator[Hit]:
    if plan.needs("ai"):
        need = LABELS["need"][plan.context["ai"]].lower()
        background = [op for op in plan.operations if op["category"] == "background"]
        done = plan.acted_on("background-jobs")
        done += [row_evidence("operation", op, "Background processing") for op in background[:3]]
        params = {"need": need, "jobs": tool(plan.context["platform"], "jobs")}
        yield Hit("background-jobs", [plan.ctx("ai")], params, addressed_by=done)


@rule(
    "REC-PROTECT-SENSITIVE",
    kind=RECOMMENDATION,
    severity=LOW,
    level="6",
    title="Protect sensitive data",
    message="Protect the {sensitivity}: keep an audit trail of who reads it, limit who "
    "can, and encrypt it at rest and in transit.",
    action="Plan encryption and authorisation middleware in Level 6 and answer the "
    "security core question.",
)
def rec_protect_sensitive(plan: Plan) -> Iterator[Hit]:
    if plan.context["sensitivity"] in {"payments", "health"}:
        sensitivity = {"payments": "payment data", "health": "health data"}[
            plan.context["sensitivity"]
        ]
        encrypted = plan.acted_on("encryption", considered=False)
        guarded = plan.acted_on("auth-middleware", "standard-auth", considered=False)
        done = encrypted + guarded if encrypted and guarded else []
        yield Hit(
            "encryption", [plan.ctx("sensitivity")], {"sensitivity": sensitivity}, addressed_by=done
        )


# --- Large-scale recommendations: what becomes reasonable ------------------------------


def _at_scale(plan: Plan) -> bool:
    return plan.scale_rank is not None and plan.scale_rank >= 3


@rule(
    "REC-CACHING-AT-SCALE",
    kind=RECOMMENDATION,
    severity=INFO,
    level="5",
    title="Caching becomes reasonable",
    message="Caching hot, read-heavy paths becomes reasonable, once measurements show "
    "which paths are hot.",
    action="Record the slow paths in Level 3 (latency) and decide on caching for those.",
)
def rec_caching_at_scale(plan: Plan) -> Iterator[Hit]:
    if _at_scale(plan):
        yield Hit("caching", [plan.ctx("scale")])


@rule(
    "REC-READ-REPLICAS",
    kind=RECOMMENDATION,
    severity=INFO,
    level="5",
    title="Read replicas become reasonable",
    message="Read replicas become reasonable for read-heavy traffic that tolerates a little lag.",
    action="Note which queries may read from a replica and which must read the primary.",
)
def rec_read_replicas(plan: Plan) -> Iterator[Hit]:
    # A managed database without replicas to configure (Convex, Firestore) scales reads itself.
    if plan.large_scale and not (plan.baas and not plan.built_in("read-replicas")):
        yield Hit("read-replicas", [plan.ctx("scale")])


@rule(
    "REC-RATE-LIMITING",
    kind=RECOMMENDATION,
    severity=INFO,
    level="5",
    title="Rate limiting",
    message="Rate limiting protects everyone from one noisy client{why}.",
    action="Adopt rate limiting per user and per key for login, public and costly endpoints.",
)
def rec_rate_limiting(plan: Plan) -> Iterator[Hit]:
    evidence = []
    if _at_scale(plan):
        evidence.append(plan.ctx("scale"))
    if "api" in plan.clients:
        evidence.append(
            {
                "step": "context",
                "kind": "context",
                "name": "clients",
                "text": "Third-party API consumers",
            }
        )
    if evidence:
        why = ", third-party API consumers above all" if "api" in plan.clients else ""
        done = plan.acted_on("rate-limiting", "api-rate-limiting")
        yield Hit("rate-limiting", evidence, {"why": why}, addressed_by=done)


@rule(
    "REC-SEPARATE-BOUNDARIES",
    kind=RECOMMENDATION,
    severity=INFO,
    level="2",
    title="Separate boundaries become reasonable",
    message="Separate boundaries (even separate services) become reasonable where parts "
    "fail, scale or ship independently.",
    action="Give each boundary in Level 2 its operational reason; keep data that changes "
    "together in the same boundary.",
)
def rec_separate_boundaries(plan: Plan) -> Iterator[Hit]:
    if _at_scale(plan) and plan.large_team:
        reasoned = [b for b in plan.boundaries if b["reason"] and b["reason"] != "organisation"]
        done = plan.acted_on("microservices", "modular-monolith")
        if len(reasoned) >= 2 and len(reasoned) == len(plan.boundaries):
            done += [row_evidence("boundary", b, b["reason"]) for b in reasoned[:3]]
        yield Hit("microservices", _size_evidence(plan), addressed_by=done)


@rule(
    "REC-CONNECTION-POOLING",
    kind=RECOMMENDATION,
    severity=INFO,
    level="5",
    title="Connection pooling",
    message="A self-managed database at this many users needs pooled connections.",
    action="Adopt connection pooling: {pool}.",
)
def rec_connection_pooling(plan: Plan) -> Iterator[Hit]:
    if plan.scale_rank is not None and plan.scale_rank >= 2 and not plan.baas:
        params = {"pool": tool(plan.context["platform"], "pool")}
        yield Hit("connection-pooling", [plan.ctx("scale")], params)
