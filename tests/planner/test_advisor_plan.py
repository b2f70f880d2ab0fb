"""The advisor's view of a saved plan, made straight from its rows (`advisor_plan`), is
the view it takes of the plan's document: for every kind of row, after every change.
Rows made for one save are used again by the next while their values are unchanged."""

import pytest

from planner.advisor import advise
from planner.advisor.plan import Plan
from planner.document import advisor_plan, plan_document
from planner.examples import example_document, example_list
from planner.importing import plan_import
from planner.models import Boundary, Decision, JourneyStep, Operation, Relationship
from tests.conftest import make_project
from tests.planner.plans import fill_plan


def same_view(project) -> Plan:
    from_rows = advisor_plan(project)
    assert from_rows == Plan.from_document(plan_document(project))
    assert advise(from_rows) == advise(plan_document(project))
    return from_rows


@pytest.mark.parametrize("example", example_list(), ids=lambda e: e.slug)
def test_every_example_plan_reads_the_same_from_its_rows(example, team, owner, catalogue):
    same_view(plan_import(team=team, document=example_document(example.slug), user=owner))


def test_a_changed_row_is_read_anew_and_so_are_the_rows_naming_it(team, owner, catalogue):
    changes_read_anew(fill_plan(make_project(team, name="Filled", created_by=owner), rows=6))


@pytest.mark.django_db(transaction=True)
def test_rows_read_alone_keep_the_other_rows_advisor_rows(team, owner, catalogue):
    """Outside a transaction a save's read brings only the rows changed since the
    last (`kept_plan_rows`): the advisor makes only theirs again, and the view still
    equals one made from nothing, through edits, renames, lists and deletes."""
    project = fill_plan(make_project(team, name="Filled", created_by=owner), rows=5)
    first = same_view(project)
    step = JourneyStep.objects.filter(project=project).order_by("pk")[1]
    JourneyStep.objects.filter(pk=step.pk).update(data_needed="Changed")
    second = same_view(project)
    kept = [a is b for a, b in zip(second.journey_steps, first.journey_steps, strict=True)]
    assert kept == [True, False, True, True, True]
    changes_read_anew(project)
    JourneyStep.objects.filter(pk=step.pk).delete()
    Operation.objects.filter(project=project).last().delete()
    same_view(project)


def changes_read_anew(project) -> None:
    same_view(project)
    step = JourneyStep.objects.filter(project=project).first()
    step.data_needed = "  TBD  "  # a placeholder, with spaces: blank to the advisor
    step.save()
    view = same_view(project)
    assert {s["data_needed"] for s in view.journey_steps if s["name"] == step.name} == {""}
    # A rename reaches every row that names it: operations, entities, relationships.
    entity = Relationship.objects.filter(project=project).first().source
    entity.name = "Renamed entity"
    entity.save()
    boundary = Boundary.objects.filter(project=project).first()
    boundary.name = "Renamed boundary"
    boundary.save()
    view = same_view(project)
    assert any(r["source"] == "Renamed entity" for r in view.relationships)
    assert any(op["boundary"] == "Renamed boundary" for op in view.operations)
    # A list of references and a decision's source change too.
    op = Operation.objects.filter(project=project).first()
    op.entities.set([entity])
    decision = Decision.objects.filter(project=project).first()
    decision.operation, decision.journey_step, decision.entity = op, None, None
    decision.relationship = None
    decision.save()
    view = same_view(project)
    assert ["Renamed entity"] in [o["entities"] for o in view.operations if o["name"] == op.name]


def test_the_rows_kept_between_saves_cannot_be_changed(team, owner, catalogue):
    project = fill_plan(make_project(team, name="Filled", created_by=owner), rows=2)
    row = advisor_plan(project).operations[0]
    with pytest.raises(TypeError):
        row["name"] = "changed by a rule"


def test_a_list_whose_rows_and_named_rows_are_unchanged_is_the_one_made_before(
    team, owner, catalogue
):
    project = fill_plan(make_project(team, name="Filled", created_by=owner), rows=4)
    first = advisor_plan(project)
    step = JourneyStep.objects.filter(project=project).first()
    step.data_needed = "Changed"
    step.save()
    second = same_view(project)
    assert second.journey_steps is not first.journey_steps
    assert second.entities is first.entities and second.relationships is first.relationships
    # Operations name journey steps: a step's other fields leave their list as it was,
    # its new name remakes it.
    operation = Operation.objects.filter(project=project).first()
    operation.journey_steps.add(step)
    linked = same_view(project)
    step.data_needed = "Changed again"
    step.save()
    assert same_view(project).operations is linked.operations
    step.name = "Renamed step"
    step.save()
    assert same_view(project).operations is not linked.operations
    second = same_view(project)
    # A renamed entity remakes every list that names it, and only those.
    entity = Relationship.objects.filter(project=project).first().source
    entity.name = "Renamed entity"
    entity.save()
    third = same_view(project)
    assert third.relationships is not second.relationships
    assert third.operations is not second.operations and third.entities is not second.entities
    assert third.boundaries is second.boundaries and third.journey_steps is second.journey_steps
