"""Everything a workspace page shows, loaded in a fixed number of queries."""

from dataclasses import dataclass, field
from functools import cache

from django.db import connection
from django.db.models import CharField, F, IntegerField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from accounts.lean import columns, fetch, instances, table
from planner import registry
from planner.levels import LEVELS, Level
from planner.models import (
    ROW_MODELS,
    CatalogueEntry,
    Context,
    CoreQuestion,
    CoreQuestionKey,
    Decision,
    Entity,
    LevelAnswer,
    LevelStatus,
    Project,
    Relationship,
)
from planner.plan_rows import small_rows, stored_fields
from planner.registry import CONTEXT_REQUIRED, REQUIRED_ROWS, STEP_TITLES, STEPS

# Which list answers each level holds, in the order they are shown.
LEVEL_ROWS: dict[int, list[str]] = {
    number: [kind.key for kind in registry.level_kinds(number) if kind.listed]
    for number in registry.LEVEL_NUMBERS
}


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
    """What one workspace step shows: the plan's small parts, counts of every list,
    and the rows of the lists this step edits (`rows` holds only those)."""

    project: Project
    context: Context
    levels: dict[int, LevelAnswer]
    counts: dict[str, int]
    core: dict[str, CoreQuestion]
    # The lists this step shows; their rows are read when first used (`StepRows`).
    kinds: list[str] = field(default_factory=list)
    rows: dict[str, list] = field(default_factory=dict)
    techniques: list[CatalogueEntry] = field(default_factory=list)
    # Every row of the plan as `plan_rows` read it, when the plan was loaded from them
    # (after a save): the advisor's document is built from the same read.
    parts: dict[str, list] | None = None

    def stale(self) -> None:
        """The plan was written since it was loaded: the advisor must read it anew."""
        self.parts = None

    def missing_for_completion(self, level: Level) -> list[str]:
        answers = self.levels[level.number].answers
        missing = [
            f"an answer to “{q.label}”"
            for q in level.questions
            if q.required and not str(answers.get(q.key, "")).strip()
        ]
        needed = REQUIRED_ROWS.get(level.number)
        if needed and not self.counts[needed]:
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
            kinds = LEVEL_ROWS[level.number] or ["technique"]
            count = sum(self.counts[kind] for kind in kinds)
            status = self.levels[level.number].status
            steps.append(StepProgress(level.step, level.title, status, str(count) if count else ""))
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


def percent_done(steps: list[StepProgress]) -> int:
    """How much of the plan is done: the share of its steps complete or skipped."""
    done = sum(1 for s in steps if s.status in (LevelStatus.COMPLETE, LevelStatus.SKIPPED))
    return round(100 * done / len(steps))


ROW_NOUNS = {
    **{key: kind.noun for key, kind in registry.ROW_KINDS.items()},
    "technique": "technique marked in the checklist",
}
# The lists each step loads in full; every other list is only counted.
STEP_ROWS: dict[str, list[str]] = {
    "context": [],
    **{
        str(number): [kind.key for kind in registry.level_kinds(number)]
        for number in registry.LEVEL_NUMBERS
    },
    "core": [],
}


