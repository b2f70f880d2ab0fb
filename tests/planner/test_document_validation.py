"""validate_document: every kind of problem, reported by JSON path."""

import json

import pytest

from planner.document import validate_document
from planner.document_schema import SCHEMA_PATH
from planner.levels import LEVELS
from planner.models import (
    Boundary,
    CatalogueEntry,
    Context,
    Decision,
    Entity,
    JourneyStep,
    LevelAnswer,
    Operation,
    Project,
    Relationship,
    TechniqueChoice,
)
from tests.conftest import make_team
from tests.planner.document_helpers import demo, minimal, small_catalogue, with_changes

pytestmark = pytest.mark.django_db


def paths(errors):
    return [path for path, _ in errors]


def test_demo_plan_is_valid(catalogue):
    assert validate_document(demo()) == []


@pytest.mark.parametrize("data", [[], "plan", 3, None])
def test_not_an_object(data):
    assert validate_document(data) == [("(document)", "A plan document is a JSON object.")]


def test_not_a_backplan_document():
    [(path, message)] = validate_document({"hello": 1})
    assert path == "schema"
    assert "not a Backplan plan document" in message


def test_wrong_schema_version_is_the_only_error_reported():
    document = with_changes(minimal(), schema_version=2, surprise=True)

    assert validate_document(document) == [
        ("schema_version", "Unsupported schema version 2; this Backplan reads version 1.")
    ]


def test_unknown_keys_are_reported_where_they_are():
    document = minimal(
        surprise=1,
        boundaries=[{"name": "Core", "colour": "blue"}],
        levels={"1": {"status": "complete", "answers": {"data_when": "x", "mood": "y"}}, "7": {}},
    )

    assert validate_document(document) == [
        ("boundaries[0].colour", "Unknown key."),
        ("levels.1.answers.mood", "Unknown key."),
        ("levels.7", "Unknown key."),
        ("surprise", "Unknown key."),
    ]


def test_missing_required_keys():
    document = {"schema": "backplan/plan", "schema_version": 1, "operations": [{"name": "x"}]}

    assert validate_document(document) == [
        ("operations[0].category", "Required."),
        ("project", "Required."),
    ]


def test_enum_type_and_length_errors():
    document = minimal(
        context={"scale": "huge", "clients": ["mobile", "mobile"]},
        journey_steps=[{"name": "", "offline": "yes"}],
        boundaries=[{"name": "B" * 121}],
    )

    errors = dict(validate_document(document))

    assert errors["context.scale"].startswith("Must be one of: ")
    assert '"lt1k"' in errors["context.scale"]
    assert errors["context.clients"] == "Lists the same value twice."
    assert errors["journey_steps[0].name"] == "Must not be empty."
    assert errors["journey_steps[0].offline"] == "Must be true or false."
    assert errors["boundaries[0].name"] == "Too long: at most 120 characters."


def test_operation_pointing_at_a_missing_boundary():
    document = minimal(
        boundaries=[{"name": "Core"}],
        operations=[
            {"name": "a", "category": "query", "boundary": "Core"},
            {"name": "b", "category": "query", "boundary": "Billing"},
            {"name": "c", "category": "query", "boundary": None},
        ],
    )

    assert validate_document(document) == [
        ("operations[1].boundary", "No boundary is named “Billing”.")
    ]


def test_dangling_references():
    document = minimal(
        entities=[{"name": "Message", "boundary": "Nowhere"}],
        operations=[{"name": "send", "category": "immediate", "entities": ["Message", "Ghost"]}],
        relationships=[{"source": "Ghost", "target": "Message", "cardinality": "1:N"}],
        decisions=[
            {"pattern": "caching", "revealed_by": {"kind": "operation", "name": "sned"}},
            {
                "pattern": "circuit-breaker",
                "revealed_by": {"kind": "relationship", "name": "A -> B"},
            },
        ],
    )
    small_catalogue()

    assert validate_document(document) == [
        ("decisions[0].revealed_by.name", "No operation is named “sned”."),
        ("decisions[1].revealed_by.name", "No relationship is named “A -> B”."),
        ("entities[0].boundary", "No boundary is named “Nowhere”."),
        ("operations[0].entities[1]", "No entity is named “Ghost”."),
        ("relationships[0].source", "No entity is named “Ghost”."),
    ]


def test_duplicates():
    document = minimal(
        journey_steps=[{"name": "Open"}, {"name": "Open"}],
        entities=[{"name": "A"}, {"name": "B"}],
        relationships=[
            {"source": "A", "target": "B", "cardinality": "1:N"},
            {"source": "A", "target": "B", "cardinality": "N:M"},
        ],
        decisions=[{"pattern": "caching"}, {"pattern": "caching"}],
        techniques=[{"technique": "retry-backoff"}, {"technique": "retry-backoff"}],
        dismissed_findings=[{"key": "r:x", "reason": ""}, {"key": "r:x", "reason": ""}],
    )
    small_catalogue()

    assert validate_document(document) == [
        ("decisions[1]", "A decision on “caching” appears more than once."),
        ("dismissed_findings[1]", "The finding “r:x” appears more than once."),
        ("journey_steps[1]", "The name “Open” appears more than once."),
        ("relationships[1]", "The relationship “A -> B” appears more than once."),
        ("techniques[1]", "The technique “retry-backoff” appears more than once."),
    ]


