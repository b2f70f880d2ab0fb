"""The stored findings' JSON kept out of line (PostgreSQL's TOAST), whatever its size.

Every save moves the `at` stamp of each step's findings row whose findings are
unchanged (`services.findings_write`). With the JSON inline (up to a few KB
compressed, below the size at which PostgreSQL moves values out of line) each of
those updates copied the whole row: the table's pages filled, updates stopped being
HOT and the table bloated (37 MB for 8 rows after 160,000 saves, each restamp
0.6 -> 1.5 ms of PostgreSQL). With `toast_tuple_target` at its minimum, a row is its
keys and a pointer to the JSON: a restamp copies about a hundred bytes and stays on
its page (0.19 ms, steady). Existing rows are rewritten once so that their JSON moves
out too. Other databases keep rows as they are."""

from django.db import migrations


def out_of_line(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE planner_projectfindings SET (toast_tuple_target = 128); "
            "UPDATE planner_projectfindings SET items = (items::text)::jsonb",
            params=None,
        )


def inline(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE planner_projectfindings RESET (toast_tuple_target)", params=None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0013_row_stamps"),
    ]

    operations = [migrations.RunPython(out_of_line, inline)]
