"""How findings read: the team's platform's own tools, labels for evidence, plurals.

Rules say what to do with the tools of the platform the team chose (Django's
Channels, Rails' Action Cable, Convex's reactive queries…), never "switch to
another platform". Evidence keeps the keys that link to the answer; pages show
`evidence_label(item)`, a label a person reads, instead of the key.
"""

import re

from planner import registry
from planner.advisor.findings import RULES, Evidence
from planner.catalogue_data import BY_SLUG, entry_name
from planner.levels import CORE_QUESTIONS, LEVELS

# What each platform offers for a need, in its own words.
PLATFORM_TOOLS: dict[str, dict[str, str]] = {
    "django": {
        "realtime": "Django Channels (or server-sent events)",
        "auth": "django.contrib.auth with per-object permission checks",
        "jobs": "Django's tasks framework (or Celery)",
        "pool": "persistent connections (CONN_MAX_AGE) or PgBouncer",
        "transactions": "transaction.atomic",
    },
    "rails": {
        "realtime": "Action Cable",
        "auth": "has_secure_password or Devise",
        "jobs": "Active Job",
        "pool": "Active Record's connection pool",
        "transactions": "ActiveRecord transactions",
    },
    "express": {
        "realtime": "Socket.IO (or ws)",
        "auth": "Passport or a session middleware",
        "jobs": "a job queue such as BullMQ",
        "pool": "the database driver's pool (for example pg.Pool)",
        "transactions": "your ORM's transactions",
    },
    "spring": {
        "realtime": "Spring WebSocket with STOMP",
        "auth": "Spring Security",
        "jobs": "@Async and @Scheduled, or a queue",
        "pool": "HikariCP",
        "transactions": "@Transactional",
    },
    "convex": {
        "realtime": "Convex's reactive queries",
        "auth": "Convex Auth",
        "jobs": "Convex actions and scheduled functions",
        "pool": "Convex's managed database",
        "transactions": "Convex mutations (each one is a transaction)",
    },
    "supabase": {
        "realtime": "Supabase Realtime",
        "auth": "Supabase Auth with row-level security",
        "jobs": "Edge Functions with pg_cron or queues",
        "pool": "Supabase's connection pooler",
        "transactions": "Postgres functions",
    },
    "firebase": {
        "realtime": "Firestore listeners",
        "auth": "Firebase Authentication with security rules",
        "jobs": "Cloud Functions triggers",
        "pool": "Firebase's managed database",
        "transactions": "Firestore transactions",
    },
}
GENERIC_TOOLS = {
    "realtime": "your framework's WebSocket support or a managed pub/sub service",
    "auth": "your framework's standard authentication",
    "jobs": "a background job queue",
    "pool": "a connection pool (the driver's own, or PgBouncer)",
    "transactions": "database transactions",
}
PLATFORM_NAMES = dict(registry.Platform.choices)


def tool(platform: str, need: str) -> str:
    return PLATFORM_TOOLS.get(platform, GENERIC_TOOLS).get(need, GENERIC_TOOLS[need])


def tool_note(platform: str, need: str) -> str:
    """ " (Active Job)" after a generic phrase, or "" when the platform has no tool of its
    own to name: "a background job (a background job queue)" says nothing twice."""
    return f" ({tool(platform, need)})" if platform in PLATFORM_TOOLS else ""


def platform_name(platform: str) -> str:
    name = PLATFORM_NAMES.get(platform, "")
    return name if name and platform != "other" else "your framework"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """ "1 entity", "3 entities"."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def verb(subjects: list, base: str) -> str:
    """The verb agreeing with a list of subjects: "listQueue lists", "A and B list"."""
    return base + "s" if len(subjects) == 1 else base


def be(name: str) -> str:
    """ "is" or "are" for a catalogue entry's name: "Read replicas are", "Database
    sharding is", "CQRS is" (a note in brackets aside)."""
    words = re.sub(r"\s*\([^)]*\)\s*$", "", name).split()
    last = words[-1] if words else ""
    plural = last.endswith("s") and not last.isupper() and not last.endswith(("ss", "is", "us"))
    return "are" if plural else "is"


