"""Every row of one plan in one SQL statement.

The advisor reads the plan document after every save, so reading it must be cheap:
one `UNION ALL` over the plan's tables, each branch giving (part, id, text columns…),
instead of a query per table. The statement is built once per process from the
models' own table and column names, with every value cast to text (portable between
PostgreSQL and SQLite) and turned back into its Python type here.

`plan_rows(project_id)` answers {part: [(id, values…), …]} with each part's rows in id
order; `planner.document.plan_document` assembles the document from them.
"""

import json
from functools import cache
from operator import itemgetter

from django.db import connection

from planner.models import (
    ROW_MODELS,
    CatalogueEntry,
    Context,
    CoreQuestion,
    Decision,
    Dismissal,
    LevelAnswer,
    PlanPart,
    TechniqueChoice,
)
from planner.registry import CONTEXT_FIELDS, REVEALED_BY_KINDS, ROW_KINDS, Field

TEXT, FLAG, NUMBER, JSON = "text", "flag", "number", "json"

TYPES = {"text": TEXT, "line": TEXT, "choice": TEXT, "flag": FLAG, "ref": NUMBER, "choices": JSON}


def stored_fields(kind: str) -> list[Field]:
    """The fields of a row kind held in its own table (many-to-many lists apart)."""
    return [f for f in ROW_KINDS[kind].fields if f.type != "refs"]


def _typed(fields: list[Field]) -> list[tuple[str, str]]:
    return [(f.name, TYPES[f.type]) for f in fields]


# part -> (model, [(field name, type)]): what the document needs of each table. A row
# kind's part is its registry fields; a decision adds the rows that revealed it.
PARTS: dict[str, tuple] = {
    # The context, levels and core answers end with their version: a save's page is
    # drawn from these same rows (`workspace.load_plan(parts=...)`).
    "context": (Context, [*_typed(CONTEXT_FIELDS), ("version", NUMBER)]),
    "level": (
        LevelAnswer,
        [
            ("level", NUMBER),
            ("status", TEXT),
            ("skip_reason", TEXT),
            ("answers", JSON),
            ("version", NUMBER),
        ],
    ),
    "core": (
        CoreQuestion,
        [("key", TEXT), ("answer", TEXT), ("levels", JSON), ("version", NUMBER)],
    ),
    **{key: (ROW_MODELS[key], _typed(stored_fields(key))) for key in ROW_KINDS},
    "dismissal": (Dismissal, [("finding_key", TEXT), ("reason", TEXT)]),
}
# A row kind's lists of references: "<kind>_<referred kind>" -> (kind, field), e.g.
# "operation_entity" holds (operation id, entity id) pairs.
LINK_PARTS: dict[str, tuple[str, Field]] = {
    f"{kind.key}_{f.ref}": (kind.key, f)
    for kind in ROW_KINDS.values()
    for f in kind.fields
    if f.type == "refs"
}
PARTS["decision"][1].extend((kind, NUMBER) for kind in REVEALED_BY_KINDS)
ENTRY_FIELDS = [
    ("team", NUMBER),
    ("slug", TEXT),
    ("name", TEXT),
    ("kind", TEXT),
    ("category", TEXT),
    ("summary", TEXT),
    ("problems", TEXT),
    ("when_to_use", TEXT),
    ("when_not_to", TEXT),
    ("complexity", TEXT),
    ("builtin_platforms", JSON),
]
WIDTH = max(len(fields) for _, fields in [*PARTS.values(), (None, ENTRY_FIELDS)])


def _columns(model, fields) -> list[str]:
    q = connection.ops.quote_name
    columns = [f"CAST({q(model._meta.get_field(name).column)} AS TEXT)" for name, _ in fields]
    return columns + ["CAST(NULL AS TEXT)"] * (WIDTH - len(columns))


@cache
def _branches() -> dict[str, tuple[str, str]]:
    """Each part's columns, and the FROM … WHERE … that reads its rows of the project
    named by the parameters (`%s`)."""
    q = connection.ops.quote_name
    branches = {}
    for part, (model, fields) in PARTS.items():
        table = q(model._meta.db_table)
        columns = ", ".join(_columns(model, fields))
        branches[part] = (f"{q('id')}, {columns}", f"FROM {table} WHERE {q('project_id')} = %s")
    # Lists of references (many to many), as (row id, referred row id).
    padding = ", ".join(["CAST(NULL AS TEXT)"] * (WIDTH - 1))
    for part, (kind, spec) in LINK_PARTS.items():
        model = ROW_MODELS[kind]
        link = model._meta.get_field(spec.name)
        table, rows = q(link.m2m_db_table()), q(model._meta.db_table)
        source, target = q(link.m2m_column_name()), q(link.m2m_reverse_name())
        branches[part] = (
            f"{source}, CAST({target} AS TEXT), {padding}",
            f"FROM {table} WHERE {source} IN (SELECT id FROM {rows} WHERE project_id = %s)",  # noqa: S608
        )
    # The catalogue entries the plan's decisions and techniques use.
    entries = q(CatalogueEntry._meta.db_table)
    used = " UNION ".join(
        f"SELECT {q('entry_id')} FROM {q(m._meta.db_table)} WHERE project_id = %s"  # noqa: S608
        for m in (Decision, TechniqueChoice)
    )
    columns = ", ".join(_columns(CatalogueEntry, ENTRY_FIELDS))
    branches["entry"] = (f"id, {columns}", f"FROM {entries} WHERE id IN ({used})")  # noqa: S608
    return branches