def load_plan(
    project: Project,
    step: str | None = None,
    *,
    page_rows: int | None = None,
    show_all: str = "",
    parts: dict[str, list] | None = None,
) -> Plan:
    """Load what `step` shows in a fixed number of queries, whatever the plan's size.

    With `page_rows`, each list loads only its first `page_rows` rows (except the list
    named by `show_all`, and the checklist); `counts` says how many there are. Without
    a step, every list is loaded in full (for code that needs the whole plan).

    The context, levels, core answers and counts come from one statement
    (`plan_rows.small_rows`), or from `parts` (the plan's `plan_rows`, read once after a
    save) when given.
    """
    if parts is not None:
        levels, context, core = _small_parts(project, parts)
        counts = {kind: len(parts[kind]) for kind in ROW_MODELS}
    else:  # one statement: the small parts and every list's count
        small, counts = small_rows(project.pk)
        levels, context, core = _small_parts(project, small)
    if context is None or len(levels) < len(LEVELS) or len(core) < len(CoreQuestionKey.values):
        ensure_plan_rows(project)
        return load_plan(project, step, page_rows=page_rows, show_all=show_all)
    kinds = STEP_ROWS[step] if step else list(ROW_MODELS)
    rows = StepRows(parts, project, page_rows, show_all)
    plan = Plan(project, context, levels, counts, core, kinds, rows, parts=parts)
    if "technique" in kinds:
        # What a checklist line shows: a team may keep hundreds of techniques, so plain
        # values, not model instances.
        techniques = CatalogueEntry.objects.visible_to(project.team).filter(
            kind=CatalogueEntry.Kind.TECHNIQUE
        )
        plan.techniques = [
            ChecklistEntry(*values) for values in techniques.values_list(*ChecklistEntry.FIELDS)
        ]
    return plan


@dataclass(frozen=True)
class ChecklistEntry:
    """A technique of the catalogue as its checklist line shows it."""

    FIELDS = ("id", "team_id", "slug", "name", "category", "summary")
    pk: int
    team_id: int | None
    slug: str
    name: str
    category: str
    summary: str


# Lists whose cards show no other row: when the whole plan was read (`plan_rows`, after
# a save), their cards are drawn from that read.
FLAT_KINDS = [
    key
    for key, kind in registry.ROW_KINDS.items()
    if all(f.type not in ("ref", "refs") for f in kind.fields)
]


class StepRows(dict):
    """The rows of each list, read the first time a list is used: a save whose answer
    shows no list reads none. With `page_rows`, a list holds its first `page_rows` rows,
    except the one named by `show_all` and the checklist."""

    def __init__(self, plan_parts, project: Project, page_rows: int | None, show_all: str):
        super().__init__()
        self.parts, self.project = plan_parts, project
        self.page_rows, self.show_all = page_rows, show_all

    def __missing__(self, kind: str) -> list:
        limit = None if kind in (self.show_all, "technique") else self.page_rows
        if self.parts is not None and kind in FLAT_KINDS:
            self[kind] = found = self._from_parts(kind, limit)
            return found
        rows = row_queryset(self.project, kind)
        if limit is not None:
            rows = rows[:limit]
        self[kind] = found = _with_refs(kind, _with_source(list(rows)))
        _linked_names(kind, found)
        return found

    def _from_parts(self, kind: str, limit: int | None) -> list:
        """Rows for their cards from the plan's one read (no version: cards show none)."""
        names = [f.name for f in stored_fields(kind)]
        return [
            _stored(ROW_MODELS[kind], self.project, id=pk, **dict(zip(names, values, strict=True)))
            for pk, *values in self.parts[kind][:limit]
        ]


def _references(kind: str, pks: list[int]) -> tuple[list, list[tuple]]:
    """The lists of references of a kind's rows `pks` (an operation's entities and journey
    steps) in one statement: the list fields, and (list index, row id, referred id,
    referred name) tuples sorted by list, row and referred id."""
    refs = [f.name for f in registry.ROW_KINDS[kind].fields if f.type == "refs"]
    links = [ROW_MODELS[kind]._meta.get_field(name) for name in refs]
    if not links or not pks:
        return links, []
    reads = []
    for index, link in enumerate(links):
        source, target = link.m2m_field_name(), link.m2m_reverse_field_name()
        through = link.remote_field.through.objects.filter(**{f"{source}__in": pks})
        number = Value(index, output_field=IntegerField())
        reads.append(
            through.annotate(list=number).values_list("list", source, target, f"{target}__name")
        )
    return links, sorted(reads[0].union(*reads[1:], all=True))


