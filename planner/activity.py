"""The activity log: every change to a plan, who made it, where, and what it changed.

`record` is the one way to log a change. It writes the entry and moves the project's
`updated_at` in the caller's transaction: that timestamp is the plan's version, the key
of the page cache and of the stored findings, and what the workspace polls to tell
someone that another member saved (`presence_views`). Any new event (a milestone, a
review) is one call:

    record(project=project, user=user, summary="saved milestone “Design review 1”")

`changes` are field by field: `snapshot` a row as a person reads it before the write,
again after, and `diff` the two.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from planner.models import Activity, Project
from planner.rows import field_text

EPOCH, MICROSECOND = datetime(1970, 1, 1, tzinfo=UTC), timedelta(microseconds=1)
SHOWN_CHARS = 500  # a long answer's before and after are kept to this many characters


def record(**details) -> Activity:
    """Log a change and move the project's `updated_at` (the plan's version). Takes
    `entry`'s arguments."""
    return write(entry(**details))


def write(logged: Activity) -> Activity:
    """Write a log entry and move the plan's version."""
    # Two plain statements: every save makes them, and the ORM's compiler cost more
    # than the rest of a save's writing.
    insert, update, fields = _statements()
    with connection.cursor() as cursor:
        cursor.execute(insert, _values(logged, fields))
        pk = cursor.fetchone()[0]
        cursor.execute(update, [_moment(logged), logged.project_id])
    return written(logged, pk)


def entry(
    *,
    project: Project,
    user,
    summary: str,
    step: str = "",
    target: str = "",
    changes: Iterable = (),
) -> Activity:
    """A log entry, not written yet (`record` writes one; `along` writes one with a row)."""
    return Activity(
        project=project,
        user=user,
        summary=summary[:300],
        at=timezone.now(),
        step=step,
        target=target[:200],
        changes=[[label, clip(before), clip(after)] for label, before, after in changes],
    )


def along(write: str, params: list, logged: Activity) -> tuple[str, list]:
    """`write`, an UPDATE of one row, with the log entry and the plan's version, as one
    statement (PostgreSQL's data-modifying WITH): the entry is written and the version
    moved only if the row was. It answers one row, the entry's id, or none. One
    statement is atomic by itself: no BEGIN and COMMIT around a save."""
    fields = _statements()[2]
    sql = f"WITH saved AS ({write} RETURNING 1), {_along()}"
    return sql, [*params, *_values(logged, fields), _moment(logged), logged.project_id]


def written(logged: Activity, pk: int) -> Activity:
    logged.pk = pk
    logged._state.adding, logged._state.db = False, connection.alias
    logged.project.updated_at = logged.at
    return logged


def _values(logged: Activity, fields: list) -> list:
    return [f.get_db_prep_save(getattr(logged, f.attname), connection) for f in fields]


def _moment(logged: Activity):
    return Project._meta.get_field("updated_at").get_db_prep_save(logged.at, connection)


@cache
def _statements() -> tuple[str, str, list]:
    """The activity row's INSERT and the project's stamp's UPDATE, and the activity's
    fields in the INSERT's order."""
    q = connection.ops.quote_name
    fields = [f for f in Activity._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(q(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    pk = q(Activity._meta.pk.column)
    return (
        f"INSERT INTO {q(Activity._meta.db_table)} ({columns}) VALUES ({marks}) RETURNING {pk}",  # noqa: S608
        f"UPDATE {q(Project._meta.db_table)} SET {q('updated_at')} = %s "  # noqa: S608
        f"WHERE {q(Project._meta.pk.column)} = %s",
        fields,
    )


@cache
def _along() -> str:
    """`along`'s entry and version: each value cast to its column's type, as a SELECT
    from the saved row (none when the row was not saved) leaves it untyped."""
    q = connection.ops.quote_name
    fields = _statements()[2]
    columns = ", ".join(q(f.column) for f in fields)
    values = ", ".join(f"CAST(%s AS {f.cast_db_type(connection)})" for f in fields)
    pk = q(Activity._meta.pk.column)
    return (
        f"logged AS (INSERT INTO {q(Activity._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {values} FROM saved RETURNING {pk} AS id) "
        f"UPDATE {q(Project._meta.db_table)} SET {q('updated_at')} = %s "
        f"WHERE {q(Project._meta.pk.column)} = %s AND EXISTS (SELECT 1 FROM saved) "
        "RETURNING (SELECT id FROM logged)"
    )


def clip(text: str) -> str:
    text = str(text)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def snapshot(instance: Model, names: Iterable[str]) -> dict[str, str]:
    """The fields `names` of a row as a person reads them, by label."""
    return {
        str(instance._meta.get_field(name).verbose_name).capitalize(): field_text(instance, name)
        for name in names
    }


def diff(before: dict[str, str], after: dict[str, str]) -> list[tuple[str, str, str]]:
    """(label, before, after) for each field whose text changed ("" where a side has none)."""
    labels = list(before) + [label for label in after if label not in before]
    return [
        (label, before.get(label, ""), after.get(label, ""))
        for label in labels
        if before.get(label, "") != after.get(label, "")
    ]


def form_fields(form) -> list[str]:
    """The fields a row's form edits (its version apart)."""
    names = [name for name in form.Meta.fields if name != "version"]
    return names + list(getattr(form, "instance_fields", []))


def version_stamp(project: Project) -> str:
    """The plan's version as the workspace carries it (microseconds of `updated_at`)."""
    return version_stamp_of(project.updated_at)


def version_stamp_of(moment: datetime) -> str:
    return str((moment - EPOCH) // MICROSECOND)


def since_stamp(stamp: str):
    """The moment a `version_stamp` names (None for anything else)."""
    if not stamp.isdigit() or len(stamp) > 20:
        return None
    return EPOCH + int(stamp) * MICROSECOND