@cache
def statement() -> tuple[str, int]:
    """The SQL and how many times it takes the project's id. It is made of our models'
    table and column names only; the project's id is its one parameter."""
    # No ORDER BY: sorting every row of the plan, padding and all, was a fifth of the
    # statement's cost in PostgreSQL; `plan_rows` sorts each part by id instead.
    sql = " UNION ALL ".join(
        f"SELECT '{part}', {columns} {where}"  # noqa: S608
        for part, (columns, where) in _branches().items()
    )
    return sql, sql.count("%s")


CONVERT = {FLAG: lambda text: text in ("1", "true", "t"), NUMBER: int, JSON: json.loads}


@cache
def _converters() -> dict[str, tuple[int, list[tuple[int, object]]]]:
    """For each part, how many values it has and the positions of those that are not
    text, with their converter."""
    specs = {part: fields for part, (_, fields) in PARTS.items()}
    specs.update({part: [(spec.ref, NUMBER)] for part, (_, spec) in LINK_PARTS.items()})
    specs["entry"] = ENTRY_FIELDS
    return {
        part: (
            len(fields),
            [(i, CONVERT[kind]) for i, (_, kind) in enumerate(fields) if kind != TEXT],
        )
        for part, fields in specs.items()
    }


def plan_rows(project_id: int) -> dict[str, list[tuple]]:
    """{part: [(id, value, …), …]} for every part of the plan, each in id order."""
    sql, uses = statement()
    converters = _converters()
    rows: dict[str, list[tuple]] = {part: [] for part in converters}
    with connection.cursor() as cursor:
        cursor.execute(sql, [project_id] * uses)
        for part, pk, *values in cursor.fetchall():
            rows[part].append(_typed_row(converters[part], pk, values))
    for part, found in rows.items():
        # By id (unique, except in lists of references, whose pairs sort whole).
        found.sort(key=None if part in LINK_PARTS else itemgetter(0))
    return rows


# The plan as this process last read it, by project: each part's stamp, and its rows.
_KEPT: dict[int, tuple[dict[str, int], dict[str, list[tuple]]]] = {}
KEPT_PLANS = 50  # plans (each holds its rows); then the dictionary starts afresh
STAMPED = (*PARTS, *LINK_PARTS)  # the parts with a stamp: all but the catalogue entries


@cache
def kept_statement() -> str:
    """`statement()`, with the plan's stamps first (`PlanPart`), and each part's rows
    only when its stamp differs from the one given for it (NULL: read it). The catalogue
    entries have no stamp: they are read every time. Parameters: the project's id, then
    per part its own, and the stamp expected."""
    q = connection.ops.quote_name
    padding = ", ".join(["CAST(NULL AS TEXT)"] * (WIDTH - 1))
    stamps = (
        f"SELECT {q('part')}, {q('stamp')} FROM {q(PlanPart._meta.db_table)} "  # noqa: S608
        f"WHERE {q('project_id')} = %s"
    )
    branches = []
    for part, (columns, where) in _branches().items():
        if part in STAMPED:
            stamp = f"SELECT stamp FROM stamps WHERE part = '{part}'"  # noqa: S608
            where += f" AND ((({stamp}) = %s) IS NOT TRUE)"
        branches.append(f"SELECT '{part}', {columns} {where}")  # noqa: S608
    return (
        f"WITH stamps AS MATERIALIZED ({stamps}) "  # noqa: S608
        f"SELECT 'stamp', stamp, part, {padding} FROM stamps UNION ALL "
        + " UNION ALL ".join(branches)
    )


