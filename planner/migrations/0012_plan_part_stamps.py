"""Stamps of each plan part's last change (`PlanPart`), written by PostgreSQL triggers
on every table `plan_rows` reads, so that no code path can change a part unseen. On
other databases there are no triggers and `plan_rows.kept_plan_rows` reads the whole
plan every time. A new part's table needs its trigger in a migration of its own
(tests/planner/test_kept_plan.py checks every part has one)."""

from django.db import migrations, models

# part -> table, as `plan_rows.PARTS` reads them.
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
# Lists of references: part -> (table, the row they belong to: its table and column).
LINK_TABLES = {
    "operation_entity": ("planner_operation_entities", "planner_operation", "operation_id"),
    "operation_journey_step": (
        "planner_operation_journey_steps",
        "planner_operation",
        "operation_id",
    ),
}

FUNCTIONS = """
CREATE SEQUENCE planner_planpart_stamp;

CREATE FUNCTION planner_stamp_part(project bigint, part text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO planner_planpart (project_id, part, stamp)
    VALUES (project, part, nextval('planner_planpart_stamp'))
    ON CONFLICT (project_id, part) DO UPDATE SET stamp = EXCLUDED.stamp
$$;

-- A row of a plan's table changed: TG_ARGV[0] names its part.
CREATE FUNCTION planner_part_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM planner_stamp_part(OLD.project_id, TG_ARGV[0]);
    ELSE
        PERFORM planner_stamp_part(NEW.project_id, TG_ARGV[0]);
    END IF;
    RETURN NULL;
END $$;

-- A reference of a list changed: TG_ARGV[0] names its part, TG_ARGV[1] the table of
-- the row the list belongs to and TG_ARGV[2] the column naming that row (Django
-- deletes a row's references before the row: the row is there to name its project).
CREATE FUNCTION planner_link_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    project bigint;
BEGIN
    EXECUTE format('SELECT project_id FROM %I WHERE id = $1', TG_ARGV[1]) INTO project
    USING (to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END) ->> TG_ARGV[2])::bigint;
    IF project IS NOT NULL THEN
        PERFORM planner_stamp_part(project, TG_ARGV[0]);
    END IF;
    RETURN NULL;
END $$;

-- A new project's parts are stamped at once (TG_ARGV: every part), so that a part
-- without a stamp is one never read with a stamp: `kept_plan_rows` reads it.
CREATE FUNCTION planner_project_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO planner_planpart (project_id, part, stamp)
    SELECT NEW.id, part, nextval('planner_planpart_stamp') FROM unnest(TG_ARGV) AS part;
    RETURN NULL;
END $$;
"""


def triggers() -> list[str]:
    row = "AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION"
    out = [
        f"CREATE TRIGGER planner_part_changed {row.format(table=table)} "
        f"planner_part_changed('{part}')"
        for part, table in TABLES.items()
    ]
    out += [
        f"CREATE TRIGGER planner_part_changed {row.format(table=table)} "
        f"planner_link_changed('{part}', '{owner}', '{column}')"
        for part, (table, owner, column) in LINK_TABLES.items()
    ]
    parts = [*TABLES, *LINK_TABLES]
    out.append(
        "CREATE TRIGGER planner_project_created AFTER INSERT ON planner_project "
        "FOR EACH ROW EXECUTE FUNCTION planner_project_created("
        + ", ".join(f"'{part}'" for part in parts)
        + ")"
    )
    # The projects there are now.
    out.append(
        "INSERT INTO planner_planpart (project_id, part, stamp) "
        "SELECT id, part, nextval('planner_planpart_stamp') FROM planner_project "
        "CROSS JOIN unnest(ARRAY[" + ", ".join(f"'{part}'" for part in parts) + "]) AS part"  # noqa: S608
    )
    return out


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS, params=None)
        for sql in triggers():
            schema_editor.execute(sql, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        tables = [*TABLES.values(), *(table for table, _, _ in LINK_TABLES.values())]
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER planner_part_changed ON {table}")
        schema_editor.execute(
            "DROP TRIGGER planner_project_created ON planner_project; "
            "DROP FUNCTION planner_project_created(); "
            "DROP FUNCTION planner_link_changed(); DROP FUNCTION planner_part_changed(); "
            "DROP FUNCTION planner_stamp_part(bigint, text); "
            "DROP SEQUENCE planner_planpart_stamp"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0011_findings_digest"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlanPart",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("project_id", models.BigIntegerField()),
                ("part", models.CharField(max_length=40)),
                ("stamp", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("project_id", "part"), name="one_stamp_per_part"
                    )
                ],
            },
        ),
        migrations.RunPython(create, drop),
    ]
