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


# The plan as this process last read it, by project: each part's stamp and row count
# (`PlanPart`), its rows, and whether it was read outside a transaction.
_KEPT: dict[int, tuple[dict[str, int], dict[str, int], dict[str, list[tuple]], bool]] = {}
KEPT_PLANS = 50  # plans (each holds its rows); then the dictionary starts afresh
STAMPED = (*PARTS, *LINK_PARTS)  # the parts with a stamp: all but the catalogue entries
# The parts whose rows carry a stamp too (migration 0013): after a change only the
# rows stamped since are read. A list of references is read whole.
ROW_STAMPED = tuple(PARTS)
WHOLE = -1  # below every row's stamp: the whole part
# What the plan's catalogue entries are read from: the catalogue as a whole (its stamp
# is the `PlanPart` row of project 0, migration 0015) and the rows that use entries.
ENTRY_SOURCES = ("catalogue", "decision", "technique")


def _stamps_branch(label: str = "'stamp', ") -> str:
    """The plan's stamps as rows of the statements below: 'stamp' (`label`), the stamp
    where the id goes, then the part and its row count."""
    q = connection.ops.quote_name
    padding = ", ".join(["CAST(NULL AS TEXT)"] * (WIDTH - 2))
    return (
        f"SELECT {label}{q('stamp')}, {q('part')}, CAST({q('rows')} AS TEXT), {padding} "  # noqa: S608
        f"FROM {q(PlanPart._meta.db_table)} WHERE {q('project_id')} = %s "
        f"OR ({q('project_id')} = 0 AND {q('part')} = 'catalogue')"
    )


def _entries_moved(stamp_of) -> str:
    """The catalogue entries' condition: read them unless the stamps of what they are
    read from (`ENTRY_SOURCES`, each given by `stamp_of(part)` as SQL) are the ones
    given (one parameter each; NULL: read them)."""
    same = " AND ".join(f"{stamp_of(part)} = %s" for part in ENTRY_SOURCES)
    return f" AND (({same}) IS NOT TRUE)"


def _since(part: str, where: str) -> str:
    """A part's FROM … WHERE …, for its rows stamped after a given stamp (one more
    parameter) when its rows carry stamps."""
    return (
        f"{where} AND {connection.ops.quote_name('stamp')} > %s" if part in ROW_STAMPED else where
    )


@cache
def kept_statement() -> str:
    """`statement()`, with the plan's stamps first (`PlanPart`), then of each part with
    stamped rows the rows stamped after the stamp given for it (WHOLE: every row), and
    each list of references only when its stamp differs from the one given for it (NULL:
    read it). The catalogue entries have no stamp: they are read every time. Parameters:
    the project's id, then per part its own, and the stamp."""
    branches = []
    for part, (columns, where) in _branches().items():
        if part in LINK_PARTS:
            stamp = f"SELECT stamp FROM stamps WHERE part = '{part}'"  # noqa: S608
            where += f" AND ((({stamp}) = %s) IS NOT TRUE)"
        elif part == "entry":
            where += _entries_moved(lambda p: f"(SELECT stamp FROM stamps WHERE part = '{p}')")  # noqa: S608
        branches.append(f"SELECT '{part}', {columns} {_since(part, where)}")  # noqa: S608
    stamps = _stamps_branch(label="")  # the CTE's rows; labelled where they are selected
    return (
        f"WITH stamps AS MATERIALIZED ({stamps}) "  # noqa: S608
        "SELECT 'stamp', * FROM stamps UNION ALL " + " UNION ALL ".join(branches)
    )


