"""Stamps on every row of a plan's tables, and each part's row count (PostgreSQL only,
as the part stamps of 0012 are).

Every table `plan_rows` reads per project gets a `stamp` column, written by a trigger
before each insert and update with the part's new stamp: a process that read the part
at stamp S reads again only the rows stamped after S (`plan_rows.kept_plan_rows`).
The part's stamp is taken while its `PlanPart` row is locked, and that lock is held
until the transaction ends, so a row written later always carries a greater stamp
than any row already committed in its part. Deletes leave no row behind: they move
the part's stamp and its row count (`PlanPart.rows`, kept by triggers after each
insert and delete), and a count that disagrees with the rows a process holds tells it
to read the part whole. Lists of references keep their part stamp only."""

from django.db import migrations, models

# part -> table: the tables of 0012 (plan_rows.PARTS).
TABLES = {
    "context": "planner_context",
    "level": "planner_levelanswer",
    "core": "planner_corequestion",
    "journey_step": "planner_journeystep",
    "boundary": "planner_boundary",
    "operation": "planner_operation",
    "entity": "planner_entity",
    "relationship": "planner_relationship",
    "decision": "planner_decision",
    "technique": "planner_techniquechoice",
    "dismissal": "planner_dismissal",
}

FUNCTIONS = """
DROP FUNCTION planner_stamp_part(bigint, text);

-- The part's new stamp, taken once its row is locked (ON CONFLICT DO UPDATE evaluates
-- its SET after the lock): later than every stamp already committed in the part.
CREATE FUNCTION planner_stamp_part(project bigint, part text, added integer DEFAULT 0)
RETURNS bigint LANGUAGE sql AS $$
    INSERT INTO planner_planpart (project_id, part, stamp, rows)
    VALUES (project, part, nextval('planner_planpart_stamp'), greatest(added, 0))
    ON CONFLICT (project_id, part) DO UPDATE
    SET stamp = nextval('planner_planpart_stamp'), rows = planner_planpart.rows + added
    RETURNING stamp
$$;

-- Before a row of a plan's table is inserted or updated: it takes its part's new stamp
-- (TG_ARGV[0] names the part).
CREATE FUNCTION planner_row_stamped() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.project_id IS DISTINCT FROM NEW.project_id THEN
        PERFORM planner_stamp_part(OLD.project_id, TG_ARGV[0], -1);
        PERFORM planner_stamp_part(NEW.project_id, TG_ARGV[0], 1);
    END IF;
    NEW.stamp := planner_stamp_part(NEW.project_id, TG_ARGV[0]);
    RETURN NEW;
END $$;

-- After a row was inserted or deleted (only rows that were: an insert that met a
-- conflict and did nothing is not counted): the part's count, and its stamp.
CREATE FUNCTION planner_row_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM planner_stamp_part(OLD.project_id, TG_ARGV[0], -1);
    ELSE
        PERFORM planner_stamp_part(NEW.project_id, TG_ARGV[0], 1);
    END IF;
    RETURN NULL;
END $$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS, params=None)
    for part, table in TABLES.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN stamp bigint NOT NULL DEFAULT 0; "
            f"DROP TRIGGER planner_part_changed ON {table}; "
            f"CREATE TRIGGER planner_row_stamped BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION planner_row_stamped('{part}'); "
            f"CREATE TRIGGER planner_row_counted AFTER INSERT OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION planner_row_counted('{part}'); "
            # The projects there are now: their counts, and a new stamp for each part
            # (the rows there are carry 0, older than any stamp).
            f"UPDATE planner_planpart SET stamp = nextval('planner_planpart_stamp'), "  # noqa: S608
            f"rows = (SELECT count(*) FROM {table} t WHERE t.project_id = planner_planpart.project_id) "
            f"WHERE part = '{part}'",
            params=None,
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for part, table in TABLES.items():
        schema_editor.execute(
            f"DROP TRIGGER planner_row_stamped ON {table}; "
            f"DROP TRIGGER planner_row_counted ON {table}; "
            f"ALTER TABLE {table} DROP COLUMN stamp; "
            f"CREATE TRIGGER planner_part_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION planner_part_changed('{part}')",
            params=None,
        )
    schema_editor.execute(
        "DROP FUNCTION planner_row_counted(); DROP FUNCTION planner_row_stamped(); "
        "DROP FUNCTION planner_stamp_part(bigint, text, integer); "
        "CREATE FUNCTION planner_stamp_part(project bigint, part text) RETURNS void "
        "LANGUAGE sql AS $$ INSERT INTO planner_planpart (project_id, part, stamp) "
        "VALUES (project, part, nextval('planner_planpart_stamp')) "
        "ON CONFLICT (project_id, part) DO UPDATE SET stamp = EXCLUDED.stamp $$",
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0012_plan_part_stamps"),
    ]

    operations = [
        migrations.AddField(
            model_name="planpart",
            name="rows",
            field=models.IntegerField(db_default=0),
        ),
        migrations.RunPython(create, drop),
    ]
