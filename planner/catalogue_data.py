"""The shared catalogue of patterns and techniques, as plain data.

The guide's eight Level 5 patterns and eleven Level 6 techniques come first
(`from_guide=True`), then other well-known approaches a tech lead weighs when a
plan grows. The text is ours: short, practical, and honest about the cost.

`planner.catalogue.load_catalogue()` writes these entries into the database (shared entries,
`team=None`), updating by slug, so running it again changes nothing but the text.
This module imports no models at import time: the advisor reads it too.
"""

from typing import TypedDict

PATTERN = "pattern"
TECHNIQUE = "technique"

# Platform values (planner.models.Platform) that ship a capability built in.
BAAS = ["convex", "supabase", "firebase"]


class Entry(TypedDict):
    slug: str
    name: str
    kind: str
    category: str
    summary: str
    problems: str
    when_to_use: str
    when_not_to: str
    complexity: str
    builtin_platforms: list[str]
    from_guide: bool


def _entry(
    slug: str,
    name: str,
    kind: str,
    category: str,
    summary: str,
    problems: str,
    when_to_use: str,
    when_not_to: str,
    complexity: str = "medium",
    builtin: list[str] | None = None,
    from_guide: bool = False,
) -> Entry:
    return Entry(
        slug=slug,
        name=name,
        kind=kind,
        category=category,
        summary=summary,
        problems=problems,
        when_to_use=when_to_use,
        when_not_to=when_not_to,
        complexity=complexity,
        builtin_platforms=list(builtin or []),
        from_guide=from_guide,
    )


# --- The guide's Level 5 patterns --------------------------------------------------

GUIDE_PATTERNS: list[Entry] = [
    _entry(
        "event-driven",
        "Event-driven architecture",
        PATTERN,
        "Integration",
        "One operation records that something happened; other parts react to it later, "
        "on their own schedule, instead of being called directly.",
        "Slow follow-up work blocking the user; one change having to notify several "
        "unrelated parts; tight coupling between features that evolve separately.",
        "Several consumers care about the same change (notify, index, summarise), or "
        "follow-up work may fail and retry without the user waiting.",
        "A single consumer that could simply be called, or flows you must debug step by "
        "step: indirection makes the order of things harder to follow.",
        "medium",
        ["convex", "firebase"],
        True,
    ),
    _entry(
        "cqrs",
        "CQRS (separate reads and writes)",
        PATTERN,
        "Data access",
        "Writes go through one model that enforces the rules; reads come from a second "
        "model shaped for the screens, kept up to date from the writes.",
        "Read queries that need a very different shape from the write model; heavy read "
        "traffic that slows down writes; complex validation tangled with reporting.",
        "Reads outnumber writes by orders of magnitude and need their own shape, or "
        "reporting queries hurt the transactional database.",
        "Ordinary CRUD screens. Two models mean two things to keep in step and a window "
        "where readers see stale data.",
        "high",
        [],
        True,
    ),
    _entry(
        "background-jobs",
        "Background job processing",
        PATTERN,
        "Scaling",
        "Put slow or unreliable work on a queue and let a worker do it, so the request "
        "that asked for it can answer straight away.",
        "Requests that time out or feel slow because they call external APIs, send mail, "
        "render files or crunch data; work that must retry after a failure.",
        "Anything the user does not need to wait for: notifications, AI calls, exports, "
        "imports, cleanups.",
        "Work that takes milliseconds and must be visible immediately; a queue adds a "
        "worker process to deploy and watch.",
        "low",
        ["convex", "firebase", "supabase"],
        True,
    ),
    _entry(
        "database-transactions",
        "Database transactions",
        PATTERN,
        "Consistency",
        "Group the writes of one operation so they all happen or none do, and other "
        "readers never see the half-done state.",
        "Multi-step writes that can fail halfway and leave data inconsistent; counters "
        "and totals drifting from the rows they summarise.",
        "Every operation that writes more than one row or table that must agree.",
        "Writes that span several databases or external services: a local transaction "
        "cannot cover them (look at the outbox or a saga).",
        "low",
        ["convex", "supabase", "firebase", "django", "rails", "spring"],
        True,
    ),
    _entry(
        "caching",
        "Caching strategies",
        PATTERN,
        "Scaling",
        "Keep the result of an expensive read in memory and serve it again until it "
        "expires or is invalidated.",
        "The same expensive query or external call repeated for many users; read load "
        "the database cannot keep up with.",
        "After measuring a hot, read-heavy path whose data tolerates being a little "
        "stale, and only for that path.",
        "Before there is a measured performance problem. Invalidation bugs show users "
        "wrong data and are hard to reproduce.",
        "medium",
        ["convex"],
        True,
    ),
    _entry(
        "connection-pooling",
        "Connection pooling",
        PATTERN,
        "Data access",
        "Keep a small set of open database connections and lend them to requests, "
        "instead of opening a new connection every time.",
        "Connection setup cost on every request; the database refusing connections "
        "when many web processes or serverless functions start at once.",
        "Any server talking to PostgreSQL or MySQL under real traffic, and always with "
        "serverless functions.",
        "Hosted platforms that manage connections for you; a single low-traffic process "
        "where persistent connections are enough.",
        "low",
        ["convex", "supabase", "firebase"],
        True,
    ),
    _entry(
        "circuit-breaker",
        "Circuit breakers",
        PATTERN,
        "Resilience",
        "Count failures of a dependency; after too many, stop calling it for a while and "
        "fail fast or fall back, then try again carefully.",
        "A slow or failing external service tying up every request and cascading into a "
        "full outage.",
        "Calls to external services on the request path that are known to fail or slow "
        "down, especially with many concurrent users.",
        "Background jobs that can simply retry later, or low traffic where a timeout "
        "and a clear error are enough.",
        "medium",
        [],
        True,
    ),
    _entry(
        "rate-limiting",
        "Rate limiting",
        PATTERN,
        "Security",
        "Cap how many requests a user, key or address may make in a time window, and "
        "answer politely when they go over.",
        "One client (or bot) exhausting capacity for everybody; runaway costs on "
        "expensive endpoints such as LLM calls; brute-force login attempts.",
        "Public APIs, login and signup, anything that costs money per call, and "
        "endpoints third parties call.",
        "Internal endpoints behind authentication with a handful of trusted users, "
        "beyond the basic login throttle.",
        "low",
        ["firebase"],
        True,
    ),
]

