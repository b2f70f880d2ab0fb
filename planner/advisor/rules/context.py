"""The context filter: what the team's context rules out, and what it makes natural.

The guide's point: scale, team size and platform remove most options before
anyone weighs them. Eliminations and recommendations name a catalogue slug as
their subject, so a page can link to the entry.
"""

from collections.abc import Iterator

from planner.advisor.findings import ELIMINATION, INFO, LOW, RECOMMENDATION, Hit, rule
from planner.advisor.plan import LABELS, Plan, lower_first, upper_first


def _small_context(plan: Plan) -> bool:
    """Small team or small user base — but not a big team at big scale."""
    if plan.large_scale and plan.large_team:
        return False
    return plan.small_team or plan.small_scale


def _size_evidence(plan: Plan) -> list:
    return [plan.ctx(key) for key in ("scale", "team_size") if plan.context[key]]


def _why(plan: Plan) -> str:
    parts = [LABELS[key].get(plan.context[key], "") for key in ("scale", "team_size")]
    return " and ".join(lower_first(p) for p in parts if p) or "this context"


# --- Eliminations -------------------------------------------------------------------


@rule(
    "ELIM-MICROSERVICES",
    kind=ELIMINATION,
    severity=INFO,
    level="2",
    title="Microservices ruled out",
    message="{why}: microservices are ruled out. One deployable backend with clear "
    "modules gives the same structure without network failures between your own parts.",
    action="Plan one backend (a modular monolith); split a part out later only for an "
    "operational reason you can name.",
)
def elim_microservices(plan: Plan) -> Iterator[Hit]:
    if _small_context(plan):
        yield Hit("microservices", _size_evidence(plan), {"why": upper_first(_why(plan))})


@rule(
    "ELIM-DISTRIBUTED",
    kind=ELIMINATION,
    severity=INFO,
    level="4",
    title="Complex distributed systems ruled out",
    message="{why}: distributed transactions, sagas and cross-service event choreography "
    "are ruled out. Keep related data in one database where a transaction covers it.",
    action="Use database transactions for multi-step writes; use a background job where "
    "follow-up work may fail.",
)
def elim_distributed(plan: Plan) -> Iterator[Hit]:
    if _small_context(plan):
        yield Hit("saga", _size_evidence(plan), {"why": upper_first(_why(plan))})


@rule(
    "ELIM-ADVANCED-CACHING",
    kind=ELIMINATION,
    severity=INFO,
    level="5",
    title="Advanced caching ruled out",
    message="{why}: caching layers are ruled out. At this scale an indexed query answers "
    "fast enough, and a cache adds stale-data bugs.",
    action="Optimise queries first; add a cache only for a measured hot path.",
)
def elim_caching(plan: Plan) -> Iterator[Hit]:
    if plan.small_scale and not plan.large_team:
        yield Hit("caching", _size_evidence(plan), {"why": upper_first(_why(plan))})


@rule(
    "ELIM-ELABORATE-CICD",
    kind=ELIMINATION,
    severity=INFO,
    level="6",
    title="Elaborate CI/CD ruled out",
    message="{why}: multi-stage pipelines with approvals and canaries are ruled out. "
    "They coordinate many people; you do not have many people to coordinate.",
    action="One pipeline step that runs the tests and deploys is enough to start.",
)
def elim_cicd(plan: Plan) -> Iterator[Hit]:
    if plan.solo or (plan.small_team and (plan.small_scale or plan.early_stage)):
        yield Hit("ci-cd-pipeline", _size_evidence(plan), {"why": upper_first(_why(plan))})


@rule(
    "ELIM-MULTI-REGION",
    kind=ELIMINATION,
    severity=INFO,
    level="5",
    title="Multi-region deployment ruled out",
    message="{why}: multi-region deployment is ruled out. One region with backups "
    "serves this audience; replicated data across regions is a project of its own.",
    action="Deploy to one region close to most users and keep tested backups.",
)
def elim_multi_region(plan: Plan) -> Iterator[Hit]:
    rank = plan.scale_rank
    if (rank is not None and rank <= 2) or (plan.early_stage and not plan.large_scale):
        evidence = _size_evidence(plan)
        if plan.early_stage:
            evidence.append(plan.ctx("stage"))
        why = _why(plan) if rank is not None and rank <= 2 else "At this stage"
        yield Hit("multi-region", evidence, {"why": upper_first(why)})


