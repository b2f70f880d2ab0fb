"""plan_document: the shape, defaults, determinism, query count and the round trip."""

import pytest
from hypothesis import HealthCheck, given, settings

from accounts.models import Team
from planner.document import document_hash, plan_document, validate_document
from planner.importing import plan_import
from planner.models import CatalogueEntry, Decision, Entity, LevelAnswer
from tests.conftest import make_project, make_team
from tests.planner.document_helpers import (
    PATTERNS,
    TECHNIQUES,
    demo,
    minimal,
    sized_document,
    small_catalogue,
)
from tests.planner.strategies import plan_documents


def without_name(document: dict) -> dict:
    return {**document, "project": {**document["project"], "name": None}}


def test_empty_project_has_every_level_and_core_question(project):
    document = plan_document(project)

    assert document["schema"] == "backplan/plan"
    assert document["schema_version"] == 1
    assert list(document["levels"]) == ["1", "2", "3", "4", "5", "6"]
    assert document["levels"]["3"] == {"status": "not_started", "skip_reason": "", "answers": {}}
    assert set(document["core_questions"]) == {
        "data_integrity",
        "performance",
        "failure_isolation",
        "security",
    }
    assert document["core_questions"]["security"] == {"answer": "", "levels": []}
    assert document["context"]["clients"] == []
    assert document["journey_steps"] == document["custom_entries"] == []
    assert validate_document(document) == []


def test_only_the_methods_questions_are_exported(project):
    LevelAnswer.objects.create(
        project=project,
        level=1,
        answers={"data_when": "on open", "scratch": "x", "fast_vs_async": 3},
    )

    assert plan_document(project)["levels"]["1"]["answers"] == {"data_when": "on open"}


def test_hash_is_canonical_and_changes_with_the_plan(project):
    document = plan_document(project)
    reordered = dict(reversed(list(document.items())))

    assert document_hash(document) == document_hash(reordered)
    assert len(document_hash(document)) == 64
    project.description = "Changed ü"
    project.save()
    assert document_hash(plan_document(project)) != document_hash(document)


def test_demo_plan_round_trips_exactly(team, owner, catalogue):
    document = demo()
    project = plan_import(team=team, document=document, user=owner)

    assert plan_document(project) == document
    again = plan_import(team=team, document=plan_document(project), user=owner)
    assert again.name == "Pocket Chat (demo plan) (2)"
    assert without_name(plan_document(again)) == without_name(document)


def test_only_the_teams_referenced_entries_become_custom_entries(team, owner, catalogue):
    other = make_team("Other")
    CatalogueEntry.objects.create(team=team, slug="unused", name="U", kind="pattern", summary="s")
    CatalogueEntry.objects.create(team=other, slug="theirs", name="T", kind="pattern", summary="s")
    mine = CatalogueEntry.objects.create(
        team=team, slug="ours", name="Ours", kind="pattern", summary="s"
    )
    project = make_project(team)
    Decision.objects.create(project=project, entry=mine)
    Decision.objects.create(
        project=project, entry=CatalogueEntry.objects.get(team=None, slug="caching")
    )

    document = plan_document(project)

    assert [e["slug"] for e in document["custom_entries"]] == ["ours"]
    assert [d["pattern"] for d in document["decisions"]] == ["ours", "caching"]


@pytest.mark.parametrize("size", [5, 200])
def test_export_makes_a_fixed_number_of_queries(team, owner, size, django_assert_max_num_queries):
    project = plan_import(team=team, document=sized_document(size), user=owner)

    with django_assert_max_num_queries(12):
        document = plan_document(project)

    assert len(document["operations"]) == len(document["decisions"]) == size
    assert len(document["custom_entries"]) == 2 * size


def test_rows_come_in_id_order(team, owner):
    project = plan_import(team=team, document=sized_document(5), user=owner)
    Entity.objects.filter(project=project, name="Entity 0").update(name="ZZZ")

    names = [e["name"] for e in plan_document(project)["entities"]]

    assert names == ["ZZZ", "Entity 1", "Entity 2", "Entity 3", "Entity 4"]


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=plan_documents(patterns=PATTERNS, techniques=TECHNIQUES))
def test_generated_plans_round_trip(document):
    small_catalogue()
    team = Team.objects.create(name="Round trip")

    assert validate_document(document, team) == []
    project = plan_import(team=team, document=document, user=None)
    exported = plan_document(project)
    assert exported == document
    assert document_hash(exported) == document_hash(document)


def test_minimal_document_fills_defaults_on_import(team, owner):
    project = plan_import(team=team, document=minimal("Bare"), user=owner)
    document = plan_document(project)

    assert document["project"] == {"name": "Bare", "description": ""}
    assert document["levels"]["1"]["status"] == "not_started"
    assert validate_document(document) == []