# --- The guide's Level 6 techniques --------------------------------------------------

GUIDE_TECHNIQUES: list[Entry] = [
    _entry(
        "query-optimization",
        "Query optimisation",
        TECHNIQUE,
        "Data access",
        "Index the columns you filter and sort on, and load related rows in one query "
        "rather than one query per row (the N+1 problem).",
        "Pages that get slower as data grows; query counts that rise with list length.",
        "Always, in a light form: check query plans and query counts for every list.",
        "Chasing microseconds on queries nobody waits for.",
        "low",
        [],
        True,
    ),
    _entry(
        "batch-operations",
        "Batch operations",
        TECHNIQUE,
        "Data access",
        "Group many similar reads or writes into one call to the database or API.",
        "Imports and bulk updates that make thousands of round trips; rate-limited APIs.",
        "Bulk imports, fan-out writes, syncing many records with an external service.",
        "Single-row operations: batching them only adds code.",
        "low",
        [],
        True,
    ),
    _entry(
        "lazy-loading",
        "Lazy loading",
        TECHNIQUE,
        "Data access",
        "Fetch related or large data only when a screen actually needs it.",
        "Screens that load far more than they show; slow first paint.",
        "Long histories, attachments, details behind a click.",
        "Inside loops, where lazy loads turn into N+1 queries; load eagerly there.",
        "low",
        [],
        True,
    ),
    _entry(
        "input-validation",
        "Input validation and sanitisation",
        TECHNIQUE,
        "Error handling",
        "Check every input's type, range and size at the boundary and reject bad input "
        "with a message that says what to fix.",
        "Corrupt data in the database; crashes on unexpected input; injection attacks.",
        "Every endpoint, mutation and import.",
        "Never skip it; keep it declarative (schemas, forms) so it stays cheap.",
        "low",
        ["convex", "django", "rails", "spring"],
        True,
    ),
    _entry(
        "graceful-degradation",
        "Graceful degradation",
        TECHNIQUE,
        "Error handling",
        "When a dependency fails, keep the rest of the product working and show what is "
        "missing, instead of failing the whole page.",
        "An optional feature (recommendations, AI summary, avatars) taking the core "
        "feature down with it.",
        "Any feature that depends on an external service or a slow subsystem.",
        "Core operations that are meaningless without the dependency: fail clearly.",
        "low",
        [],
        True,
    ),
    _entry(
        "retry-backoff",
        "Retry with exponential backoff",
        TECHNIQUE,
        "Error handling",
        "Retry a failed call after a growing, slightly random delay, up to a limit.",
        "Transient network errors and rate-limit responses turning into user-visible "
        "failures; retry storms that hammer a recovering service.",
        "Calls to external APIs and queues, especially from background jobs.",
        "Non-idempotent calls without an idempotency key; errors that will never "
        "succeed (validation, permission).",
        "low",
        [],
        True,
    ),
    _entry(
        "logging-monitoring",
        "Logging and monitoring",
        TECHNIQUE,
        "Error handling",
        "Record what happened with enough context to debug it, and alert on the few "
        "signals that mean users are hurting.",
        "Finding out about outages from users; bugs nobody can reproduce.",
        "From the first deployment: structured logs, error tracking, a health check.",
        "Dashboards nobody reads; start with errors and latency.",
        "low",
        ["convex", "supabase", "firebase"],
        True,
    ),
    _entry(
        "auth-middleware",
        "Authentication and authorisation middleware",
        TECHNIQUE,
        "Security",
        "Verify who is calling and what they may do in one shared place that every "
        "request passes through.",
        "Endpoints that forget the permission check; authorisation rules copied and "
        "drifting across handlers.",
        "Every backend with more than one user.",
        "Rolling your own password or token handling: use the framework's.",
        "low",
        ["convex", "supabase", "firebase", "django", "rails", "spring"],
        True,
    ),
    _entry(
        "encryption",
        "Encryption at rest and in transit",
        TECHNIQUE,
        "Security",
        "TLS for every connection, encrypted storage and backups, and extra field-level "
        "encryption for the most sensitive values.",
        "Data readable by anyone on the network path or with a copy of a backup.",
        "Always in transit; at rest whenever you store personal, payment or health data.",
        "Inventing your own cryptography; use the platform's and manage keys carefully.",
        "low",
        ["convex", "supabase", "firebase"],
        True,
    ),
    _entry(
        "injection-xss-prevention",
        "SQL injection and XSS prevention",
        TECHNIQUE,
        "Security",
        "Parameterise every query and escape every value you render, so input is never "
        "run as code.",
        "Attackers reading or changing data through crafted input; scripts injected into "
        "other users' pages.",
        "Every app: use the ORM's parameters and the template engine's auto-escaping.",
        "Never optional; only raw SQL and raw HTML need extra care.",
        "low",
        ["convex", "django", "rails", "spring"],
        True,
    ),
    _entry(
        "api-rate-limiting",
        "API rate limiting and abuse prevention",
        TECHNIQUE,
        "Security",
        "Throttle per user and per address, cap payload sizes, and block obvious abuse "
        "such as credential stuffing.",
        "Scrapers, brute-force logins and runaway clients eating capacity or budget.",
        "Login, signup, password reset, public and paid endpoints.",
        "Adding per-endpoint quotas to an internal tool with a few trusted users.",
        "low",
        ["firebase"],
        True,
    ),
]

