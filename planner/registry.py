"""The plan's vocabulary, described once: steps, limits, choices, context fields and row kinds.

Everything that names a part of the plan reads it from here: the models (field
limits, choices, labels and constraints), the forms (labels and help), the plan
document (its keys, the schema's limits and enums, import), the advisor's input
(labels of choices), the workspace (which lists a step shows and counts), the
Markdown, the share page and the PDF tables. The method's *content* (the
levels' questions and guidance) lives in `planner.levels`; this module adds the
shape of the answers.

Layering: this module imports only Django's choice types and `planner.levels`.
Models, forms, the document, the advisor and the views import it; never the
other way round.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from planner.levels import LEVELS

# --- Steps ------------------------------------------------------------------------

LEVEL_NUMBERS: list[int] = [level.number for level in LEVELS]
LEVEL_STEPS: list[str] = [level.step for level in LEVELS]
STEPS: list[str] = ["context", *LEVEL_STEPS, "core"]
STEP_TITLES: dict[str, str] = {
    "context": "Context",
    **{level.step: level.title for level in LEVELS},
    "core": "Core questions",
}

# --- Limits: one set for forms, models, the document schema and import --------------


class Limit:
    NAME = 120  # a project's or row's name
    LINE = 200  # one line of text (a trigger, a source of truth, languages)
    SERVICES = 300  # a journey step's external services
    TEXT = 2000  # a paragraph (descriptions, reasons, notes)
    LONG_TEXT = 4000  # a long answer (the product, a rationale, a core answer)
    ANSWER = 10_000  # a key question's answer
    DISMISSAL_REASON = 1000
    FINDING_KEY = 300


# --- Choices -------------------------------------------------------------------------


class ScaleBand(models.TextChoices):
    UNDER_100 = "lt100", "Fewer than 100 active users"
    UNDER_1K = "lt1k", "100 – 1,000 active users"
    UNDER_10K = "lt10k", "1,000 – 10,000 active users"
    UNDER_100K = "lt100k", "10,000 – 100,000 active users"
    OVER_100K = "gt100k", "100,000+ active users"


class TeamSize(models.TextChoices):
    SOLO = "solo", "Solo developer"
    SMALL = "2-5", "2 – 5 engineers"
    MEDIUM = "6-20", "6 – 20 engineers"
    LARGE = "20+", "More than 20 engineers"


class Platform(models.TextChoices):
    DJANGO = "django", "Django"
    RAILS = "rails", "Rails"
    EXPRESS = "express", "Express / Nest"
    SPRING = "spring", "Spring"
    CONVEX = "convex", "Convex"
    SUPABASE = "supabase", "Supabase"
    FIREBASE = "firebase", "Firebase"
    OTHER = "other", "Other"


class ClientKind(models.TextChoices):
    WEB = "web", "Web"
    MOBILE = "mobile", "Mobile"
    DESKTOP = "desktop", "Desktop"
    API = "api", "Third-party API consumers"


class Need(models.TextChoices):
    NONE = "none", "Not needed"
    SOME = "some", "In a few places"
    CORE = "core", "Central to the product"


class Sensitivity(models.TextChoices):
    NONE = "none", "Nothing sensitive"
    PII = "pii", "Personal data (PII)"
    PAYMENTS = "payments", "Payments"
    HEALTH = "health", "Health data"


class Stage(models.TextChoices):
    PROTOTYPE = "prototype", "Prototype"
    MVP = "mvp", "MVP"
    PRODUCTION = "production", "In production"
    SCALING = "scaling", "Scaling up"


class LevelStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    SKIPPED = "skipped", "Skipped"


class Timing(models.TextChoices):
    FAST = "fast", "Fast (user waits)"
    ASYNC = "async", "Can be async"


class Updates(models.TextChoices):
    NONE = "none", "Loaded on request"
    POLLING = "polling", "Polling is enough"
    REALTIME = "realtime", "Real-time push"


class BoundaryReason(models.TextChoices):
    FAILURE_ISOLATION = "failure_isolation", "Failure isolation"
    PERFORMANCE = "performance", "Different performance needs"
    SCALING = "scaling", "Different scaling needs"
    SECURITY = "security", "Security boundary"
    EXTERNAL = "external", "External integration"
    CORE = "core", "Core of the product (everything else lives here)"
    ORGANISATION = "organisation", "Code organisation only"


class Category(models.TextChoices):
    IMMEDIATE = "immediate", "Immediate user operation"
    QUERY = "query", "Data retrieval query"
    BACKGROUND = "background", "Background processing"
    REALTIME = "realtime", "Real-time subscription"
    MAINTENANCE = "maintenance", "System maintenance"


class Latency(models.TextChoices):
    INTERACTIVE = "interactive", "Interactive (< 200 ms)"
    FAST = "fast", "Fast (< 1 s)"
    SECONDS = "seconds", "Seconds"
    DEFERRED = "deferred", "Minutes or later"


class Concurrency(models.TextChoices):
    NONE = "none", "Single writer, no coordination"
    LAST_WRITE = "last_write", "Last write wins"
    OPTIMISTIC = "optimistic", "Optimistic (version check)"
    LOCKING = "locking", "Row locks / transactions"
    APPEND_ONLY = "append_only", "Append-only"
    MERGE = "merge", "Merge / conflict resolution"


class Cardinality(models.TextChoices):
    ONE_ONE = "1:1", "One to one"
    ONE_MANY = "1:N", "One to many"
    MANY_MANY = "N:M", "Many to many"


class DecisionStatus(models.TextChoices):
    ADOPT = "adopt", "Adopt"
    REJECT = "reject", "Reject"
    DEFER = "defer", "Defer"


class TechniqueStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PLACE = "in_place", "Already in place"
    NOT_NEEDED = "not_needed", "Not needed"


class CoreQuestionKey(models.TextChoices):
    DATA_INTEGRITY = "data_integrity", "Data integrity"
    PERFORMANCE = "performance", "Performance under load"
    FAILURE_ISOLATION = "failure_isolation", "Failure isolation"
    SECURITY = "security", "Security boundaries"


# --- Fields ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One answer field: how it is stored, labelled, limited and written in the document.

    `type` is one of: "text" (a paragraph), "line" (one line), "choice", "choices"
    (several of `choices`), "flag" (yes/no), "ref" (another row of the plan, by
    name in the document), "refs" (several rows).
    """

    name: str
    label: str
    type: str = "text"
    limit: int | None = None
    choices: type[models.TextChoices] | None = None
    help: str = ""
    required: bool = False  # the form refuses it empty
    ref: str | None = None  # for "ref"/"refs": the row kind referred to
    doc: str | None = None  # its key in the plan document, when not `name`
    short: str = ""  # a shorter heading for tables, when the label is a question

    @property
    def heading(self) -> str:
        return self.short or self.label

    @property
    def doc_key(self) -> str:
        return self.doc or self.name

    @property
    def is_text(self) -> bool:
        return self.type in ("text", "line")

    def display(self, value) -> str:
        """The value as a person reads it ("" when empty)."""
        if value in (None, "", [], False):
            return ""
        if self.choices is not None:
            labels = dict(self.choices.choices)
            values = value if isinstance(value, list) else [value]
            return ", ".join(str(labels.get(v, v) if isinstance(v, str) else v) for v in values)
        if self.type == "flag":
            return "Yes"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)


