"""A forgiving, read-only view of a plan document for the rules.

Plan documents arrive half-filled, hand-edited or from older versions. `Plan`
turns whatever it is given into plain typed values — missing keys become empty
strings and lists, wrong types are ignored, unknown enum values stay as text —
so rules never have to guard against the shape of the input.
"""

import re
from dataclasses import dataclass, field, fields
from functools import cache, lru_cache
from typing import Any

from planner import registry
from planner.advisor.findings import Evidence, evidence
from planner.catalogue_data import BY_SLUG, entry_name

# Labels of the context's choices, by field ("need" for the three need fields).
LABELS: dict[str, dict[str, str]] = {
    **{
        f.name: dict(f.choices.choices)
        for f in registry.CONTEXT_FIELDS
        if f.type == "choice" and f.choices is not registry.Need
    },
    "need": dict(registry.Need.choices),
}
SCALE_ORDER = registry.ScaleBand.values
KEY_CONTEXT = ("scale", "team_size", "platform", "stage")
BAAS_PLATFORMS = {"convex", "supabase", "firebase"}
CONTEXT_KEYS = [f.name for f in registry.CONTEXT_FIELDS if f.type != "choices"]
STEP_OF_KIND = {key: kind.step for key, kind in registry.ROW_KINDS.items()}


def scalar_fields(kind: str) -> list[str]:
    """The fields of a row kind the rules read as text (flags and lists apart)."""
    return [f.doc_key for f in registry.ROW_KINDS[kind].fields if f.type not in ("flag", "refs")]


def answer_fields(kind: str) -> set[str]:
    """The free-text answers of a row kind: a placeholder there counts as blank."""
    return {f.doc_key for f in registry.ROW_KINDS[kind].fields if f.is_text and f.name != "name"}


# Words that say how a failure is handled, and where a sentence ends.
FAILURE_WORDS = re.compile(
    r"\b(time ?outs?|timed out|times out|fall ?backs?|retr(y|ies|ied)|circuit|backoff|"
    r"degrade[sd]?|queued?|dead.letter)\b",
    re.IGNORECASE,
)
SERVICE_QUESTIONS = {"external_services", "external_isolated"}  # level questions about them
FAILURE_STEMS = ("time", "fall", "retr", "circuit", "backoff", "degrade", "queue", "dead")
SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


def says_failure(said: str) -> bool:
    """The text says how a failure is handled (a cheap check first: most text does not)."""
    low = said.lower()
    return any(stem in low for stem in FAILURE_STEMS) and FAILURE_WORDS.search(said) is not None


# What people type for "not yet": never an answer.
_PUNCTUATION = r"[\s?.!\-_*/…—–]*"
PLACEHOLDER = re.compile(
    _PUNCTUATION
    + r"(tbd|tba|tbc|todo|to ?do|n[./]?a|none yet|wip|later|xxx+|fill in|fixme)?"
    + _PUNCTUATION,
    re.IGNORECASE,
)
# A note to self, however long: "TODO: ask Bob", "TBD - after the pilot".
TODO_NOTE = re.compile(r"\s*(tbd|tba|tbc|todo|to ?do|wip|fixme|xxx+)\s*[:\-–—(]", re.IGNORECASE)


