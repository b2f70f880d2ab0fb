"""Optimistic concurrency for plan rows: a save names the version it edited, and a save
made from an older version merges field by field."""

from contextlib import nullcontext

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.utils.choices import flatten_choices

from planner import activity
from planner.models import Activity
from planner.rows import field_text


class StaleVersion(Exception):
    """The row changed (or vanished) since the person loaded it."""

    def __init__(self, current: models.Model | None):
        self.current = current
        super().__init__("This was changed by someone else since you opened it.")


def save_versioned(
    instance: models.Model,
    expected_version: int,
    fields: list[str],
    logged: Activity | None = None,
) -> None:
    """Write `fields` of `instance` only if the stored version is still `expected_version`.

    One conditional UPDATE: two clients saving from the same version cannot
    both win. On success `instance.version` is the new version; on a conflict
    `StaleVersion.current` holds the row as it now stands (None if deleted).
    With `logged`, the same statement writes that log entry and moves the plan's
    version, only if the row was written (`activity.along`); elsewhere than on
    PostgreSQL two more statements follow, in a transaction with the row's.
    """
    model = type(instance)
    meta, q = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    assignments = "".join(f", {q(field.column)} = %s" for field in columns)
    # Plain SQL: every save makes this statement, and the ORM's compiler cost more than
    # the rest of it. Values go through each field's own conversion for the database.
    sql = (
        f"UPDATE {q(meta.db_table)} SET {q('version')} = {q('version')} + 1{assignments} "  # noqa: S608
        f"WHERE {q(meta.pk.column)} = %s AND {q('version')} = %s"
    )
    params = [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in columns]
    params += [instance.pk, expected_version]
    along = logged is not None and connection.vendor == "postgresql"
    if along:
        sql, params = activity.along(sql, params, logged)
    # One statement is atomic by itself: no savepoint around it (callers that write
    # more than this row open their own transaction; so does a log entry written apart).
    with transaction.atomic() if logged is not None and not along else nullcontext():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            updated = cursor.rowcount
            entry = cursor.fetchone() if along and updated else None
        if not updated:
            raise StaleVersion(model.objects.filter(pk=instance.pk).first())
        instance.version = expected_version + 1
        if entry is not None:
            activity.written(logged, entry[0])
        elif logged is not None:
            activity.write(logged)


def stale_merge(form, current: models.Model, **form_kwargs):
    """A versioned form saved from an older version, re-bound to the row as it now stands.

    Field by field, against the values the person loaded (the form's `initial-…`
    inputs): a field they did not change takes the stored value; a field only they
    changed keeps theirs; a field both changed to different values is a conflict,
    listed on `conflict` as (label, the stored value as a person reads it). The new
    form carries the current version and the stored values as its originals, so
    submitting it again applies the person's values deliberately. A form without
    originals (an old page) treats every differing field as a conflict.
    """
    stored = type(form)(instance=current, prefix=form.prefix, **form_kwargs)
    known = form.originals_sent()
    data = form.data.copy()
    conflicts = []
    for name in form.merged_fields:
        field, now = form.fields[name], stored[name].initial
        mine = not known or form.changed_from_original(name)
        theirs = not known or field.has_changed(now, form.original(name))
        if not mine:
            data.setlist(form.add_prefix(name), as_submitted(stored[name]))
        elif theirs and field.has_changed(now, form[name].data):
            conflicts.append(name)
        data.setlist(form.add_initial_prefix(name), as_submitted(stored[name]))
    data[form.add_prefix("version")] = str(current.version)
    merged = type(form)(data, instance=current, prefix=form.prefix, **form_kwargs)
    merged.conflict = [(merged[name].label, shown(stored, current, name)) for name in conflicts]
    return merged


def as_submitted(bound_field) -> list[str]:
    """What a browser posts for an unbound field's value."""
    value = bound_field.field.hidden_widget().format_value(bound_field.value())
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def shown(stored, current: models.Model, name: str) -> str:
    """A stored value as the person reads it: choice labels, names of related rows."""
    field = stored.fields[name]
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        labels = {str(key): str(label) for key, label in flatten_choices(field.choices)}
        value = stored[name].value()
        values = value if isinstance(value, (list, tuple)) else [value]
        text = ", ".join(labels.get(str(v), str(v)) for v in values if v not in (None, ""))
    else:
        try:
            current._meta.get_field(name)
        except FieldDoesNotExist:
            text = str(stored[name].value() or "")
        else:
            text = field_text(current, name)
    return text or "—"