def text(name, label, limit=Limit.TEXT, **kw) -> Field:
    return Field(name, label, "text", limit, **kw)


def line(name, label, limit=Limit.LINE, **kw) -> Field:
    return Field(name, label, "line", limit, **kw)


def choice(name, label, choices, **kw) -> Field:
    return Field(name, label, "choice", choices=choices, **kw)


# --- The context (the guide's context filter) ---------------------------------------------

CONTEXT_FIELDS: list[Field] = [
    text(
        "product",
        "What is the product?",
        Limit.LONG_TEXT,
        help="One or two sentences: what the product does and for whom.",
        short="Product",
    ),
    choice(
        "scale",
        "User scale",
        ScaleBand,
        help="Active users you expect in the next year, not the dream.",
    ),
    choice("team_size", "Team size", TeamSize, help="Who will build and run the backend."),
    choice("stage", "Stage", Stage, help="Where the product is today."),
    line("languages", "Languages", help="Comma-separated, e.g. TypeScript, Python."),
    choice(
        "platform",
        "Platform",
        Platform,
        help="The framework or backend platform you build on.",
        short="Framework or platform",
    ),
    Field(
        "clients",
        "Clients",
        "choices",
        choices=ClientKind,
        help="Every kind of client that calls the backend.",
    ),
    choice(
        "realtime",
        "Realtime",
        Need,
        help="Do users need to see changes as they happen?",
        short="Real-time needs",
    ),
    choice(
        "offline",
        "Offline",
        Need,
        help="Must the app work without a connection?",
        short="Offline needs",
    ),
    choice(
        "ai",
        "AI / LLM integration",
        Need,
        help="Does the backend call language models or other AI services?",
    ),
    choice(
        "sensitivity",
        "Data sensitivity",
        Sensitivity,
        help="The most sensitive kind of data you store.",
    ),
    text(
        "external_services",
        "External services",
        help="One per line: payment providers, email, LLM APIs, …",
    ),
]
CONTEXT: dict[str, Field] = {f.name: f for f in CONTEXT_FIELDS}
# What the context step needs before it counts as complete.
CONTEXT_REQUIRED: list[str] = ["product", "scale", "team_size", "platform", "stage"]