def text(value: Any) -> str:
    """Any scalar as trimmed text; containers and None as ''."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


PLACEHOLDER_MAX = 16  # longer text is never a placeholder


def is_placeholder(value: str) -> bool:
    if len(value) <= PLACEHOLDER_MAX and PLACEHOLDER.fullmatch(value) is not None:
        return True
    return TODO_NOTE.match(value) is not None


def answered(value: Any) -> str:
    """The text as an answer: '' for blanks and placeholders ("TBD", "?", "n/a", "todo")."""
    value = text(value)
    return "" if is_placeholder(value) else value


@cache
def word_pattern(words: str) -> re.Pattern:
    """Whole words or phrases, case-insensitive: "load" never matches "Uploaded"."""
    return re.compile(rf"(?<!\w){re.escape(words)}(?!\w)", re.IGNORECASE)


def mentions(haystack: str, name: str) -> bool:
    return bool(name) and word_pattern(name).search(haystack) is not None


def lower_first(value: str) -> str:
    """Lower-case the first letter only, so labels such as "PII" keep their capitals."""
    return value[:1].lower() + value[1:]


def rows(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


BRACKETED = re.compile(r"\s*\([^)]*\)")
DASH_NOTE = re.compile(r"\s+[—–-]\s.*$")


@lru_cache(maxsize=4096)  # a pure function of the text: a save reads every step's again
def split_services(value: str) -> tuple[str, ...]:
    """External services written one per line or separated by commas/semicolons; a note
    in brackets or after a dash is not part of the name ("OpenAI API (summaries)",
    "Stripe - payments, Mailgun – email"), and a placeholder ("n/a", "todo") is no service."""
    if "(" in value:
        value = BRACKETED.sub("", value)
    for separator in (",", ";"):
        value = value.replace(separator, "\n")
    parts = [DASH_NOTE.sub("", part).strip().rstrip("?!.") for part in value.splitlines()]
    return tuple(part for part in parts if part and not is_placeholder(part))


# --- what a rule reads ---------------------------------------------------------------
#
# The engine keeps each rule's findings with the parts of the plan the rule read (its
# fields: `context`, `levels`, `operations`, …). After a save only the rules that read a
# changed part run again (`advisor.run_rules`): a rule is a pure function of what it read.


class Part:
    """A field of `Plan` that notes each read in the plan's `reads` while one is kept."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, plan: "Plan | None", owner: type | None = None) -> Any:
        if plan is None:
            return self
        values = plan.__dict__
        reads = values["reads"]
        if reads is not None:
            reads.add(self.name)
        return values["_" + self.name]

    def __set__(self, plan: "Plan", value: Any) -> None:
        plan.__dict__["_" + self.name] = value


class derived:  # noqa: N801  (used like functools.cached_property)
    """A value worked out from parts once per plan; every read of it, first or not, notes
    the parts it was worked out from."""

    def __init__(self, work: Any) -> None:
        self.work = work
        self.__doc__ = work.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = "derived_" + name

    def __get__(self, plan: "Plan | None", owner: type | None = None) -> Any:
        if plan is None:
            return self
        return worked_out(plan, self.key, self.work)


class compared(derived):  # noqa: N801
    """A derived value that the engine compares between runs, as it compares parts: a
    read of it notes its own name, not the parts it was worked out from, so a rule that
    reads it runs again only when its value changed (`Run.changed`). For a value many
    rules read and most saves leave alone (the plan's external services)."""

    def __set_name__(self, owner: type, name: str) -> None:
        super().__set_name__(owner, name)
        self.name = name

    def __get__(self, plan: "Plan | None", owner: type | None = None) -> Any:
        if plan is None:
            return self
        return worked_out(plan, self.key, self.work, note=self.name)


def worked_out(plan: "Plan", key: str, work: Any, note: str | None = None) -> Any:
    """`work(plan)`, worked out once per plan and kept under `key` with the parts it was
    worked out from; each read notes those parts (a rule's helper shared by several
    rules uses it too), or only `note`, the name of a `compared` value."""
    values = plan.__dict__
    known = values["worked"].get(key)
    if known is None:
        outer = values["reads"]
        values["reads"] = inner = set()
        try:
            value = work(plan)
        finally:
            values["reads"] = outer
        known = values["worked"][key] = (value, frozenset(inner))
    reads = values["reads"]
    if reads is not None:
        if note is None:
            reads |= known[1]
        else:
            reads.add(note)
    return known[0]


def compared_value(plan: "Plan", name: str) -> tuple[Any, frozenset[str]]:
    """A `compared` value of the plan, and the parts it was worked out from."""
    getattr(plan, name)
    return plan.__dict__["worked"]["derived_" + name]


@dataclass
class Level:
    number: str
    status: str = ""
    skip_reason: str = ""
    answers: dict[str, str] = field(default_factory=dict)

    @property
    def skipped(self) -> bool:
        return self.status == "skipped"

    def answer(self, key: str) -> str:
        return self.answers.get(key, "")


