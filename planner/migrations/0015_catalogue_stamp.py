"""A stamp for the catalogue as a whole (PostgreSQL only, as the plan's stamps are):
the `PlanPart` row of project 0, part "catalogue", takes a new value of the stamps'
sequence after every statement that inserts, updates or deletes catalogue entries,
whatever code ran it. A plan's catalogue entries (those its decisions and techniques
use) are then read again only when that stamp, or the plan's decisions or techniques,
moved (`plan_rows.kept_plan_rows`)."""

from django.db import migrations

FUNCTIONS = """
CREATE FUNCTION planner_catalogue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM planner_stamp_part(0, 'catalogue');
    RETURN NULL;
END $$;

CREATE TRIGGER planner_catalogue_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON planner_catalogueentry
FOR EACH STATEMENT EXECUTE FUNCTION planner_catalogue_changed();

SELECT planner_stamp_part(0, 'catalogue');
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER planner_catalogue_changed ON planner_catalogueentry; "
            "DROP FUNCTION planner_catalogue_changed(); "
            "DELETE FROM planner_planpart WHERE project_id = 0 AND part = 'catalogue'",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0014_findings_out_of_line"),
    ]

    operations = [migrations.RunPython(create, drop)]
