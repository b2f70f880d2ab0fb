"""The method: the six planning levels, their questions and skip rules, in our words.

This is content, not behaviour. The editor, the advisor, the share page and the
PDF all read it, so a question asked in one place is asked the same way everywhere.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    help: str
    example: str
    required: bool = True


@dataclass(frozen=True)
class Level:
    number: int
    title: str
    short: str
    intro: str
    guidance: str
    questions: list[Question] = field(default_factory=list)
    never_skip: bool = False
    never_skip_reason: str = ""  # why the guide never skips it, said when someone tries
    skip_when: list[str] = field(default_factory=list)

    @property
    def step(self) -> str:
        return str(self.number)

    @property
    def skippable(self) -> bool:
        return not self.never_skip

    @property
    def required_keys(self) -> list[str]:
        return [q.key for q in self.questions if q.required]


LEVELS: list[Level] = [
    Level(
        number=1,
        title="API requirements mapping",
        short="Requirements",
        intro=(
            "Walk through the user's journey and write down what the frontend needs from "
            "the backend at each step: which data, how soon, and whether it must survive "
            "a lost connection. Everything after this level is derived from it."
        ),
        guidance=(
            "Start here and never skip it. Your constraints do most of the filtering: a "
            "small user base, a solo developer or an offline-first client each remove "
            "whole families of options before you consider them."
        ),
        never_skip=True,
        never_skip_reason="the guide calls it the one that everything else depends on",
        questions=[
            Question(
                "data_when",
                "What data does the frontend need, and at which moment?",
                "Go screen by screen. Note what must be there on first paint and what can "
                "arrive later.",
                "Chat list: the last message and unread count per conversation on open; "
                "older messages only when the user scrolls up.",
            ),
            Question(
                "fast_vs_async",
                "Which operations must answer fast, and which can finish in the background?",
                "Anything the user waits on with a spinner is fast. Anything whose result "
                "can show up a moment later can be async.",
                "Sending a message must feel instant; generating an AI summary can take "
                "ten seconds and appear when ready.",
            ),
            Question(
                "offline_sync",
                "What has to keep working offline and be synchronised later?",
                "Say what a user can do with no connection and what happens when two "
                "devices changed the same thing meanwhile.",
                "Reading recent conversations and drafting messages work offline; drafts "
                "are sent in order once the phone reconnects.",
            ),
            Question(
                "realtime_vs_polling",
                "Where do you need real-time updates, and where is polling enough?",
                "Real-time pushes changes the moment they happen; polling asks every few "
                "seconds or minutes. Choose per screen.",
                "New messages and typing indicators are pushed live; the settings page "
                "reloads on open.",
            ),
            Question(
                "external_services",
                "Which external services do you integrate with?",
                "List every third party the backend calls and what the user sees when it "
                "is slow or down.",
                "An LLM API for summaries, a push notification service, object storage "
                "for attachments.",
            ),
        ],
    ),
    Level(
        number=2,
        title="API boundary design",
        short="Boundaries",
        intro=(
            "Decide which operations belong together and which deserve their own "
            "boundary. Group by how things fail, scale and perform — not by how the code "
            "is arranged in folders."
        ),
        guidance=(
            "Common sense does most of the work here. A boundary earns its place by an "
            "operational reason: isolating failures, different performance or scaling "
            "needs, a security line, or an external system."
        ),
        skip_when=[
            "the backend is simple CRUD",
            "all operations have similar performance and reliability needs",
            "you are building a prototype or an MVP",
        ],
        questions=[
            Question(
                "auth_separate",
                "Should authentication be separate from the core features?",
                "Usually not: every request needs it, so a separate service adds a network "
                "hop to everything. Say why your case differs if it does.",
                "No. We use the platform's auth inside the core; every function checks the caller.",
            ),
            Question(
                "realtime_vs_batch",
                "Should real-time operations be separate from batch work?",
                "Usually yes: a slow batch job must not delay live traffic.",
                "Yes. Summaries and cleanup run as background jobs on their own queue; "
                "message delivery never waits for them.",
            ),
            Question(
                "external_isolated",
                "Should external service integrations be isolated?",
                "Usually yes: they fail on their own schedule, and their failure should "
                "stay theirs.",
                "The LLM calls live in an AI boundary with timeouts; chat keeps working "
                "when the provider is down.",
            ),
            Question(
                "updated_together",
                "Which data types are always updated together?",
                "Data written in the same operation belongs in the same boundary; splitting "
                "it means distributed transactions.",
                "Messages and conversation previews change together, so both live in the "
                "chat boundary.",
            ),
        ],
    ),
    Level(
        number=3,
        title="Operational functions",
        short="Operations",
        intro=(
            "Name the distinct pieces you will build — mutations, queries, background "
            "jobs, subscriptions, maintenance — and give each a boundary, a trigger and "
            "a latency you expect."
        ),
        guidance=(
            "Be explicit. Immediate operations store data, return quickly and hand heavy "
            "work to the background. Queries feed the screens. Subscriptions stream live "
            "data. Maintenance cleans up and watches health."
        ),
        questions=[
            Question(
                "responsibilities",
                "What is each group of functions responsible for, and what does it hand off?",
                "One or two sentences per boundary: what it owns, what it triggers elsewhere.",
                "Chat functions store messages and schedule notifications; AI jobs read "
                "messages and write summaries back; nothing else writes messages.",
            ),
        ],
    ),
    Level(
        number=4,
        title="Data relationships",
        short="Data",
        intro=(
            "Map the entities, where each one's truth lives, how related data stays in "
            "step, and what happens when a write fails halfway. This decides your schema "
            "and your consistency story."
        ),
        guidance=(
            "Never skip this level: consistency problems found in production are the "
            "most expensive kind. Be concrete about concurrent edits and partial failures."
        ),
        never_skip=True,
        never_skip_reason="consistency problems found in production are the most expensive kind",
        questions=[
            Question(
                "source_of_truth",
                "What is the single source of truth for each piece of data?",
                "For every entity, name the one place whose copy wins when copies disagree.",
                "The messages table is the truth for messages; the phone's local store is "
                "a cache that the server corrects.",
            ),
            Question(
                "sync",
                "How do related entities stay in sync when one of them changes?",
                "Same transaction, a follow-up job, an event, or a periodic repair — say "
                "which for each relationship that matters.",
                "Conversation.lastMessage is updated in the same mutation that inserts the "
                "message.",
            ),
            Question(
                "partial_failure",
                "What happens when an operation fails partway through?",
                "Walk through the multi-step writes: what is rolled back, retried or "
                "compensated, and what the user sees.",
                "Inserting the message and updating the preview is one transaction; the "
                "push notification is a retried job, so its failure never loses a message.",
            ),
            Question(
                "concurrent_updates",
                "How do you handle concurrent updates to the same data?",
                "Pick per entity: append-only, last write wins, version checks, locks or "
                "merge rules.",
                "Messages are append-only; conversation titles use a version check so two "
                "renames don't silently overwrite each other.",
            ),
            Question(
                "denormalization",
                "What data needs to be denormalised for performance?",
                "Copies save reads but must be kept in step. Only copy what a screen "
                "needs fast, and say who updates the copy.",
                "Unread counts per member are stored, not counted on every open.",
                required=False,
            ),
        ],
    ),
    Level(
        number=5,
        title="Architecture patterns",
        short="Patterns",
        intro=(
            "Choose patterns only for problems the earlier levels revealed. For each one, "
            "record the decision — adopt, reject or defer — the problem it solves and why."
        ),
        guidance=(
            "A pattern with no problem behind it is a cost with no benefit. Deferring is "
            "a fine decision: write down what would make you revisit it."
        ),
        skip_when=[
            "your user base is small (fewer than 1,000 active users)",
            "your data relationships are simple",
            "your framework carries most of the complexity (Convex, Supabase, Firebase)",
        ],
        questions=[
            Question(
                "problems_revealed",
                "Which problems from the earlier levels need a pattern at all?",
                "List the concrete pressures: slow operations, external failures, bursts "
                "of traffic, multi-step writes. The decisions below should answer them.",
                "AI summaries are slow and the provider fails often; message delivery "
                "must not depend on either.",
            ),
        ],
    ),
    Level(
        number=6,
        title="Implementation techniques",
        short="Techniques",
        intro=(
            "Go through the coding practices for data access, error handling and "
            "security. Mark what you plan, what is already in place and what you do not "
            "need, with a note on how."
        ),
        guidance=(
            "These are habits rather than architecture. Most plans need most of them in "
            "a light form; the notes are where you say how light."
        ),
        questions=[
            Question(
                "notes",
                "Anything about how you will build it that the checklist does not cover?",
                "Conventions, libraries, review rules, testing approach.",
                "Every mutation validates its arguments with a schema; integration tests "
                "run against a local backend in CI.",
                required=False,
            ),
        ],
    ),
]

CORE_QUESTIONS: list[tuple[str, str, str]] = [
    (
        "data_integrity",
        "Data integrity",
        "How does data stay consistent when many people read and write at once? Which "
        "operations may run concurrently, and which need coordination?",
    ),
    (
        "performance",
        "Performance under load",
        "How does the backend stay fast for a thousand users as well as one? Unlike the "
        "frontend, a slow backend is slow for everybody.",
    ),
    (
        "failure_isolation",
        "Failure isolation",
        "When something breaks, what stops it from taking the rest down with it? How "
        "does the product behave when an external service fails?",
    ),
    (
        "security",
        "Security boundaries",
        "Who may read which data and perform which operations? How is each request "
        "verified and authorised without getting in legitimate users' way?",
    ),
]


def level(number: int | str) -> Level:
    return LEVELS[int(number) - 1]