# --- Other well-known approaches ---------------------------------------------------------

EXTRAS: list[Entry] = [
    _entry(
        "idempotency-keys",
        "Idempotency keys",
        TECHNIQUE,
        "Consistency",
        "The client sends a unique key with each write; the server remembers it and "
        "returns the first result when the same request arrives again.",
        "Double charges or duplicate rows when a client retries after a timeout.",
        "Payments, order placement, offline clients replaying queued writes, webhooks.",
        "Naturally idempotent operations such as setting a value.",
        "low",
    ),
    _entry(
        "transactional-outbox",
        "Transactional outbox",
        PATTERN,
        "Consistency",
        "Write the event to an outbox table in the same transaction as the data change; "
        "a relay publishes it afterwards, so neither is lost without the other.",
        "Data saved but the event or email never sent (or sent for data that rolled back).",
        "When a database change must reliably trigger a message to another system.",
        "When the follow-up can simply be a background job enqueued in the same database.",
        "medium",
    ),
    _entry(
        "optimistic-concurrency",
        "Optimistic concurrency control",
        TECHNIQUE,
        "Consistency",
        "Each record carries a version; a save names the version it started from and is "
        "refused if someone else saved in between.",
        "Two people editing the same thing and one silently overwriting the other.",
        "Records edited by several people or devices where conflicts are rare.",
        "Hot counters updated constantly: use atomic updates or locks instead.",
        "low",
        ["convex"],
    ),
    _entry(
        "offline-sync",
        "Offline sync with conflict resolution",
        PATTERN,
        "Consistency",
        "Clients keep a local copy, queue their changes while offline and reconcile with "
        "the server on reconnect using clear conflict rules.",
        "Apps that must keep working on a train; edits from two devices made while apart.",
        "Mobile or field apps where a lost connection is normal, not an error.",
        "Apps that are only used online: sync engines are hard to get right.",
        "high",
        ["firebase"],
    ),
    _entry(
        "read-replicas",
        "Read replicas",
        PATTERN,
        "Scaling",
        "Copies of the database that follow the primary and serve read-only queries.",
        "Read traffic saturating the primary database; reports slowing down writes.",
        "Read-heavy workloads at real scale whose reads tolerate a little lag.",
        "Small workloads: replica lag creates 'I saved it but it is gone' bugs.",
        "medium",
        ["supabase"],
    ),
    _entry(
        "pubsub-fanout",
        "Pub/sub fan-out",
        PATTERN,
        "Real-time",
        "Publish a change once to a topic; every subscriber (client or service) gets it.",
        "Pushing live updates to many connected clients; several services reacting to one event.",
        "Live feeds, chat, presence, collaborative editing.",
        "Data that changes rarely and can be fetched on open or polled.",
        "medium",
        BAAS,
    ),
    _entry(
        "realtime-subscriptions",
        "Built-in real-time subscriptions",
        PATTERN,
        "Real-time",
        "Let the platform push query results to clients whenever the underlying data "
        "changes, instead of running your own WebSocket layer.",
        "Stale screens; the cost of building and operating a real-time server yourself.",
        "Any real-time need on a platform that offers it (Convex, Supabase, Firebase).",
        "Very high fan-out broadcast or media streams: use a dedicated service.",
        "low",
        BAAS,
    ),
    _entry(
        "saga",
        "Saga (compensating steps)",
        PATTERN,
        "Consistency",
        "Split a long operation across services into steps, each with an undo step that "
        "runs if a later one fails.",
        "Multi-service workflows (order, payment, shipping) that cannot share one transaction.",
        "Only when the steps really live in separate systems that must agree.",
        "Anything that fits in one database transaction: use the transaction.",
        "high",
    ),
    _entry(
        "webhook-signatures",
        "Signed webhooks",
        TECHNIQUE,
        "Security",
        "Verify the signature and timestamp of every incoming webhook and handle it idempotently.",
        "Forged callbacks marking orders as paid; replayed or duplicate deliveries.",
        "Every webhook from payment, email or git providers.",
        "Never skip it when you accept webhooks.",
        "low",
    ),
    _entry(
        "cdn-edge-caching",
        "CDN and edge caching",
        PATTERN,
        "Scaling",
        "Serve static files and cacheable public responses from servers close to users.",
        "Slow asset loads far from the origin; origin servers busy with static files.",
        "Public assets and pages that are the same for everybody, global audiences.",
        "Per-user data; caching private responses at the edge leaks them.",
        "low",
        ["firebase", "supabase"],
    ),
    _entry(
        "feature-flags",
        "Feature flags",
        TECHNIQUE,
        "Delivery",
        "Switch features on and off at runtime per user or percentage, without deploying.",
        "Risky releases that can only be undone by a rollback; long-lived branches.",
        "Gradual rollouts, kill switches for risky integrations, betas.",
        "Permanent configuration; stale flags become dead code, so remove them.",
        "low",
    ),
    _entry(
        "microservices",
        "Microservices",
        PATTERN,
        "Architecture",
        "Split the backend into independently deployed services, each owning its data "
        "and talking to the others over the network.",
        "Many teams blocking each other in one codebase; parts with very different "
        "scaling or release needs.",
        "Large organisations (several teams) at real scale, with the operations skills "
        "to run distributed systems.",
        "Small teams and small user bases: you pay network failures, distributed data "
        "and deployment overhead for nothing.",
        "high",
    ),
    _entry(
        "multi-region",
        "Multi-region deployment",
        PATTERN,
        "Scaling",
        "Run the backend and its data in several geographic regions at once.",
        "Latency for users on other continents; surviving the loss of a whole region; "
        "data residency rules.",
        "Global products at large scale or with strict availability or residency needs.",
        "Anything before product–market fit: data replication and failover are among "
        "the hardest problems in backend work.",
        "high",
    ),
    _entry(
        "sharding",
        "Database sharding",
        PATTERN,
        "Scaling",
        "Split one logical database across several machines by a key such as tenant.",
        "A write load or data size no single database server can handle.",
        "Only after vertical scaling, indexes, caching and replicas are exhausted.",
        "Almost every product: cross-shard queries and rebalancing are very costly.",
        "high",
    ),
    _entry(
        "modular-monolith",
        "Modular monolith",
        PATTERN,
        "Architecture",
        "One deployable application split into modules with clear interfaces and their "
        "own tables, calling each other in process.",
        "Tangled code without the cost of a distributed system; keeping the option to "
        "split a module out later.",
        "Most products and teams: the default shape for a new backend.",
        "Parts with truly different runtime needs (a GPU worker, a public edge service).",
        "low",
    ),
    _entry(
        "single-database",
        "Single database, straightforward schema",
        PATTERN,
        "Data access",
        "One relational or document database holds all the product's data in a "
        "normalised schema, with transactions across it.",
        "Consistency bugs from data spread over several stores; operational load.",
        "Nearly every product until measurements say otherwise.",
        "Workloads that need a specialised store (search, analytics at scale).",
        "low",
        BAAS,
    ),
    _entry(
        "function-based-api",
        "Simple function-based API",
        PATTERN,
        "Architecture",
        "Expose the backend as a set of named functions (queries, mutations, actions) "
        "called directly by the client, without extra service layers.",
        "Ceremony and boilerplate slowing a small team down.",
        "Small teams, especially on platforms built around it (Convex, Firebase, "
        "Supabase functions).",
        "Public APIs for third parties that need stable resource-oriented contracts.",
        "low",
        BAAS,
    ),
    _entry(
        "standard-auth",
        "Standard (managed) authentication",
        TECHNIQUE,
        "Security",
        "Use the framework's or a provider's authentication: sessions or tokens, email "
        "and social login, password reset, done for you.",
        "Security holes in home-made login flows; time spent rebuilding solved problems.",
        "Almost always. Add MFA when the data is sensitive.",
        "Only when regulation or an enterprise identity provider forces something else.",
        "low",
        ["convex", "supabase", "firebase", "django", "rails", "spring"],
    ),
    _entry(
        "custom-auth-service",
        "Custom authentication service",
        PATTERN,
        "Security",
        "A separate, home-built identity service with its own tokens, roles engine and "
        "federation (SSO, SAML), shared by other services.",
        "Many products sharing identity; enterprise SSO and fine-grained policy needs.",
        "Large organisations with several products and dedicated security staff.",
        "Low-stakes or small products: standard authentication is safer and free.",
        "high",
    ),
    _entry(
        "api-gateway",
        "API gateway",
        PATTERN,
        "Integration",
        "A single entry point in front of several services that routes requests and "
        "handles authentication, quotas and logging in one place.",
        "Clients talking to many services; cross-cutting concerns repeated everywhere.",
        "Several backend services or a public API with keys and quotas.",
        "One backend application: its own middleware already does this.",
        "medium",
        ["supabase"],
    ),
    _entry(
        "dead-letter-queue",
        "Dead-letter queue",
        PATTERN,
        "Resilience",
        "Messages or jobs that keep failing are moved aside for inspection instead of "
        "being retried forever or dropped.",
        "Poison messages blocking a queue; failed work disappearing silently.",
        "Any queue or background job system whose failures matter.",
        "Fire-and-forget work whose loss nobody would notice.",
        "low",
    ),
    _entry(
        "full-text-search",
        "Full-text search",
        PATTERN,
        "Data access",
        "An index of words and their documents, so users can search text by relevance "
        "rather than exact match.",
        "Slow LIKE queries; search that misses plurals, typos or word order.",
        "Users searching notes, messages, products or documents.",
        "Exact lookups by id or name prefix: an ordinary index is enough.",
        "medium",
        ["convex", "supabase"],
    ),
    _entry(
        "ci-cd-pipeline",
        "Elaborate CI/CD pipeline",
        TECHNIQUE,
        "Delivery",
        "Multi-stage pipelines with environments, approvals, canaries and automated rollbacks.",
        "Many engineers deploying many times a day without stepping on each other.",
        "Larger teams with frequent releases and a real cost per outage.",
        "Solo developers and small teams: one test-and-deploy step is enough to start.",
        "medium",
    ),
]

ENTRIES: list[Entry] = GUIDE_PATTERNS + GUIDE_TECHNIQUES + EXTRAS
BY_SLUG: dict[str, Entry] = {entry["slug"]: entry for entry in ENTRIES}


def entry_name(slug: str) -> str:
    """Human name of a shared entry, or the slug itself when it is not shared."""
    entry = BY_SLUG.get(slug)
    return entry["name"] if entry else slug