@rule(
    "ELIM-COMPLEX-AUTH",
    kind=ELIMINATION,
    severity=INFO,
    level="6",
    title="Complex authentication ruled out",
    message="{why}, {sensitivity}: a custom identity service, SSO federation or a "
    "policy engine is ruled out. The platform's standard authentication is safer.",
    action="Use {platform}'s built-in authentication with per-request ownership checks.",
)
def elim_complex_auth(plan: Plan) -> Iterator[Hit]:
    if plan.context["sensitivity"] in {"", "none", "pii"} and _small_context(plan):
        evidence = _size_evidence(plan)
        if plan.context["sensitivity"]:
            evidence.append(plan.ctx("sensitivity"))
        sensitivity = LABELS["sensitivity"].get(plan.context["sensitivity"], "low-stakes data")
        yield Hit(
            "custom-auth-service",
            evidence,
            {
                "why": upper_first(_why(plan)),
                "sensitivity": lower_first(sensitivity),
                "platform": LABELS["platform"].get(plan.context["platform"], "your framework"),
            },
        )


# --- Recommendations ------------------------------------------------------------------


@rule(
    "REC-FUNCTION-API",
    kind=RECOMMENDATION,
    severity=INFO,
    level="3",
    title="A simple function-based API",
    message="{why}: a simple function-based API is the natural choice — named queries, "
    "mutations and background actions, called directly by the client.",
    action="List your operations in Level 3 as plain functions; skip extra service layers.",
)
def rec_function_api(plan: Plan) -> Iterator[Hit]:
    if _small_context(plan) or (plan.baas and not plan.large_team):
        evidence = _size_evidence(plan)
        if plan.baas:
            evidence.append(plan.ctx("platform"))
        yield Hit("function-based-api", evidence, {"why": upper_first(_why(plan))})


@rule(
    "REC-BUILTIN-REALTIME",
    kind=RECOMMENDATION,
    severity=INFO,
    level="1",
    title="Built-in real-time",
    message="Real-time is needed ({need}) — {advice}",
    action="Model live screens as real-time subscription operations in Level 3.",
)
def rec_builtin_realtime(plan: Plan) -> Iterator[Hit]:
    if not plan.needs("realtime"):
        return
    need = lower_first(LABELS["need"][plan.context["realtime"]])
    if plan.baas:
        platform = LABELS["platform"][plan.context["platform"]]
        advice = f"use {platform}'s built-in real-time subscriptions instead of your own "
        advice += "WebSocket layer."
        yield Hit(
            "realtime-subscriptions",
            [plan.ctx("realtime"), plan.ctx("platform")],
            {"need": need, "advice": advice},
        )
    elif plan.small_team and not plan.large_scale:
        advice = (
            "with a small team, prefer a platform or managed service with built-in real-time "
            "(Convex, Supabase, Firebase) over running your own WebSocket fan-out."
        )
        evidence = [plan.ctx("realtime"), plan.ctx("team_size")]
        yield Hit("realtime-subscriptions", evidence, {"need": need, "advice": advice})


@rule(
    "REC-BASIC-ERRORS",
    kind=RECOMMENDATION,
    severity=INFO,
    level="6",
    title="Basic error handling",
    message="{why}: basic error handling is enough — validate input, return clear errors, "
    "log failures and retry calls to external services.",
    action="Tick input validation, logging and retry-with-backoff in Level 6; leave "
    "circuit breakers until a dependency proves flaky under load.",
)
def rec_basic_errors(plan: Plan) -> Iterator[Hit]:
    if _small_context(plan):
        yield Hit("input-validation", _size_evidence(plan), {"why": upper_first(_why(plan))})


@rule(
    "REC-SINGLE-DATABASE",
    kind=RECOMMENDATION,
    severity=INFO,
    level="4",
    title="One database, straightforward schema",
    message="{why}: a single database with a straightforward, normalised schema is the "
    "natural choice; transactions keep related data consistent for free.",
    action="Give every entity in Level 4 the same database as its source of truth unless "
    "something forces otherwise.",
)
def rec_single_database(plan: Plan) -> Iterator[Hit]:
    if _small_context(plan) or (plan.scale_rank is not None and plan.scale_rank <= 2):
        yield Hit("single-database", _size_evidence(plan), {"why": upper_first(_why(plan))})


@rule(
    "REC-STANDARD-AUTH",
    kind=RECOMMENDATION,
    severity=INFO,
    level="6",
    title="Standard authentication",
    message="{why}: standard authentication is the natural choice — {platform}'s login, "
    "sessions or tokens, and an ownership check in every operation.",
    action="Plan the auth middleware technique in Level 6 using what {platform} provides.",
)
def rec_standard_auth(plan: Plan) -> Iterator[Hit]:
    if _small_context(plan) or plan.baas:
        platform = LABELS["platform"].get(plan.context["platform"], "your framework")
        if platform == "Other":
            platform = "your framework"
        evidence = _size_evidence(plan) + ([plan.ctx("platform")] if plan.baas else [])
        yield Hit("standard-auth", evidence, {"why": upper_first(_why(plan)), "platform": platform})


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
    message="The product calls AI services ({need}): run those calls as background "
    "operations with timeouts and retries, and show results when they arrive.",
    action="Make each LLM call a background operation in Level 3 and adopt background "
    "jobs in Level 5.",
)
def rec_ai_background(plan: Plan) -> Iterator[Hit]:
    if plan.needs("ai"):
        need = LABELS["need"][plan.context["ai"]].lower()
        yield Hit("background-jobs", [plan.ctx("ai")], {"need": need})