# --- Row kinds: the list answers of the levels ----------------------------------------------


@dataclass(frozen=True)
class RowKind:
    """One kind of list answer. `key` names it everywhere (URLs, anchors, evidence);
    `list_key` is its list in the plan document."""

    key: str
    level: int
    noun: str
    plural: str
    list_key: str
    fields: list[Field] = field(default_factory=list)
    # What makes a row unique in its plan (case-insensitively for names).
    unique: tuple[str, ...] = ("name",)
    # Rows whose fields are edited in the level's list (techniques are a checklist).
    listed: bool = True

    @property
    def step(self) -> str:
        return str(self.level)

    @property
    def a_noun(self) -> str:
        return with_article(self.noun)

    @property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def field(self, name: str) -> Field:
        return self.by_name[name]


# Words that start with a vowel letter but a consonant sound, and the reverse.
_CONSONANT_SOUND = ("one", "once", "uni", "use", "usu", "uti", "eu")
_VOWEL_SOUND = ("hour", "honest", "honour")


def with_article(noun: str) -> str:
    """“an operation”, “a boundary”: the indefinite article a reader expects."""
    word = noun.lower()
    vowel = word[:1] in "aeiou" and not word.startswith(_CONSONANT_SOUND)
    return f"{'an' if vowel or word.startswith(_VOWEL_SOUND) else 'a'} {noun}"


def name_field(help_text: str, label: str = "Name") -> Field:
    return Field("name", label, "line", Limit.NAME, help=help_text, required=True)