def advisor_row(kind: str, raw: dict) -> dict[str, Any]:
    """One row of a plan document's list as the rules read it: text trimmed, placeholders
    in answers blank, and each kind's extras (a journey step's offline flag, an
    operation's entities as sorted names, a relationship's name, a decision's source).
    A pure function of `raw`: the save path keeps its results (`document.advisor_plan`)."""
    fields, answers = scalar_fields(kind), answer_fields(kind)
    # Strings are the common case: strip them here, `text` for the rest.
    row: dict[str, Any] = {
        key: v.strip() if type(v) is str else text(v) for key in fields for v in (raw.get(key),)
    }
    for key in answers:
        if row[key] and is_placeholder(row[key]):
            row[key] = ""
    if kind == "journey_step":
        row["offline"] = raw.get("offline") is True
    elif kind == "operation":
        ents = raw.get("entities")
        row["entities"] = (
            sorted({text(e) for e in ents if text(e)}) if isinstance(ents, list) else []
        )
    elif kind == "relationship":
        row["name"] = f"{row['source'] or '?'} -> {row['target'] or '?'}"
    elif kind == "decision":
        revealed = mapping(raw.get("revealed_by"))
        row["revealed_kind"] = text(revealed.get("kind"))
        row["revealed_name"] = text(revealed.get("name"))
    return row