@rule(
    "REC-PROTECT-SENSITIVE",
    kind=RECOMMENDATION,
    severity=LOW,
    level="6",
    title="Protect sensitive data",
    message="The plan stores {sensitivity}: encrypt it at rest and in transit, keep an "
    "audit trail of access, and limit who can read it.",
    action="Plan encryption and authorisation middleware in Level 6 and answer the "
    "security core question.",
)
def rec_protect_sensitive(plan: Plan) -> Iterator[Hit]:
    if plan.context["sensitivity"] in {"payments", "health"}:
        sensitivity = lower_first(LABELS["sensitivity"][plan.context["sensitivity"]])
        yield Hit("encryption", [plan.ctx("sensitivity")], {"sensitivity": sensitivity})


# --- Large-scale recommendations: what becomes reasonable ------------------------------


def _at_scale(plan: Plan) -> bool:
    return plan.scale_rank is not None and plan.scale_rank >= 3


@rule(
    "REC-CACHING-AT-SCALE",
    kind=RECOMMENDATION,
    severity=INFO,
    level="5",
    title="Caching becomes reasonable",
    message="{why}: caching hot, read-heavy paths becomes reasonable — once measurements "
    "show which paths are hot.",
    action="Record the slow paths in Level 3 (latency) and decide on caching for those.",
)
def rec_caching_at_scale(plan: Plan) -> Iterator[Hit]:
    if _at_scale(plan):
        yield Hit("caching", [plan.ctx("scale")], {"why": upper_first(_why(plan))})


@rule(
    "REC-READ-REPLICAS",
    kind=RECOMMENDATION,
    severity=INFO,
    level="5",
    title="Read replicas become reasonable",
    message="{why}: read replicas become reasonable for read-heavy traffic that tolerates "
    "a little lag.",
    action="Note which queries may read from a replica and which must read the primary.",
)
def rec_read_replicas(plan: Plan) -> Iterator[Hit]:
    if plan.large_scale:
        yield Hit("read-replicas", [plan.ctx("scale")], {"why": upper_first(_why(plan))})


@rule(
    "REC-RATE-LIMITING",
    kind=RECOMMENDATION,
    severity=INFO,
    level="5",
    title="Rate limiting",
    message="{why}: rate limiting protects everyone from one noisy client.",
    action="Adopt rate limiting per user and per key for login, public and costly endpoints.",
)
def rec_rate_limiting(plan: Plan) -> Iterator[Hit]:
    evidence = []
    if _at_scale(plan):
        evidence.append(plan.ctx("scale"))
    if "api" in plan.clients:
        evidence.append({"step": "context", "kind": "context", "name": "clients", "text": "api"})
    if evidence:
        why = _why(plan) if _at_scale(plan) else "Third-party API clients"
        yield Hit("rate-limiting", evidence, {"why": upper_first(why)})


@rule(
    "REC-SEPARATE-BOUNDARIES",
    kind=RECOMMENDATION,
    severity=INFO,
    level="2",
    title="Separate boundaries become reasonable",
    message="{why}: separate boundaries (even separate services) become reasonable where "
    "parts fail, scale or ship independently.",
    action="Give each boundary in Level 2 its operational reason; keep data that changes "
    "together in the same boundary.",
)
def rec_separate_boundaries(plan: Plan) -> Iterator[Hit]:
    if _at_scale(plan) and plan.large_team:
        yield Hit("microservices", _size_evidence(plan), {"why": upper_first(_why(plan))})


@rule(
    "REC-CONNECTION-POOLING",
    kind=RECOMMENDATION,
    severity=INFO,
    level="5",
    title="Connection pooling",
    message="{why} on a self-managed database: pool database connections.",
    action="Adopt connection pooling (the framework's pool or PgBouncer).",
)
def rec_connection_pooling(plan: Plan) -> Iterator[Hit]:
    if plan.scale_rank is not None and plan.scale_rank >= 2 and not plan.baas:
        yield Hit("connection-pooling", [plan.ctx("scale")], {"why": upper_first(_why(plan))})