def kept_plan_rows(project_id: int, likely: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """`plan_rows`, in one statement too, but reading only the parts whose stamps moved
    since this process last read the plan, whoever changed them (`PlanPart`: database
    triggers stamp every change): the others, and any part read again equal, are the
    very lists kept from then, so the advisor knows them unchanged by identity. The
    lists are shared: read them, never change them. Without PostgreSQL (no triggers)
    it is `plan_rows`.

    `likely`: the parts a save probably changed (`step_parts`). They are read with the
    stamps by a statement much cheaper to plan; when a stamp read with them shows
    another part changed too, the plan is read as above."""
    if connection.vendor != "postgresql":
        return plan_rows(project_id)
    if len(_KEPT) >= KEPT_PLANS and project_id not in _KEPT:
        _KEPT.clear()
    stamps, before = _KEPT.get(project_id, ({}, {}))
    if likely and before:
        found = _likely_rows(project_id, (*likely, "entry"), stamps, before)
        if found is not None:
            return found
    params: list = [project_id]
    for part, (_, where) in _branches().items():
        params += [project_id] * where.count("%s")
        if part in STAMPED:
            params.append(stamps.get(part) if part in before else None)
    rows, now = _read_stamped(kept_statement(), params, _converters())
    for part, found in rows.items():
        if part in before and part in STAMPED and stamps.get(part, -1) == now.get(part, -2):
            rows[part] = before[part]  # not read: unchanged
        else:
            rows[part] = _settled(part, found, before)
    _KEPT[project_id] = (now, rows)
    return rows


def _likely_rows(project_id: int, parts: tuple, stamps: dict, before: dict) -> dict | None:
    """The plan with `parts` read and every other part kept, if the stamps read in the
    same statement show those others unchanged; otherwise None."""
    converters = _converters()
    sql, uses = _likely_statement(parts)
    rows, now = _read_stamped(sql, [project_id] * uses, {p: converters[p] for p in parts})
    for part in STAMPED:
        if part not in rows and (part not in stamps or now.get(part) != stamps[part]):
            return None
    rows = {
        part: before[part] if part not in rows else _settled(part, rows[part], before)
        for part in converters
    }
    _KEPT[project_id] = (now, rows)
    return rows


def _read_stamped(sql: str, params: list, converters: dict) -> tuple[dict, dict[str, int]]:
    """Run a statement of stamps ('stamp' rows: the stamp where the id goes, the part as
    the first value) and of parts' rows: ({part: rows as read}, {part: stamp})."""
    rows: dict[str, list[tuple]] = {part: [] for part in converters}
    now: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for part, pk, *values in cursor.fetchall():
            if part == "stamp":
                now[values[0]] = pk
            else:
                rows[part].append(_typed_row(converters[part], pk, values))
    return rows, now


def _settled(part: str, found: list[tuple], before: dict) -> list[tuple]:
    """A part read again, in id order: the list kept before when it is equal to it."""
    found.sort(key=None if part in LINK_PARTS else itemgetter(0))
    kept = before.get(part)
    return kept if found == kept else found


@cache
def _likely_statement(parts: tuple) -> tuple[str, int]:
    """The stamps and `parts`' rows, as `statement()` gives them (SQL, uses of the id)."""
    q = connection.ops.quote_name
    padding = ", ".join(["CAST(NULL AS TEXT)"] * (WIDTH - 1))
    branches = _branches()
    sql = (
        f"SELECT 'stamp', {q('stamp')}, {q('part')}, {padding} "  # noqa: S608
        f"FROM {q(PlanPart._meta.db_table)} WHERE {q('project_id')} = %s UNION ALL "
        + " UNION ALL ".join(
            f"SELECT '{part}', {branches[part][0]} {branches[part][1]}"  # noqa: S608
            for part in parts
        )
    )
    return sql, sql.count("%s")


@cache
def step_parts(step: str) -> tuple[str, ...]:
    """The parts a save on a workspace step writes: the context, the core answers, or a
    level's answers and its lists (with their lists of references)."""
    if step in ("context", "core"):
        return (step,)
    kinds = [key for key, kind in ROW_KINDS.items() if str(kind.level) == step]
    return ("level", *kinds, *(part for part, (kind, _) in LINK_PARTS.items() if kind in kinds))


def _typed_row(converter: tuple, pk: int, values: list) -> tuple:
    count, convert = converter
    del values[count:]  # the padding of shorter parts
    for i, to_python in convert:
        if values[i] is not None:
            values[i] = to_python(values[i])
    return (pk, *values)


# What every step page shows beside its own lists: the context, the levels' and core
# questions' answers, and how many rows each list has.
SMALL_PARTS = ("context", "level", "core")


@cache
def small_statement() -> tuple[str, int]:
    """The small parts and each list's row count in one statement ('count' rows carry
    the count where the id goes, and the list's name as their first value)."""
    q = connection.ops.quote_name
    branches = []
    for part in SMALL_PARTS:
        model, fields = PARTS[part]
        table, columns = q(model._meta.db_table), ", ".join(_columns(model, fields))
        branches.append(
            f"SELECT '{part}', {q('id')}, {columns} FROM {table} WHERE {q('project_id')} = %s"  # noqa: S608
        )
    padding = ", ".join(["CAST(NULL AS TEXT)"] * (WIDTH - 1))
    for kind, model in ROW_MODELS.items():
        table = q(model._meta.db_table)
        branches.append(
            f"SELECT 'count', COUNT(*), CAST('{kind}' AS TEXT), {padding} "  # noqa: S608
            f"FROM {table} WHERE {q('project_id')} = %s"
        )
    sql = " UNION ALL ".join(branches)
    return sql, sql.count("%s")


def small_rows(project_id: int) -> tuple[dict[str, list[tuple]], dict[str, int]]:
    """The small parts, as `plan_rows` gives them, and {list: row count}."""
    sql, uses = small_statement()
    converters = _converters()
    rows: dict[str, list[tuple]] = {part: [] for part in SMALL_PARTS}
    counts = dict.fromkeys(ROW_MODELS, 0)
    with connection.cursor() as cursor:
        cursor.execute(sql, [project_id] * uses)
        for part, pk, *values in cursor.fetchall():
            if part == "count":
                counts[values[0]] = pk
            else:
                rows[part].append(_typed_row(converters[part], pk, values))
    return rows, counts