ROW_KIND_LIST: list[RowKind] = [
    RowKind(
        "journey_step",
        1,
        "journey step",
        "Journey steps",
        "journey_steps",
        [
            name_field("A step of the user's journey, e.g. “Open a conversation”.", "Journey step"),
            text(
                "data_needed",
                "Data the frontend needs, and when",
                Limit.LONG_TEXT,
                short="Data the frontend needs",
            ),
            choice("timing", "Timing", Timing, required=True),
            choice("updates", "Updates", Updates, required=True),
            Field("offline", "Works offline, syncs later", "flag", short="Offline"),
            line(
                "external_services",
                "External services",
                Limit.SERVICES,
                help="Services this step touches, comma-separated.",
                short="External",
            ),
        ],
    ),
    RowKind(
        "boundary",
        2,
        "boundary",
        "Boundaries",
        "boundaries",
        [
            name_field(""),
            text("responsibility", "Responsibility"),
            choice(
                "reason",
                "Operational reason for the boundary",
                BoundaryReason,
                short="Reason",
                help="Why this is separate: failure isolation, performance, scaling, "
                "security or an external system. “Code organisation only” is a red flag.",
            ),
        ],
    ),
    RowKind(
        "operation",
        3,
        "operation",
        "Operations",
        "operations",
        [
            name_field(""),
            choice("category", "Category", Category, required=True),
            Field("boundary", "Boundary", "ref", ref="boundary"),
            line(
                "trigger",
                "Trigger",
                help="What starts it: a user action, a schedule, another operation.",
            ),
            choice("latency", "Latency", Latency),
            Field(
                "entities",
                "Entities",
                "refs",
                ref="entity",
                help="The data it reads or writes (from Level 4).",
            ),
            Field(
                "journey_steps",
                "Journey steps it serves",
                "refs",
                ref="journey_step",
                help="The Level 1 steps this operation is there for.",
                short="Serves",
            ),
        ],
    ),
    RowKind(
        "entity",
        4,
        "entity",
        "Entities",
        "entities",
        [
            name_field(""),
            text("description", "Description"),
            line(
                "source_of_truth",
                "Source of truth",
                help="The one place whose copy wins, e.g. “messages table”.",
            ),
            Field("boundary", "Boundary", "ref", ref="boundary"),
            choice(
                "concurrency",
                "Concurrency",
                Concurrency,
                help="How concurrent updates to it are handled.",
            ),
            text(
                "denormalized",
                "Denormalised copies",
                short="Copies",
                help="Copies kept elsewhere for speed, and who updates them.",
            ),
        ],
    ),
    RowKind(
        "relationship",
        4,
        "relationship",
        "Relationships",
        "relationships",
        [
            Field("source", "From entity", "ref", ref="entity", required=True),
            Field("target", "To entity", "ref", ref="entity", required=True),
            choice("cardinality", "Cardinality", Cardinality, required=True),
            text("sync", "How they stay in sync"),
            text("failure", "When an update fails partway", short="When an update fails"),
        ],
        unique=("source", "target"),
    ),
    RowKind(
        "decision",
        5,
        "decision",
        "Decisions",
        "decisions",
        [
            Field("entry", "Pattern", "ref", ref="pattern", required=True, doc="pattern"),
            choice("status", "Status", DecisionStatus, required=True),
            text(
                "problem",
                "Problem it solves",
                help="The problem from earlier levels that this pattern answers.",
            ),
            text("rationale", "Rationale", Limit.LONG_TEXT),
        ],
        unique=("entry",),
    ),
    RowKind(
        "technique",
        6,
        "technique",
        "Techniques",
        "techniques",
        [
            Field("entry", "Technique", "ref", ref="technique", required=True, doc="technique"),
            choice("status", "Status", TechniqueStatus, required=True),
            text("notes", "Notes"),
        ],
        unique=("entry",),
        listed=False,
    ),
]
ROW_KINDS: dict[str, RowKind] = {kind.key: kind for kind in ROW_KIND_LIST}
# The earlier answers a decision can name as what revealed its problem.
REVEALED_BY_KINDS: list[str] = ["journey_step", "operation", "entity", "relationship"]


def level_kinds(number: int) -> list[RowKind]:
    """The list answers a level holds, in the order they are shown."""
    return [kind for kind in ROW_KIND_LIST if kind.level == number]


# The rows a level needs at least one of before it can be marked complete.
REQUIRED_ROWS: dict[int, str] = {n: level_kinds(n)[0].key for n in LEVEL_NUMBERS}

# --- Core questions -------------------------------------------------------------------------

CORE_ANSWER = text("answer", "Answer", Limit.LONG_TEXT)