def _linked_names(kind: str, rows: list) -> None:
    """Each card's lists of references as names, `row.linked_names[field]`, which
    `rows.field_text` reads: plain (row, name) pairs, where a prefetch would build every
    named row as a model instance (a third of Level 3's render)."""
    by_pk = {row.pk: row for row in rows}
    links, found = _references(kind, list(by_pk))
    for row in rows if links else []:
        row.linked_names = {link.name: [] for link in links}
    for index, pk, _, name in found:
        by_pk[pk].linked_names[links[index].name].append(name)


def _stored(model, project: Project, **values):
    """A model instance for a row read by `plan_rows`, as if loaded from the database."""
    instance = model(project=project, **values)
    instance._state.adding, instance._state.db = False, "default"
    return instance


def _small_parts(project: Project, parts: dict[str, list]) -> tuple:
    # The parts may be the lists a process keeps (`kept_plan_rows`): the instances get
    # copies of their JSON values, which a view may change.
    levels = {
        level: _stored(
            LevelAnswer,
            project,
            id=pk,
            level=level,
            status=status,
            skip_reason=reason,
            answers=dict(answers),
            version=version,
        )
        for pk, level, status, reason, answers, version in parts["level"]
    }
    context = None
    for pk, *values, version in parts["context"]:
        fields = {f.name: v for f, v in zip(registry.CONTEXT_FIELDS, values, strict=True)}
        context = _stored(Context, project, id=pk, version=version, **fields)
    core = {
        key: _stored(
            CoreQuestion,
            project,
            id=pk,
            key=key,
            answer=answer,
            levels=list(levels_),
            version=version,
        )
        for pk, key, answer, levels_, version in parts["core"]
    }
    return levels, context, core


def row_queryset(project: Project, kind: str):
    """The rows of one list with what their cards show (related names) joined in."""
    rows = ROW_MODELS[kind].objects.filter(project=project)
    if kind in NAMED_REFS:  # the rows it names: their names only (`_with_refs`)
        names = {f"{name}_shown": RawSQL(sql, ()) for name, sql in _ref_names(kind).items()}  # noqa: S611 (ours)
        return rows.annotate(**names)
    if kind == "decision":
        # A card shows its entry and the name of the row that revealed it, nothing else
        # of either: the names come by subqueries. Joining the five tables a decision may
        # name (and a relationship's two ends) had PostgreSQL spend ~9 ms planning the
        # statement on every Level 5 render, and read each entry's long texts; written
        # as ORM subqueries they cost 2.9 ms to build and compile, as SQL text nothing.
        # (`row_get` reads one decision with everything its form and activity show.)
        own = [f.name for f in Decision._meta.concrete_fields]
        names = {a: RawSQL(sql, ()) for a, sql in _source_names().items()}  # noqa: S611 (ours)
        return rows.select_related("entry").only(*own, "entry__name").annotate(**names)
    if kind == "technique":
        return rows.select_related("entry")
    return rows


# The references a card names by the referred row's name (an operation's boundary, a
# relationship's two entities). Read as SQL-text subqueries and set on stand-ins of the
# referred rows: `select_related` cost more to compile (0.7-1.2 ms a list) than to run.
NAMED_REFS = {
    kind: [f.name for f in stored_fields(kind) if f.type == "ref" and f.ref in ROW_MODELS]
    for kind in ("operation", "entity", "relationship")
}


@cache
def _ref_names(kind: str) -> dict[str, str]:
    """For each reference of `kind` that a card names, SQL for the referred row's name."""
    model = ROW_MODELS[kind]
    return {name: _name_of(model, model._meta.get_field(name).column) for name in NAMED_REFS[kind]}


