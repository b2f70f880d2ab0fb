"""Everything a workspace page shows, loaded in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from planner.levels import LEVELS, STEP_TITLES, STEPS, Level
from planner.models import (
    Boundary,
    CatalogueEntry,
    Context,
    CoreQuestion,
    CoreQuestionKey,
    Decision,
    Entity,
    JourneyStep,
    LevelAnswer,
    LevelStatus,
    Operation,
    Project,
    Relationship,
    TechniqueChoice,
)

# Which list answers each level holds, in the order they are shown.
LEVEL_ROWS: dict[int, list[str]] = {
    1: ["journey_step"],
    2: ["boundary"],
    3: ["operation"],
    4: ["entity", "relationship"],
    5: ["decision"],
    6: [],
}
# The rows a level needs at least one of before it can be marked complete.
REQUIRED_ROWS: dict[int, str] = {
    1: "journey_step",
    2: "boundary",
    3: "operation",
    4: "entity",
    5: "decision",
    6: "technique",
}
CONTEXT_REQUIRED = ["product", "scale", "team_size", "platform", "stage"]


def ensure_plan_rows(project: Project) -> None:
    """Every project has a context, six level answers and four core questions."""
    Context.objects.get_or_create(project=project)
    have = set(LevelAnswer.objects.filter(project=project).values_list("level", flat=True))
    LevelAnswer.objects.bulk_create(
        [LevelAnswer(project=project, level=lv.number) for lv in LEVELS if lv.number not in have],
        ignore_conflicts=True,
    )
    have = set(CoreQuestion.objects.filter(project=project).values_list("key", flat=True))
    CoreQuestion.objects.bulk_create(
        [CoreQuestion(project=project, key=k) for k in CoreQuestionKey.values if k not in have],
        ignore_conflicts=True,
    )


@dataclass
class StepProgress:
    step: str
    title: str
    status: str  # a LevelStatus value
    detail: str = ""


@dataclass
class Plan:
    project: Project
    context: Context
    levels: dict[int, LevelAnswer]
    rows: dict[str, list]
    core: dict[str, CoreQuestion]
    techniques: list[CatalogueEntry] = field(default_factory=list)

    def missing_for_completion(self, level: Level) -> list[str]:
        answers = self.levels[level.number].answers
        missing = [
            f"an answer to “{q.label}”"
            for q in level.questions
            if q.required and not str(answers.get(q.key, "")).strip()
        ]
        needed = REQUIRED_ROWS.get(level.number)
        if needed and not self.rows[needed]:
            missing.append(f"at least one {ROW_NOUNS[needed]}")
        return missing

    def progress(self) -> list[StepProgress]:
        filled = [name for name in CONTEXT_REQUIRED if getattr(self.context, name)]
        context_status = (
            LevelStatus.COMPLETE
            if len(filled) == len(CONTEXT_REQUIRED)
            else LevelStatus.IN_PROGRESS
            if filled
            else LevelStatus.NOT_STARTED
        )
        steps = [
            StepProgress(
                "context", "Context", context_status, f"{len(filled)}/{len(CONTEXT_REQUIRED)}"
            )
        ]
        for level in LEVELS:
            answer = self.levels[level.number]
            count = sum(len(self.rows[kind]) for kind in LEVEL_ROWS[level.number])
            if level.number == 6:
                count = len(self.rows["technique"])
            steps.append(
                StepProgress(level.step, level.title, answer.status, str(count) if count else "")
            )
        answered = sum(1 for q in self.core.values() if q.answer.strip())
        core_status = (
            LevelStatus.COMPLETE
            if answered == 4
            else LevelStatus.IN_PROGRESS
            if answered
            else LevelStatus.NOT_STARTED
        )
        steps.append(StepProgress("core", STEP_TITLES["core"], core_status, f"{answered}/4"))
        return steps

    def percent_done(self) -> int:
        steps = self.progress()
        done = sum(1 for s in steps if s.status in (LevelStatus.COMPLETE, LevelStatus.SKIPPED))
        return round(100 * done / len(steps))


ROW_NOUNS = {
    "journey_step": "journey step",
    "boundary": "boundary",
    "operation": "operation",
    "entity": "entity",
    "relationship": "relationship",
    "decision": "decision",
    "technique": "technique marked in the checklist",
}


def load_plan(project: Project) -> Plan:
    """Load the whole plan for display: about a dozen queries, whatever its size."""
    levels = {a.level: a for a in LevelAnswer.objects.filter(project=project)}
    context = Context.objects.filter(project=project).first()
    core = {q.key: q for q in CoreQuestion.objects.filter(project=project)}
    if context is None or len(levels) < len(LEVELS) or len(core) < len(CoreQuestionKey.values):
        ensure_plan_rows(project)
        return load_plan(project)
    boundaries = list(Boundary.objects.filter(project=project))
    by_id = {b.pk: b for b in boundaries}
    entities = list(Entity.objects.filter(project=project))
    for entity in entities:
        entity.boundary = by_id.get(entity.boundary_id)
    entity_by_id = {e.pk: e for e in entities}
    operations = list(
        Operation.objects.filter(project=project).prefetch_related(
            Prefetch("entities", queryset=Entity.objects.only("id", "name"))
        )
    )
    for operation in operations:
        operation.boundary = by_id.get(operation.boundary_id)
    relationships = list(Relationship.objects.filter(project=project))
    for rel in relationships:
        rel.source, rel.target = entity_by_id[rel.source_id], entity_by_id[rel.target_id]
    journey = list(JourneyStep.objects.filter(project=project))
    decisions = list(Decision.objects.filter(project=project).select_related("entry"))
    named = {
        "journey_step": {r.pk: r for r in journey},
        "operation": {r.pk: r for r in operations},
        "entity": entity_by_id,
        "relationship": {r.pk: r for r in relationships},
    }
    for decision in decisions:
        decision.source = next(
            (
                named[k].get(getattr(decision, f"{k}_id"))
                for k in named
                if getattr(decision, f"{k}_id")
            ),
            None,
        )
    choices = list(TechniqueChoice.objects.filter(project=project).select_related("entry"))
    techniques = list(
        CatalogueEntry.objects.visible_to(project.team).filter(kind=CatalogueEntry.Kind.TECHNIQUE)
    )
    return Plan(
        project=project,
        context=context,
        levels=levels,
        rows={
            "journey_step": journey,
            "boundary": boundaries,
            "operation": operations,
            "entity": entities,
            "relationship": relationships,
            "decision": decisions,
            "technique": choices,
        },
        core=core,
        techniques=techniques,
    )


def step_neighbours(step: str) -> tuple[str | None, str | None]:
    index = STEPS.index(step)
    previous = STEPS[index - 1] if index > 0 else None
    following = STEPS[index + 1] if index + 1 < len(STEPS) else None
    return previous, following
