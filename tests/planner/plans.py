"""Build plans of any size directly in the database, for query-count tests and benchmarks."""

from planner.models import (
    Boundary,
    CatalogueEntry,
    Decision,
    Entity,
    JourneyStep,
    Operation,
    Project,
    Relationship,
    TechniqueChoice,
)
from planner.workspace import ensure_plan_rows


def fill_plan(project: Project, rows: int) -> Project:
    """`rows` rows in every list of the plan, linked to each other like a real plan."""
    ensure_plan_rows(project)
    JourneyStep.objects.bulk_create(
        [
            JourneyStep(project=project, name=f"Step {i}", data_needed="Messages " * 5)
            for i in range(rows)
        ]
    )
    boundaries = Boundary.objects.bulk_create(
        [Boundary(project=project, name=f"Boundary {i}", reason="performance") for i in range(rows)]
    )
    entities = Entity.objects.bulk_create(
        [
            Entity(
                project=project,
                name=f"Entity {i}",
                boundary=boundaries[i % len(boundaries)],
                source_of_truth="table",
            )
            for i in range(rows)
        ]
    )
    operations = Operation.objects.bulk_create(
        [
            Operation(
                project=project,
                name=f"op{i}",
                category="immediate",
                boundary=boundaries[i % len(boundaries)],
            )
            for i in range(rows)
        ]
    )
    Operation.entities.through.objects.bulk_create(
        [
            Operation.entities.through(operation_id=op.pk, entity_id=entities[i % len(entities)].pk)
            for i, op in enumerate(operations)
        ]
    )
    Relationship.objects.bulk_create(
        [
            Relationship(
                project=project,
                source=entities[i],
                target=entities[(i + 1) % rows],
                cardinality="1:N",
                sync="tx",
            )
            for i in range(rows)
        ]
    )
    patterns = list(CatalogueEntry.objects.filter(team=None, kind="pattern")[:rows])
    Decision.objects.bulk_create(
        [
            Decision(
                project=project, entry=entry, problem="p", operation=operations[i % len(operations)]
            )
            for i, entry in enumerate(patterns)
        ]
    )
    techniques = list(CatalogueEntry.objects.filter(team=None, kind="technique")[:rows])
    TechniqueChoice.objects.bulk_create(
        [TechniqueChoice(project=project, entry=entry, notes="n") for entry in techniques]
    )
    return project