@dataclass
class Plan:
    context: dict[str, str]
    clients: list[str]
    levels: dict[str, Level]
    journey_steps: list[dict[str, Any]]
    boundaries: list[dict[str, Any]]
    operations: list[dict[str, Any]]
    entities: list[dict[str, Any]]
    relationships: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    techniques: list[dict[str, Any]]
    custom_names: dict[str, str]  # the team's own catalogue entries, slug -> name
    core_questions: dict[str, dict[str, Any]]
    dismissed: dict[str, str]
    # Levels open findings ask work in; set by the engine before the skip advice runs.
    asked_levels: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.reads: set[str] | None = None  # the parts read meanwhile, while a set
        # What `worked_out` worked out: key -> (value, the parts it came from).
        self.worked: dict[str, tuple[Any, frozenset[str]]] = {}

    # --- building ----------------------------------------------------------------

    @classmethod
    def from_document(cls, document: Any, lists: dict[str, list] | None = None) -> "Plan":
        """The plan as the rules read it. `lists`: each row kind's rows made by
        `advisor_row` already (the document's own lists are then not read)."""
        doc = mapping(document)
        context_raw = mapping(doc.get("context"))
        context = {key: text(context_raw.get(key)) for key in CONTEXT_KEYS}
        context["external_services"] = answered(context["external_services"])
        clients_raw = context_raw.get("clients")
        clients = [text(c) for c in clients_raw if text(c)] if isinstance(clients_raw, list) else []

        levels: dict[str, Level] = {}
        levels_raw = mapping(doc.get("levels"))
        for number in registry.LEVEL_STEPS:
            raw = mapping(levels_raw.get(number, levels_raw.get(int(number))))
            answers = {
                text(k): answered(v) for k, v in mapping(raw.get("answers")).items() if text(k)
            }
            levels[number] = Level(
                number, text(raw.get("status")), answered(raw.get("skip_reason")), answers
            )

        if lists is None:
            lists = {
                kind: [advisor_row(kind, raw) for raw in rows(doc.get(spec.list_key))]
                for kind, spec in registry.ROW_KINDS.items()
            }
        custom_names = {
            text(e.get("slug")): text(e.get("name")) or text(e.get("slug"))
            for e in rows(doc.get("custom_entries"))
            if text(e.get("slug"))
        }

        core_questions = {}
        for key, raw in mapping(doc.get("core_questions")).items():
            raw = mapping(raw)
            core_questions[text(key)] = {
                "answer": answered(raw.get("answer")),
                "levels": raw.get("levels"),
            }

        dismissed: dict[str, str] = {}
        for item in rows(doc.get("dismissed_findings")):
            key = text(item.get("key"))
            if key:  # never an empty string: "dismissed" must read as true
                dismissed[key] = text(item.get("reason")) or "(no reason given)"

        return cls(
            context=context,
            clients=clients,
            levels=levels,
            # Each list under its document key: `journey_steps`, `boundaries`, …
            **{spec.list_key: lists[kind] for kind, spec in registry.ROW_KINDS.items()},
            custom_names=custom_names,
            core_questions=core_questions,
            dismissed=dismissed,
        )

    # --- the context filter's vocabulary -----------------------------------------

    @property
    def scale_rank(self) -> int | None:
        scale = self.context["scale"]
        return SCALE_ORDER.index(scale) if scale in SCALE_ORDER else None

    @property
    def small_scale(self) -> bool:
        """Fewer than 1,000 active users."""
        return self.scale_rank is not None and self.scale_rank <= 1

    @property
    def large_scale(self) -> bool:
        """100,000+ active users."""
        return self.context["scale"] == "gt100k"

    @property
    def small_team(self) -> bool:
        return self.context["team_size"] in {"solo", "2-5"}

    @property
    def large_team(self) -> bool:
        return self.context["team_size"] in {"6-20", "20+"}

    @property
    def solo(self) -> bool:
        return self.context["team_size"] == "solo"

    @property
    def baas(self) -> bool:
        return self.context["platform"] in BAAS_PLATFORMS

    @property
    def early_stage(self) -> bool:
        return self.context["stage"] in {"prototype", "mvp"}

    def needs(self, key: str) -> bool:
        return self.context.get(key) in {"some", "core"}

    def ctx(self, key: str) -> Evidence:
        """Evidence for a context answer, shown with its label where it has one."""
        value = self.context.get(key, "")
        labels = LABELS.get(key) or (LABELS["need"] if key in {"realtime", "offline", "ai"} else {})
        return evidence("context", "context", key, labels.get(value, value))

    # --- the plan's rows -----------------------------------------------------------

    @property
    def custom_slugs(self) -> set[str]:
        return set(self.custom_names)

    def entry_name(self, slug: str) -> str:
        """A catalogue entry by name: the shared catalogue's, or the team's own."""
        return self.custom_names.get(slug) or entry_name(slug)

    def adopted(self, *slugs: str) -> list[dict[str, Any]]:
        wanted = set(slugs)
        return [d for d in self.decisions if d["status"] == "adopt" and d["pattern"] in wanted]

    def technique_used(self, *slugs: str) -> list[dict[str, Any]]:
        wanted = set(slugs)
        return [
            t
            for t in self.techniques
            if t["technique"] in wanted and t["status"] in {"planned", "in_place"}
        ]

    def acted_on(self, *slugs: str, considered: bool = True) -> list[Evidence]:
        """What the plan does about these catalogue entries: adopted decisions, planned or
        in-place techniques and, when `considered`, a decision rejected or deferred with
        its reason written down, or a technique marked not needed with a note saying why
        (the team weighed the advice and answered it)."""
        found = [decision_evidence(d) for d in self.adopted(*slugs)]
        found += [technique_evidence(t) for t in self.technique_used(*slugs)]
        if considered:
            found += [
                decision_evidence(d)
                for d in self.decisions
                if d["pattern"] in slugs
                and d["status"] in {"reject", "defer"}
                and (d["rationale"] or d["problem"])
            ]
            found += [
                technique_evidence(t)
                for t in self.techniques
                if t["technique"] in slugs and t["status"] == "not_needed" and t["notes"]
            ]
        return found

    def built_in(self, slug: str) -> list[Evidence]:
        """The team's platform provides this catalogue entry itself (Convex's caching,
        Supabase's pooler): the platform is what addresses a recommendation of it."""
        platforms = BY_SLUG.get(slug, {}).get("builtin_platforms", [])
        return [self.ctx("platform")] if self.context["platform"] in platforms else []

    def respected(self, slug: str, level: str) -> list[Evidence]:
        """What shows a ruled-out entry is kept out: a decision rejecting or deferring it,
        or its level finished (complete or skipped) without adopting it."""
        if self.adopted(slug) or self.technique_used(slug):
            return []
        found = [
            decision_evidence(d)
            for d in self.decisions
            if d["pattern"] == slug and d["status"] in {"reject", "defer"}
        ]
        lvl = self.levels.get(level)
        if not found and lvl is not None and lvl.status in {"complete", "skipped"}:
            status = dict(registry.LevelStatus.choices).get(lvl.status, lvl.status)
            found.append(evidence(level, "level", "status", status))
        return found

    def external_services(self) -> list[tuple[str, Evidence]]:
        """Each external service once (case-insensitive), with where it was named."""
        found: dict[str, tuple[str, Evidence]] = {}
        for service in split_services(self.context["external_services"]):
            # The service's own line of the answer: its findings cite it, not the list.
            named = evidence("context", "context", "external_services", service)
            found.setdefault(service.lower(), (service, named))
        for step in self.journey_steps:
            for service in split_services(step["external_services"]):
                found.setdefault(
                    service.lower(),
                    (service, row_evidence("journey_step", step, step["external_services"])),
                )
        return [found[key] for key in sorted(found)]

    @compared
    def services(self) -> list[tuple[str, Evidence]]:
        return self.external_services()

    def all_services_evidence(self) -> Evidence:
        """Where the plan lists its external services as a whole: the context's answer,
        else the first journey step that names one."""
        if self.context["external_services"]:
            return self.ctx("external_services")
        return self.services[0][1]

    @derived
    def failure_sentences(self) -> list[tuple[Evidence, set[str]]]:
        """Sentences of free-text answers that say how a failure is handled ("times out",
        "retry", "fallback"): the answer each is from (level answers, core answers and
        relationships' sync and failure notes) and the services it names."""
        sources: list[tuple[Any, str]] = [
            ((n, "level", key), value)
            for n, lvl in self.levels.items()
            for key, value in lvl.answers.items()
        ]
        sources += [
            (("core", "core_question", key), q["answer"]) for key, q in self.core_questions.items()
        ]
        return self._failures_in(sources) + self.relationship_failures

    @derived
    def relationship_failures(self) -> list[tuple[Evidence, set[str]]]:
        """`failure_sentences` of the relationships, worked out apart: a plan has many,
        and most saves leave them (and the services) alone, so the value carries over."""
        return self._failures_in(
            [(rel, f"{rel['sync']}. {rel['failure']}") for rel in self.relationships]
        )

    def _failures_in(self, sources: list[tuple[Any, str]]) -> list[tuple[Evidence, set[str]]]:
        found = []
        for where, said in sources:
            if not says_failure(said):
                continue
            if not isinstance(where, tuple):  # a relationship row
                ev = row_evidence("relationship", where, said.strip(". "))
            else:
                ev = evidence(*where, said)
            found += [
                (ev, self.services_in(part))
                for part in SENTENCE.split(said)
                if FAILURE_WORDS.search(part)
            ]
        return found

    @derived
    def failure_answers(self) -> dict[str, list[Evidence]]:
        """The answers that say how each service's failures are handled, by service
        (lower-cased); under "" the answers to a question about external services that
        name none of them (they speak for all)."""
        found: dict[str, list[Evidence]] = {}
        for ev, named in self.failure_sentences:
            if named:
                for name in named:
                    found.setdefault(name, []).append(ev)
            elif ev["kind"] == "level" and ev["name"] in SERVICE_QUESTIONS:
                found.setdefault("", []).append(ev)
        return found

    @derived
    def service_pattern(self) -> re.Pattern | None:
        """One pattern for every external service's name, whole words."""
        names = sorted({name for name, _ in self.services}, key=len, reverse=True)
        if not names:
            return None
        alternatives = "|".join(re.escape(name) for name in names)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    @derived
    def service_calls(self) -> dict[int, set[str]]:
        """The services (lower-cased) each operation calls, by the operation's index: those
        its name or trigger names."""
        calls: dict[int, set[str]] = {}
        if self.service_pattern is None:
            return calls
        for index, op in enumerate(self.operations):
            said = f"{op['name']} {op['trigger']}"
            found = {m.lower() for m in self.service_pattern.findall(said)}
            if found:
                calls[index] = found
        return calls

    def services_in(self, said: str) -> set[str]:
        """The external services (lower-cased) a text names."""
        if self.service_pattern is None or not said:
            return set()
        return {m.lower() for m in self.service_pattern.findall(said)}

    @derived
    def _callers(self) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        for index, names in self.service_calls.items():
            for name in names:
                found.setdefault(name, []).append(self.operations[index])
        return found

    def callers(self, service: str) -> list[dict[str, Any]]:
        """The operations that call `service`, in the plan's order."""
        return self._callers.get(service.lower(), [])

    @derived
    def all_text(self) -> str:
        """Everything the team wrote, lower-cased, for 'is X mentioned anywhere' checks."""
        parts = [answer for lvl in self.levels.values() for answer in lvl.answers.values()]
        parts += [q["answer"] for q in self.core_questions.values()]
        for collection in (self.boundaries, self.decisions, self.techniques, self.relationships):
            for row in collection:
                parts += [value for key, value in row.items() if isinstance(value, str)]
        return "\n".join(parts).lower()

    def level_is_empty(self, number: str) -> bool:
        """Nothing answered and no rows in the level."""
        if any(self.levels[number].answers.values()):
            return False
        return not any(getattr(self, kind.list_key) for kind in registry.level_kinds(int(number)))

    @property
    def context_known(self) -> bool:
        """The context the advice leans on most is filled in: the plan has begun."""
        return all(self.context[key] for key in KEY_CONTEXT)

    def has_content_after(self, number: str) -> bool:
        later = [n for n in registry.LEVEL_STEPS if int(n) > int(number)]
        return any(not self.level_is_empty(n) for n in later)