def kept_plan_rows(project_id: int, likely: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """`plan_rows`, in one statement too, but reading only what changed since this
    process last read the plan, whoever changed it (database triggers stamp every
    change, `PlanPart` and migration 0013): the rows stamped since of a part's table,
    and a list of references whole when its stamp moved. A part's other rows, and a
    part with no change, are the very tuples and lists kept from then, so the advisor
    knows them unchanged by identity. The lists are shared: read them, never change
    them. A part that lost rows (its count says so) is read whole, in one more
    statement. Without PostgreSQL (no triggers) it is `plan_rows`.

    Rows read inside a transaction may be rolled back after: a plan kept from such a
    read has its unchanged parts used again (a stamp is never given twice), but a
    changed part is read whole.

    `likely`: the parts a save probably changed (`step_parts`). They are read with the
    stamps by a statement much cheaper to plan; when a stamp read with them shows
    another part changed too, the plan is read as above."""
    if connection.vendor != "postgresql":
        return plan_rows(project_id)
    if len(_KEPT) >= KEPT_PLANS and project_id not in _KEPT:
        _KEPT.clear()
    stamps, counts, before, committed = _KEPT.get(project_id, ({}, {}, {}, False))
    since = stamps if committed else {}  # the stamps the rows read were committed at
    if likely and before:
        found = _likely_rows(project_id, (*likely, "entry"), stamps, since, before)
        if found is not None:
            return found
    params: list = [project_id]
    for part, (_, where) in _branches().items():
        params += [project_id] * where.count("%s")
        if part in ROW_STAMPED:
            params.append(since.get(part, WHOLE) if part in before else WHOLE)
        elif part in LINK_PARTS:
            params.append(stamps.get(part) if part in before else None)
        elif part == "entry":
            params += _entry_stamps(stamps, before)
    read, now, counts = _read_stamped(kept_statement(), params, _converters())
    rows = {}
    for part, found in read.items():
        if part in before and _unchanged(part, stamps, now):
            rows[part] = before[part]  # not read: unchanged
        else:
            rows[part] = _settled(project_id, part, found, before, since, counts)
    _keep(project_id, now, counts, rows)
    return rows


def _entry_stamps(stamps: dict, before: dict) -> list:
    return [stamps.get(part) if "entry" in before else None for part in ENTRY_SOURCES]


def _stamp_of(part: str) -> str:
    """A part's stamp as a subquery of `_likely_statement` (the project's id a
    parameter, but for the catalogue's, project 0)."""
    q = connection.ops.quote_name
    project = "0" if part == "catalogue" else "%s"
    return (
        f"(SELECT {q('stamp')} FROM {q(PlanPart._meta.db_table)} "  # noqa: S608
        f"WHERE {q('project_id')} = {project} AND {q('part')} = '{part}')"
    )


def _likely_entry_params(project_id: int, stamps: dict, before: dict) -> list:
    """`_stamp_of`'s parameters, each followed by the stamp kept."""
    kept = _entry_stamps(stamps, before)
    return [
        value
        for part, stamp in zip(ENTRY_SOURCES, kept, strict=True)
        for value in ([] if part == "catalogue" else [project_id]) + [stamp]
    ]


def _unchanged(part: str, stamps: dict, now: dict) -> bool:
    """Whether a part read only when it changed (a list of references, the catalogue
    entries) was left unread, its stamps being the ones kept."""
    sources = ENTRY_SOURCES if part == "entry" else (part,) if part in LINK_PARTS else ()
    return bool(sources) and all(stamps.get(p, -1) == now.get(p, -2) for p in sources)


def _keep(project_id: int, now: dict, counts: dict, rows: dict) -> None:
    _KEPT[project_id] = (now, counts, rows, not connection.in_atomic_block)


def _likely_rows(
    project_id: int, parts: tuple, stamps: dict, since: dict, before: dict
) -> dict | None:
    """The plan with `parts` read (a stamped part's rows stamped since) and every other
    part kept, if the stamps read in the same statement show those others unchanged;
    otherwise None."""
    converters = _converters()
    sql = _likely_statement(parts)
    params = [project_id] + [
        param
        for part in parts
        for param in [project_id] * _branches()[part][1].count("%s")
        + ([since.get(part, WHOLE)] if part in ROW_STAMPED else [])
        + (_likely_entry_params(project_id, stamps, before) if part == "entry" else [])
    ]
    read, now, counts = _read_stamped(sql, params, {p: converters[p] for p in parts})
    for part in STAMPED:
        if part not in read and (part not in stamps or now.get(part) != stamps[part]):
            return None
    rows = {
        part: before[part]
        if part not in read or (part in before and _unchanged(part, stamps, now))
        else _settled(project_id, part, read[part], before, since, counts)
        for part in converters
    }
    _keep(project_id, now, counts, rows)
    return rows


def _read_stamped(sql: str, params: list, converters: dict) -> tuple[dict, dict, dict]:
    """Run a statement of stamps (`_stamps_branch`) and of parts' rows: ({part: rows as
    read}, {part: stamp}, {part: row count})."""
    rows: dict[str, list[tuple]] = {part: [] for part in converters}
    now: dict[str, int] = {}
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for part, pk, *values in cursor.fetchall():
            if part == "stamp":
                now[values[0]], counts[values[0]] = pk, int(values[1])
            else:
                rows[part].append(_typed_row(converters[part], pk, values))
    return rows, now, counts


def _settled(
    project_id: int, part: str, found: list[tuple], before: dict, since: dict, counts: dict
) -> list[tuple]:
    """A part as read, in id order. For a part with stamped rows read after the stamp
    in `since`, `found` are the rows stamped since: the part is the earlier rows with those
    in their place, unless rows were deleted meanwhile (the part's count says so), when
    it is read whole. Whatever is equal to the earlier rows, or list, is the earlier
    one, so that the next check is one of identity."""
    kept = before.get(part)
    if part in ROW_STAMPED and kept is not None and part in since:
        if not found and len(kept) == counts.get(part):
            return kept
        by_id = {row[0]: row for row in kept}
        for row in found:
            old = by_id.get(row[0])
            by_id[row[0]] = old if old == row else row
        if len(by_id) == counts.get(part):
            merged = sorted(by_id.values(), key=itemgetter(0))
            return kept if merged == kept else merged
        found = _part_rows(project_id, part)
    found.sort(key=None if part in LINK_PARTS else itemgetter(0))
    return kept if found == kept else found


def _part_rows(project_id: int, part: str) -> list[tuple]:
    """Every row of one part."""
    columns, where = _branches()[part]
    converter = _converters()[part]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} {where}", [project_id] * where.count("%s"))  # noqa: S608
        return [_typed_row(converter, pk, values) for pk, *values in cursor.fetchall()]


@cache
def _likely_statement(parts: tuple) -> str:
    """The stamps and `parts`' rows, as `statement()` gives them, a stamped part's
    only after a given stamp. Parameters: the project's id, then per part its own and
    for a stamped part the stamp."""
    branches = _branches()
    return f"{_stamps_branch()} UNION ALL " + " UNION ALL ".join(
        f"SELECT '{part}', {branches[part][0]} {_since(part, branches[part][1])}"  # noqa: S608
        + (_entries_moved(_stamp_of) if part == "entry" else "")
        for part in parts
    )


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
