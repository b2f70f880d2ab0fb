"""Hypothesis strategies for valid plan documents (docs/plan-document.md).

`plan_documents(patterns=[...], techniques=[...])` draws complete documents, in
exactly the shape `plan_document()` exports, whose catalogue references use the
given shared slugs plus custom entries the document carries itself. Every custom
entry is referenced, as on export.
"""

from hypothesis import strategies as st

from planner.levels import LEVELS
from planner.models import (
    BoundaryReason,
    ClientKind,
    CoreQuestionKey,
    Decision,
    Entity,
    LevelStatus,
    Need,
    Operation,
    Platform,
    Relationship,
    ScaleBand,
    Sensitivity,
    Stage,
    TeamSize,
    TechniqueChoice,
    Timing,
    Updates,
)

# No surrogates (not encodable), no control characters (databases refuse NUL),
# and no ">" so that "Source -> Target" names a relationship unambiguously.
CHARS = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters=">")


def text(max_size: int = 40) -> st.SearchStrategy[str]:
    return st.text(CHARS, max_size=max_size)


def name() -> st.SearchStrategy[str]:
    return st.text(CHARS, min_size=1, max_size=30)


def choice(choices, blank: bool = False) -> st.SearchStrategy[str]:
    return st.sampled_from(([""] if blank else []) + list(choices.values))


def names(max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(name(), max_size=max_size, unique=True)


def subsequence(items: list) -> st.SearchStrategy[list]:
    """Some of `items`, in their original order (export lists entities in id order)."""
    mask = st.lists(st.booleans(), min_size=len(items), max_size=len(items))
    return mask.map(lambda bits: [item for item, keep in zip(items, bits, strict=True) if keep])


def contexts() -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries(
        {
            "product": text(200),
            "scale": choice(ScaleBand, blank=True),
            "team_size": choice(TeamSize, blank=True),
            "languages": text(),
            "platform": choice(Platform, blank=True),
            "clients": subsequence(list(ClientKind.values)),
            "realtime": choice(Need, blank=True),
            "offline": choice(Need, blank=True),
            "ai": choice(Need, blank=True),
            "external_services": text(),
            "sensitivity": choice(Sensitivity, blank=True),
            "stage": choice(Stage, blank=True),
        }
    )


@st.composite
def level_entries(draw, level) -> dict:
    statuses = [s for s in LevelStatus.values if s != "skipped" or not level.never_skip]
    status = draw(st.sampled_from(statuses))
    skipped = status == "skipped"
    reason = (draw(name()).strip() or "no reason given") if skipped else draw(text())
    keys = draw(subsequence([q.key for q in level.questions]))
    return {
        "status": status,
        "skip_reason": reason,
        "answers": {key: draw(text(100)) for key in keys},
    }


@st.composite
def plan_documents(draw, patterns: list[str], techniques: list[str]) -> dict:
    step_names = draw(names(4))
    boundary_names = draw(names(3))
    entity_names = draw(names(5))
    operation_names = draw(names(5))
    maybe_boundary = (
        st.one_of(st.none(), st.sampled_from(boundary_names)) if boundary_names else st.none()
    )

    relationships = []
    if entity_names:
        pairs = draw(
            st.lists(
                st.tuples(st.sampled_from(entity_names), st.sampled_from(entity_names)),
                max_size=4,
                unique=True,
            )
        )
        for source, target in pairs:
            relationships.append(
                {
                    "source": source,
                    "target": target,
                    "cardinality": draw(choice(Relationship.Cardinality)),
                    "sync": draw(text()),
                    "failure": draw(text()),
                }
            )

    custom_entries = [
        {
            "slug": slug,
            "name": draw(name()),
            "kind": draw(st.sampled_from(["pattern", "technique"])),
            "category": draw(text(20)),
            "summary": draw(text()),
            "problems": draw(text()),
            "when_to_use": draw(text()),
            "when_not_to": draw(text()),
            "complexity": draw(st.sampled_from(["low", "medium", "high"])),
            "builtin_platforms": draw(subsequence(list(Platform.values))),
        }
        for slug in draw(
            st.lists(
                st.from_regex(r"custom-[a-z0-9]{1,8}", fullmatch=True), max_size=3, unique=True
            )
        )
    ]
    custom_patterns = [e["slug"] for e in custom_entries if e["kind"] == "pattern"]
    custom_techniques = [e["slug"] for e in custom_entries if e["kind"] == "technique"]
    chosen_patterns = draw(subsequence(patterns)) + custom_patterns
    chosen_techniques = draw(subsequence(techniques)) + custom_techniques

    revealers = [("journey_step", n) for n in step_names] + [
        ("operation", n) for n in operation_names
    ]
    revealers += [("entity", n) for n in entity_names]
    revealers += [("relationship", f"{r['source']} -> {r['target']}") for r in relationships]
    revealed = (
        st.one_of(
            st.none(), st.sampled_from(revealers).map(lambda kn: {"kind": kn[0], "name": kn[1]})
        )
        if revealers
        else st.none()
    )

    return {
        "schema": "backplan/plan",
        "schema_version": 1,
        "project": {"name": draw(name()), "description": draw(text(100))},
        "context": draw(contexts()),
        "levels": {str(level.number): draw(level_entries(level)) for level in LEVELS},
        "journey_steps": [
            {
                "name": n,
                "data_needed": draw(text()),
                "timing": draw(choice(Timing)),
                "offline": draw(st.booleans()),
                "updates": draw(choice(Updates)),
                "external_services": draw(text()),
            }
            for n in step_names
        ],
        "boundaries": [
            {
                "name": n,
                "responsibility": draw(text()),
                "reason": draw(choice(BoundaryReason, True)),
            }
            for n in boundary_names
        ],
        "operations": [
            {
                "name": n,
                "category": draw(choice(Operation.Category)),
                "boundary": draw(maybe_boundary),
                "trigger": draw(text()),
                "latency": draw(choice(Operation.Latency, blank=True)),
                "entities": draw(subsequence(entity_names)),
                "journey_steps": draw(subsequence(step_names)),
            }
            for n in operation_names
        ],
        "entities": [
            {
                "name": n,
                "description": draw(text()),
                "source_of_truth": draw(text()),
                "boundary": draw(maybe_boundary),
                "concurrency": draw(choice(Entity.Concurrency, blank=True)),
                "denormalized": draw(text()),
            }
            for n in entity_names
        ],
        "relationships": relationships,
        "decisions": [
            {
                "pattern": slug,
                "status": draw(choice(Decision.Status)),
                "problem": draw(text()),
                "rationale": draw(text()),
                "revealed_by": draw(revealed),
            }
            for slug in chosen_patterns
        ],
        "techniques": [
            {
                "technique": slug,
                "status": draw(choice(TechniqueChoice.Status)),
                "notes": draw(text()),
            }
            for slug in chosen_techniques
        ],
        "custom_entries": custom_entries,
        "core_questions": {
            key: {
                "answer": draw(text()),
                "levels": draw(st.lists(st.integers(1, 6), unique=True, max_size=6)),
            }
            for key in CoreQuestionKey.values
        },
        "dismissed_findings": [
            {"key": key, "reason": draw(text())}
            for key in draw(st.lists(name(), max_size=3, unique=True))
        ],
    }