def listing(names: list[str], limit: int = 5) -> str:
    """ "A", "A and B", "A, B and C", "A, B, C, D, E and 3 more"."""
    names = [n for n in names if n]
    if len(names) > limit:
        return f"{', '.join(names[:limit])} and {len(names) - limit} more"
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


# --- Evidence as a person reads it --------------------------------------------------------

QUESTION_LABELS = {(lvl.step, q.key): q.label for lvl in LEVELS for q in lvl.questions}
CORE_TITLES = {key: title for key, title, _ in CORE_QUESTIONS}
KIND_NOUNS = {key: kind.noun for key, kind in registry.ROW_KINDS.items()}
KIND_NOUNS.update(pattern="decision")
STATUS_WORDS = {
    "status": "status",
    "skip_reason": "reason for skipping",
    "categories": "operations",
    **{kind.list_key: kind.plural.lower() for kind in registry.ROW_KIND_LIST},
}


def evidence_label(item: Evidence) -> str:
    """ "Team size", "Level 2 · Should authentication be separate?", "Entity Message"."""
    kind, name, step = item.get("kind", ""), item.get("name", ""), item.get("step", "")
    if kind == "context":
        field = registry.CONTEXT.get(name)
        return field.heading if field else name
    if kind == "level" and name == "status":
        return f"Level {step} status"
    if kind == "level":
        question = QUESTION_LABELS.get((step, name))
        return f"Level {step} · {question or STATUS_WORDS.get(name, name.replace('_', ' '))}"
    if kind == "core_question":
        return f"Core question · {CORE_TITLES.get(name, name)}"
    if kind in ("decision", "technique"):
        return f"{KIND_NOUNS[kind].capitalize()} · {entry_name(name)}"
    noun = KIND_NOUNS.get(kind, kind.replace("_", " "))
    return f"{noun.capitalize()} · {name}" if name else noun.capitalize()


CONTEXT_SHOWN = ["scale", "team_size", "platform", "stage", "sensitivity"]


def context_line(context: object) -> str:
    """The context the findings were read against, once: "100 – 1,000 active users ·
    Solo developer · Convex · MVP · Personal data (PII)"."""
    if not isinstance(context, dict):
        return ""
    parts = []
    for key in CONTEXT_SHOWN:
        value = context.get(key)
        choices = registry.CONTEXT[key].choices
        if isinstance(value, str) and value and choices is not None:
            parts.append(dict(choices.choices).get(value, value))
    return " · ".join(parts)


# Rules whose subject is an external service, lower-cased.
SERVICE_RULES = {"GAP-EXTERNAL-NO-FAILURE", "RF-SLOW-CALL-IN-IMMEDIATE", "REC-ISOLATE-INTEGRATIONS"}


def addressed_headline(
    rule_id: str, subject: str, evidence: list | tuple, message: str = ""
) -> str:
    """What an addressed finding was about, without its "is missing" message: the rule's
    title and the row, service or question it concerned ("External service without
    failure handling: Stripe"). A catalogue entry is named by the title already; a
    group of addressed findings is counted and named by its message."""
    rule = RULES.get(rule_id)
    title = rule.title if rule else rule_id
    if subject.startswith("many-") and subject.endswith("-addressed") and message:
        return f"{title} — {message}"
    if subject in BY_SLUG or subject.startswith(("level-", "many-")) or not subject:
        return title
    name = ""
    for item in evidence if rule_id in SERVICE_RULES else ():  # as the team wrote it
        at = item.get("text", "").lower().find(subject.lower())
        if at >= 0:
            return f"{title}: {item['text'][at : at + len(subject)]}"
    for item in evidence:
        if item.get("kind") == "core_question":
            name = CORE_TITLES.get(item.get("name", ""), "")
        elif item.get("kind") not in ("context", "level"):
            name = item.get("name", "")
        if name:
            break
    return f"{title}: {name or subject}"
