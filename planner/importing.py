"""Writing a plan document as a new project: all or nothing (planner.document reads and
validates documents; this module is the one that writes them)."""

from typing import Any

from django.db import transaction

from accounts.models import Team, User
from planner import activity, registry, services
from planner.document import (
    CONTEXT_FIELDS,
    PlanDocumentError,
    relationship_name,
    validate_document,
)
from planner.models import (
    Boundary,
    CatalogueEntry,
    Context,
    CoreQuestion,
    CoreQuestionKey,
    Decision,
    Dismissal,
    Entity,
    JourneyStep,
    LevelAnswer,
    Operation,
    Project,
    Relationship,
    TechniqueChoice,
)
from planner.workspace import load_plan


def plan_import(
    *, team: Team, document: Any, user: User | None, name: str | None = None
) -> Project:
    """Create a new project in `team` from `document`, all or nothing.

    Raises PlanDocumentError (and writes nothing) when the document is invalid.
    A name already taken in the team becomes "Name (2)", "Name (3)", …
    """
    errors = validate_document(document, team)
    if errors:
        raise PlanDocumentError(errors)
    doc = document
    with transaction.atomic():
        project = Project.objects.create(
            team=team,
            name=_free_name(team, name or doc["project"]["name"]),
            description=doc["project"].get("description", ""),
            created_by=user,
        )
        context = doc.get("context", {})
        Context.objects.create(
            project=project, **{f: context[f] for f in CONTEXT_FIELDS if f in context}
        )
        levels = doc.get("levels", {})
        LevelAnswer.objects.bulk_create(
            [
                LevelAnswer(project=project, level=n, **levels.get(str(n), {}))
                for n in registry.LEVEL_NUMBERS
            ]
        )
        core = doc.get("core_questions", {})
        CoreQuestion.objects.bulk_create(
            [
                CoreQuestion(project=project, key=k, **core.get(k, {}))
                for k in CoreQuestionKey.values
            ]
        )
        steps = _create_rows(JourneyStep, project, doc.get("journey_steps", []))
        boundaries = _create_rows(Boundary, project, doc.get("boundaries", []))
        entities = _create_rows(Entity, project, doc.get("entities", []), boundary=boundaries)
        lists = [f for f in registry.ROW_KINDS["operation"].fields if f.type == "refs"]
        operations = _create_rows(
            Operation,
            project,
            doc.get("operations", []),
            boundary=boundaries,
            skip={f.doc_key for f in lists},
        )
        named = {"entity": entities, "journey_step": steps}
        for spec in lists:
            _create_links(Operation, spec, operations, named[spec.ref], doc.get("operations", []))
        relationships = _create_relationships(project, doc.get("relationships", []), entities)
        entries = _catalogue_for_import(team, doc)
        rows_by_kind = {
            "journey_step": steps,
            "operation": operations,
            "entity": entities,
            "relationship": relationships,
        }
        Decision.objects.bulk_create(
            [
                Decision(
                    project=project,
                    entry=entries[d["pattern"]],
                    status=d.get("status", Decision.Status.ADOPT),
                    problem=d.get("problem", ""),
                    rationale=d.get("rationale", ""),
                    **_revealed_by_fields(d.get("revealed_by"), rows_by_kind),
                )
                for d in doc.get("decisions", [])
            ]
        )
        TechniqueChoice.objects.bulk_create(
            [
                TechniqueChoice(
                    project=project,
                    entry=entries[t["technique"]],
                    status=t.get("status", TechniqueChoice.Status.PLANNED),
                    notes=t.get("notes", ""),
                )
                for t in doc.get("techniques", [])
            ]
        )
        Dismissal.objects.bulk_create(
            [
                Dismissal(
                    project=project,
                    finding_key=d["key"],
                    reason=d.get("reason", ""),
                    dismissed_by=user,
                )
                for d in doc.get("dismissed_findings", [])
            ]
        )
        _after_import(project, user)
    return project


def _after_import(project: Project, user: User | None) -> None:
    """Record the import and fill the dashboard summary, as the editor does after a save."""
    activity.record(project=project, user=user, summary="imported the plan from a plan document")
    # The summary needs counts, not rows: the context step loads none of the lists.
    services.summary_refresh(load_plan(project, "context"), services.plan_findings(project))


def _free_name(team: Team, wanted: str) -> str:
    """`wanted`, or "wanted (2)", "wanted (3)", … : names are unique whatever their case."""
    taken = {n.casefold() for n in Project.objects.filter(team=team).values_list("name", flat=True)}
    if wanted.casefold() not in taken:
        return wanted
    n = 2
    while True:
        suffix = f" ({n})"
        candidate = wanted[: registry.Limit.NAME - len(suffix)] + suffix
        if candidate.casefold() not in taken:
            return candidate
        n += 1


def _create_rows(model, project: Project, rows: list[dict], *, boundary=None, skip=()) -> dict:
    """bulk_create rows in document order (so ids keep that order); name -> instance."""
    objs = []
    for row in rows:
        values = {k: v for k, v in row.items() if k not in skip}
        if boundary is not None:
            name = values.pop("boundary", None)
            values["boundary"] = boundary[name] if name else None
        objs.append(model(project=project, **values))
    created = model.objects.bulk_create(objs)
    return {obj.name: obj for obj in created}


def _create_links(model, spec: registry.Field, rows: dict, referred: dict, docs: list) -> None:
    """The rows' lists of references (an operation's entities, its journey steps)."""
    link = model._meta.get_field(spec.name)
    through = link.remote_field.through
    source, target = link.m2m_field_name(), link.m2m_reverse_field_name()
    through.objects.bulk_create(
        [
            through(**{source: rows[row["name"]], target: referred[name]})
            for row in docs
            for name in row.get(spec.doc_key, [])
        ]
    )


def _create_relationships(project: Project, rows: list[dict], entities: dict) -> dict:
    objs = [
        Relationship(
            project=project,
            source=entities[r["source"]],
            target=entities[r["target"]],
            cardinality=r["cardinality"],
            sync=r.get("sync", ""),
            failure=r.get("failure", ""),
        )
        for r in rows
    ]
    created = Relationship.objects.bulk_create(objs)
    return {relationship_name(r.source.name, r.target.name): r for r in created}


def _catalogue_for_import(team: Team, doc: dict) -> dict[str, CatalogueEntry]:
    """slug -> entry for every slug the document uses; creates the team's missing entries."""
    custom = {row["slug"]: row for row in doc.get("custom_entries", [])}
    used = {d["pattern"] for d in doc.get("decisions", [])} | {
        t["technique"] for t in doc.get("techniques", [])
    }
    team_entries = {
        e.slug: e for e in CatalogueEntry.objects.filter(team=team, slug__in=used | set(custom))
    }
    missing = [
        CatalogueEntry(team=team, **row) for slug, row in custom.items() if slug not in team_entries
    ]
    for entry in CatalogueEntry.objects.bulk_create(missing):
        team_entries[entry.slug] = entry
    shared = {e.slug: e for e in CatalogueEntry.objects.filter(team=None, slug__in=used)}
    return {
        slug: team_entries[slug] if slug in custom or slug not in shared else shared[slug]
        for slug in used
    }


def _revealed_by_fields(revealed: dict | None, rows_by_kind: dict) -> dict:
    if not revealed:
        return {}
    return {revealed["kind"]: rows_by_kind[revealed["kind"]][revealed["name"]]}