def test_catalogue_slugs_are_checked_against_the_team(team):
    small_catalogue()
    CatalogueEntry.objects.create(team=team, slug="ours", name="O", kind="pattern", summary="s")
    other = make_team("Other")
    CatalogueEntry.objects.create(team=other, slug="theirs", name="T", kind="pattern", summary="s")
    document = minimal(
        decisions=[{"pattern": "ours"}, {"pattern": "theirs"}, {"pattern": "retry-backoff"}],
        techniques=[{"technique": "caching"}, {"technique": "nope"}],
    )

    assert validate_document(document, team) == [
        ("decisions[1].pattern", "No catalogue entry has the slug “theirs”."),
        (
            "decisions[2].pattern",
            "“retry-backoff” is an implementation technique, not an architecture pattern.",
        ),
        (
            "techniques[0].technique",
            "“caching” is an architecture pattern, not an implementation technique.",
        ),
        ("techniques[1].technique", "No catalogue entry has the slug “nope”."),
    ]
    assert ("decisions[0].pattern", "No catalogue entry has the slug “ours”.") in (
        validate_document(document)
    )


def test_custom_entries_count_as_catalogue():
    document = minimal(
        custom_entries=[{"slug": "home-made", "name": "Home made", "kind": "technique"}],
        techniques=[{"technique": "home-made"}],
    )

    assert validate_document(document) == []


def test_skipping_rules():
    document = minimal(
        levels={
            "1": {"status": "skipped", "skip_reason": "no time"},
            "2": {"status": "skipped", "skip_reason": "  "},
            "3": {"status": "skipped", "skip_reason": "MVP"},
            "4": {"status": "skipped"},
        }
    )

    assert validate_document(document) == [
        ("levels.1.status", "Level 1 can never be skipped."),
        ("levels.2.skip_reason", "A skipped level needs a reason."),
        ("levels.4.skip_reason", "A skipped level needs a reason."),
        ("levels.4.status", "Level 4 can never be skipped."),
    ]


def test_nul_characters_are_refused():
    document = minimal(boundaries=[{"name": "Co\x00re"}])

    assert validate_document(document) == [("boundaries[0].name", "Contains a NUL character.")]


def test_core_question_levels_are_levels():
    document = minimal(core_questions={"security": {"levels": [0, 2, 2]}, "speed": {}})

    assert validate_document(document) == [
        ("core_questions.security.levels", "Lists the same value twice."),
        ("core_questions.security.levels[0]", "Must be a level from 1 to 6."),
        ("core_questions.speed", "Unknown key."),
    ]


def test_malformed_rows_do_not_break_the_reference_checks():
    document = minimal(operations=["x", {"name": 3, "category": "query", "entities": "E"}])

    assert paths(validate_document(document)) == [
        "operations[0]",
        "operations[1].entities",
        "operations[1].name",
    ]


# The schema's limits are the models' limits, so a valid document always saves.
SCHEMA_FIELDS = [
    ("project", Project, ["name", "description"]),
    ("context", Context, ["product", "languages", "external_services"]),
    ("journey_steps", JourneyStep, ["name", "data_needed", "external_services"]),
    ("boundaries", Boundary, ["name", "responsibility"]),
    ("operations", Operation, ["name", "trigger"]),
    ("entities", Entity, ["name", "description", "source_of_truth", "denormalized"]),
    ("relationships", Relationship, ["sync", "failure"]),
    ("decisions", Decision, ["problem", "rationale"]),
    ("techniques", TechniqueChoice, ["notes"]),
    ("custom_entries", CatalogueEntry, ["slug", "name", "category", "summary", "problems"]),
]


@pytest.mark.parametrize(("section", "model", "fields"), SCHEMA_FIELDS)
def test_schema_lengths_match_the_models(section, model, fields):
    schema = json.loads(SCHEMA_PATH.read_text())
    node = schema["properties"][section]
    node = node.get("items", node)
    for field in fields:
        spec = node["properties"][field]
        spec = schema["$defs"][spec["$ref"].split("/")[-1]] if "$ref" in spec else spec
        assert spec["maxLength"] == model._meta.get_field(field).max_length, field


def test_schema_answers_are_the_levels_questions():
    schema = json.loads(SCHEMA_PATH.read_text())
    levels = schema["properties"]["levels"]["properties"]
    for level in LEVELS:
        assert list(levels[str(level.number)]["properties"]["answers"]["properties"]) == [
            q.key for q in level.questions
        ]
    assert levels["1"]["properties"]["skip_reason"]["maxLength"] == (
        LevelAnswer._meta.get_field("skip_reason").max_length
    )