def _name_of(model, column: str, end: str = "") -> str:
    """A subquery: the name of the row a `model` row's `column` refers to (through a
    relationship's `end`, its source or target entity, when given)."""
    q = connection.ops.quote_name
    field = model._meta.get_field(column.removesuffix("_id"))
    referred, outer = table(field.related_model), f"{table(model)}.{q(column)}"
    if not end:
        return f"SELECT r.{q('name')} FROM {referred} r WHERE r.{q('id')} = {outer}"  # noqa: S608
    return (
        f"SELECT e.{q('name')} FROM {referred} r JOIN {table(Entity)} e "  # noqa: S608
        f"ON e.{q('id')} = r.{q(end + '_id')} WHERE r.{q('id')} = {outer}"
    )


def _with_refs(kind: str, rows: list) -> list:
    """Each reference a card names set to a stand-in of the referred row: its id and
    the name read with the row (`row_queryset`), cached where `select_related` puts
    what it reads."""
    for name in NAMED_REFS.get(kind, ()):
        field = ROW_MODELS[kind]._meta.get_field(name)
        model = field.related_model
        for row in rows:
            pk = getattr(row, field.attname)
            if pk is not None:
                shown = getattr(row, f"{name}_shown")
                referred = model.from_db(row._state.db, ["id", "name"], (pk, shown))
                field.set_cached_value(row, referred)
    return rows


@cache
def _source_names() -> dict[str, str]:
    """A decision card's source names as SQL subqueries on the decision's own columns:
    `<kind>_name` for each row kind a decision may name, and a relationship's two ends
    as `relationship_source_name` and `relationship_target_name`."""
    named = [kind for kind in DECISION_SOURCES if kind != "relationship"]
    found = {f"{kind}_name": _name_of(Decision, f"{kind}_id") for kind in named}
    for end in ("source", "target"):  # a relationship is named by its two entities
        found[f"relationship_{end}_name"] = _name_of(Decision, "relationship_id", end)
    return found


def row_get(project: Project, kind: str, pk: int):
    """One row of a list as its card and its form show it, or None. An operation comes
    with its lists of references (the form starts from them, and a save compares them)."""
    if kind == "decision":  # its form and its activity entry read the rows it names
        related = ["entry", *DECISION_SOURCES, "relationship__source", "relationship__target"]
        found = Decision.objects.filter(project=project).select_related(*related)
        rows = _with_source(list(found.filter(pk=pk)))
    elif kind == "technique":
        rows = list(row_queryset(project, kind).filter(pk=pk))
    else:
        rows = _with_refs(kind, _row_read(kind, project.pk, pk))
    if rows:
        _prefetch_refs(kind, rows[0])
    return rows[0] if rows else None


def _row_read(kind: str, project_id: int, pk: int) -> list:
    """`row_queryset(project, kind).filter(pk=pk)`, as one plain statement made once per
    kind (every save reads its row, and the ORM's compiler cost more than the read)."""
    sql, shown = _row_statement(kind)
    model = ROW_MODELS[kind]
    rows = []
    for values in fetch(sql, [project_id, pk]):
        (row,) = instances(values[: len(values) - len(shown)], model)
        for name, value in zip(shown, values[len(values) - len(shown) :], strict=True):
            setattr(row, name, value)
        rows.append(row)
    return rows


@cache
def _row_statement(kind: str) -> tuple[str, list[str]]:
    model, q = ROW_MODELS[kind], connection.ops.quote_name
    rows = table(model)
    names = _ref_names(kind) if kind in NAMED_REFS else {}
    shown = [f"{name}_shown" for name in names]
    subqueries = "".join(f", ({sql}) AS {q(f'{name}_shown')}" for name, sql in names.items())
    return (
        f"SELECT {columns(model, rows)}{subqueries} FROM {rows} "  # noqa: S608
        f"WHERE {rows}.{q('project_id')} = %s AND {rows}.{q('id')} = %s",
        shown,
    )


