"""A forgiving, read-only view of a plan document for the rules.

Plan documents arrive half-filled, hand-edited or from older versions. `Plan`
turns whatever it is given into plain typed values — missing keys become empty
strings and lists, wrong types are ignored, unknown enum values stay as text —
so rules never have to guard against the shape of the input.
"""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from planner import registry
from planner.advisor.findings import Evidence, evidence

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
BAAS_PLATFORMS = {"convex", "supabase", "firebase"}
CONTEXT_KEYS = [f.name for f in registry.CONTEXT_FIELDS if f.type != "choices"]
STEP_OF_KIND = {key: kind.step for key, kind in registry.ROW_KINDS.items()}


def scalar_fields(kind: str) -> list[str]:
    """The fields of a row kind the rules read as text (flags and lists apart)."""
    return [f.doc_key for f in registry.ROW_KINDS[kind].fields if f.type not in ("flag", "refs")]


def text(value: Any) -> str:
    """Any scalar as trimmed text; containers and None as ''."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def lower_first(value: str) -> str:
    """Lower-case the first letter only, so labels such as "PII" keep their capitals."""
    return value[:1].lower() + value[1:]


def upper_first(value: str) -> str:
    return value[:1].upper() + value[1:]


def rows(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def split_services(value: str) -> list[str]:
    """External services written one per line or separated by commas/semicolons."""
    for separator in (",", ";"):
        value = value.replace(separator, "\n")
    return [part.strip() for part in value.splitlines() if part.strip()]


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
    custom_slugs: set[str]
    core_questions: dict[str, dict[str, Any]]
    dismissed: dict[str, str]

    # --- building ----------------------------------------------------------------

    @classmethod
    def from_document(cls, document: Any) -> "Plan":
        doc = mapping(document)
        context_raw = mapping(doc.get("context"))
        context = {key: text(context_raw.get(key)) for key in CONTEXT_KEYS}
        clients_raw = context_raw.get("clients")
        clients = [text(c) for c in clients_raw if text(c)] if isinstance(clients_raw, list) else []

        levels: dict[str, Level] = {}
        levels_raw = mapping(doc.get("levels"))
        for number in registry.LEVEL_STEPS:
            raw = mapping(levels_raw.get(number, levels_raw.get(int(number))))
            answers = {text(k): text(v) for k, v in mapping(raw.get("answers")).items() if text(k)}
            levels[number] = Level(
                number, text(raw.get("status")), text(raw.get("skip_reason")), answers
            )

        def named(kind: str, fields: list[str]) -> list[dict[str, Any]]:
            result = []
            for raw in rows(doc.get(kind)):
                # Strings are the common case: strip them here, `text` for the rest.
                row: dict[str, Any] = {
                    key: v.strip() if type(v) is str else text(v)
                    for key in fields
                    for v in (raw.get(key),)
                }
                row["_raw"] = raw
                result.append(row)
            return result

        journey_steps = named("journey_steps", scalar_fields("journey_step"))
        for step, raw in zip(journey_steps, rows(doc.get("journey_steps")), strict=True):
            step["offline"] = raw.get("offline") is True
        boundaries = named("boundaries", scalar_fields("boundary"))
        operations = named("operations", scalar_fields("operation"))
        for op in operations:
            ents = op["_raw"].get("entities")
            op["entities"] = (
                sorted({text(e) for e in ents if text(e)}) if isinstance(ents, list) else []
            )
        entities = named("entities", scalar_fields("entity"))
        relationships = named("relationships", scalar_fields("relationship"))
        for rel in relationships:
            rel["name"] = f"{rel['source'] or '?'} -> {rel['target'] or '?'}"
        decisions = named("decisions", scalar_fields("decision"))
        for decision in decisions:
            revealed = mapping(decision["_raw"].get("revealed_by"))
            decision["revealed_kind"] = text(revealed.get("kind"))
            decision["revealed_name"] = text(revealed.get("name"))
        techniques = named("techniques", scalar_fields("technique"))
        custom_slugs = {text(e.get("slug")) for e in rows(doc.get("custom_entries"))} - {""}

        core_questions = {}
        for key, raw in mapping(doc.get("core_questions")).items():
            raw = mapping(raw)
            core_questions[text(key)] = {
                "answer": text(raw.get("answer")),
                "levels": raw.get("levels"),
            }

        dismissed: dict[str, str] = {}
        for item in rows(doc.get("dismissed_findings")):
            key = text(item.get("key"))
            if key:  # never an empty string: "dismissed" must read as true
                dismissed[key] = text(item.get("reason")) or "(no reason given)"

        return cls(
            context,
            clients,
            levels,
            journey_steps,
            boundaries,
            operations,
            entities,
            relationships,
            decisions,
            techniques,
            custom_slugs,
            core_questions,
            dismissed,
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

    def external_services(self) -> list[tuple[str, Evidence]]:
        """Each external service once (case-insensitive), with where it was named."""
        found: dict[str, tuple[str, Evidence]] = {}
        for service in split_services(self.context["external_services"]):
            found.setdefault(service.lower(), (service, self.ctx("external_services")))
        for step in self.journey_steps:
            for service in split_services(step["external_services"]):
                found.setdefault(
                    service.lower(),
                    (service, row_evidence("journey_step", step, step["external_services"])),
                )
        return [found[key] for key in sorted(found)]

    @cached_property
    def all_text(self) -> str:
        """Everything the team wrote, lower-cased, for 'is X mentioned anywhere' checks."""
        parts = [answer for lvl in self.levels.values() for answer in lvl.answers.values()]
        parts += [q["answer"] for q in self.core_questions.values()]
        for collection in (self.boundaries, self.decisions, self.techniques, self.relationships):
            for row in collection:
                parts += [value for key, value in row.items() if isinstance(value, str)]
        return "\n".join(parts).lower()


def row_evidence(kind: str, row: dict[str, Any], value: object) -> Evidence:
    return evidence(STEP_OF_KIND[kind], kind, row.get("name") or row.get("pattern") or "", value)