def _track_parts() -> tuple[str, ...]:
    """Make each field of `Plan` a `Part`; a new plan keeps no reads until asked to."""
    names = tuple(f.name for f in fields(Plan))
    for name in names:
        part = Part()
        part.__set_name__(Plan, name)
        setattr(Plan, name, part)
    return names


PARTS = _track_parts()
COMPARED = tuple(name for name, value in vars(Plan).items() if isinstance(value, compared))


DECISION_STATUS = dict(registry.DecisionStatus.choices)
TECHNIQUE_STATUS = dict(registry.TechniqueStatus.choices)


def decision_evidence(decision: dict[str, Any]) -> Evidence:
    status = DECISION_STATUS.get(decision["status"], decision["status"])
    shown = decision["problem"] or decision["rationale"] or "(no problem recorded)"
    return row_evidence("decision", decision, f"{status}: {shown}")


def technique_evidence(technique: dict[str, Any]) -> Evidence:
    status = technique["status"]
    label = TECHNIQUE_STATUS.get(status, status)
    shown = f"{label}: {technique['notes']}" if technique["notes"] else label
    return evidence("6", "technique", technique["technique"], shown)


class Clusters:
    """Names joined into groups when they appear together (union-find): red flags report
    one finding per group, so their number grows at most linearly with the plan."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def root(self, name: str) -> str:
        parent = self.parent
        parent.setdefault(name, name)
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    def join(self, names: list[str]) -> None:
        for other in names[1:]:
            self.parent[self.root(other)] = self.root(names[0])


SUBJECT_MAX = 200  # a dismissal key holds the subject (registry.Limit.FINDING_KEY)


def joined_subject(names: list[str]) -> str:
    """A subject naming several rows, kept short enough for a dismissal key; stable while
    the first row and the count stay the same."""
    subject = "+".join(names)
    return subject if len(subject) <= SUBJECT_MAX else f"{names[0][:100]}+{len(names) - 1} more"


def row_evidence(kind: str, row: dict[str, Any], value: object) -> Evidence:
    name = row.get("name") or row.get("pattern") or row.get("technique") or ""
    return evidence(STEP_OF_KIND[kind], kind, name, value)