def _prefetch_refs(kind: str, row) -> None:
    """A row's lists of references, kept where `prefetch_related` keeps them: the form
    starts from them and `save_form` compares them without a query per list."""
    links, found = _references(kind, [row.pk])
    if links:
        row._prefetched_objects_cache = {}
    for index, link in enumerate(links):
        linked = getattr(row, link.name).all()
        linked._result_cache = [
            link.related_model.from_db(row._state.db, ["id", "name"], [ref, name])
            for i, _, ref, name in found
            if i == index
        ]
        linked._prefetch_done = True
        row._prefetched_objects_cache[link.name] = linked


DECISION_SOURCES = registry.REVEALED_BY_KINDS


def _with_source(rows: list) -> list:
    """Decisions get `source`: the name of the earlier answer that revealed their
    problem (for a list of cards, from the names `row_queryset` reads with it)."""
    for row in rows:
        if isinstance(row, Decision):
            kind = next((k for k in DECISION_SOURCES if getattr(row, f"{k}_id")), None)
            if kind is None:
                row.source = None
            elif not hasattr(row, "relationship_source_name"):  # read whole (`row_get`)
                row.source = str(getattr(row, kind))
            elif kind == "relationship":
                row.source = Relationship.label(
                    row.relationship_source_name, row.relationship_target_name
                )
            else:
                row.source = getattr(row, f"{kind}_name")
    return rows


def decision_source_rows(project: Project) -> dict[str, list[tuple[int, str]]]:
    """Every row a decision may name as its source, as (id, name) pairs, for the decision
    form: a 200-row plan offers 800 of them, so no model instances (a relationship is
    named by its two entities, `Relationship.label`)."""
    rows = {
        kind: list(ROW_MODELS[kind].objects.filter(project=project).values_list("id", "name"))
        for kind in ["journey_step", "operation", "entity"]
    }
    ends = Relationship.objects.filter(project=project).order_by("id")
    rows["relationship"] = [
        (pk, Relationship.label(source, target))
        for pk, source, target in ends.values_list("id", "source__name", "target__name")
    ]
    return rows


def step_neighbours(step: str) -> tuple[str | None, str | None]:
    index = STEPS.index(step)
    previous = STEPS[index - 1] if index > 0 else None
    following = STEPS[index + 1] if index + 1 < len(STEPS) else None
    return previous, following


def evidence_anchors(project: Project) -> dict[tuple[str, str], str]:
    """Where each named answer sits on its step page, as "?all=<kind>#<anchor>", keyed by
    the (kind, name) the advisor's evidence uses. One statement (a `UNION ALL`)."""
    text = CharField()

    def named(rows, kind: str, name) -> object:
        rows = rows.order_by().annotate(_kind=Value(kind, text), _name=name)  # SQLite: no
        return rows.values_list("_kind", "pk", "_name")  # ORDER BY inside a UNION

    parts = [
        named(ROW_MODELS[kind].objects.filter(project=project), kind, F("name"))
        for kind in ["journey_step", "boundary", "operation", "entity"]
    ]
    arrow = Concat(F("source__name"), Value(" -> "), F("target__name"), output_field=text)
    parts.append(named(Relationship.objects.filter(project=project), "relationship", arrow))
    parts.append(named(Decision.objects.filter(project=project), "decision", F("entry__slug")))
    techniques = CatalogueEntry.objects.visible_to(project.team).filter(
        kind=CatalogueEntry.Kind.TECHNIQUE
    )
    parts.append(named(techniques, "technique", F("slug")))
    anchors = {}
    for kind, pk, name in parts[0].union(*parts[1:], all=True):
        anchor = f"#{kind}-{pk}" if kind == "technique" else f"?all={kind}#{kind}-{pk}"
        anchors[(kind, name)] = anchor
    return anchors


def evidence_anchor(anchors: dict, item: dict) -> str:
    kind, name = item.get("kind", ""), item.get("name", "")
    if kind == "context":
        return f"#id_{name}"
    if kind == "level":
        return f"#q-{name}" if name != "status" else "#level-status"
    if kind == "core_question":
        return f"#core-{name}"
    return anchors.get((kind, name), "")
