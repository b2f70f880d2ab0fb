"""A plan read again reads only the parts whose stamps moved (`kept_plan_rows`), and
reads exactly what a whole read (`plan_rows`) reads: after every kind of change, made
by any code (the ORM, a bulk statement, plain SQL, a cascade), committed or not, or
rolled back. The stamps are written by database triggers, so these tests need
PostgreSQL."""

import pytest
from django.db import connection, transaction

from planner import plan_rows as plan_rows_module
from planner import services
from planner.models import (
    ROW_MODELS,
    Boundary,
    CatalogueEntry,
    Context,
    CoreQuestion,
    Decision,
    Dismissal,
    Entity,
    JourneyStep,
    LevelAnswer,
    Operation,
    PlanPart,
    Relationship,
    TechniqueChoice,
)
from planner.plan_rows import LINK_PARTS, PARTS, kept_plan_rows, plan_rows, step_parts
from planner.workspace import load_plan
from tests.conftest import make_project
from tests.planner.plans import fill_plan

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the stamps are written by PostgreSQL triggers"
)


def same(project, likely: tuple[str, ...] = ()) -> dict:
    kept = kept_plan_rows(project.pk, likely)
    assert kept == plan_rows(project.pk)
    return kept


def test_every_part_has_its_trigger_and_every_project_its_stamps(team, owner):
    tables = {model._meta.db_table for model, _ in PARTS.values()}
    tables |= {
        ROW_MODELS[kind]._meta.get_field(spec.name).m2m_db_table()
        for kind, spec in LINK_PARTS.values()
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'planner_%'"
        )
        found = cursor.fetchall()
    links = {table for name, table in found if name == "planner_part_changed"}
    # Rows of a part's table take its stamp, inserts and deletes count (migration 0013).
    stamped = {table for name, table in found if name == "planner_row_stamped"}
    counted = {table for name, table in found if name == "planner_row_counted"}
    assert links | stamped == tables and stamped == counted and not links & stamped
    project = make_project(team, created_by=owner)
    stamped = set(PlanPart.objects.filter(project_id=project.pk).values_list("part", flat=True))
    assert stamped == set(PARTS) | set(LINK_PARTS)


def test_unchanged_parts_are_the_lists_read_before(team, owner, catalogue):
    project = fill_plan(make_project(team, created_by=owner), rows=4)
    first = same(project)
    again = same(project)
    assert all(again[part] is first[part] for part in first)
    step = JourneyStep.objects.filter(project=project).first()
    step.data_needed = "Changed"
    step.save()
    after = same(project)
    assert after["journey_step"] is not first["journey_step"]
    assert after["boundary"] is first["boundary"]
    assert after["operation_entity"] is first["operation_entity"]


GUESSES = [(), ("journey_step",), ("level", "operation", "operation_entity")]


@pytest.mark.parametrize("likely", GUESSES, ids=str)
def test_every_kind_of_change_is_read(team, owner, catalogue, likely):
    """Read as a whole, or with a guess of what changed, right or wrong. Inside the
    test's transaction a changed part is read whole (it might be rolled back)."""
    every_kind_of_change(team, owner, likely)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("likely", GUESSES, ids=str)
def test_every_kind_of_change_is_read_row_by_row(team, owner, catalogue, likely):
    """As in production, with no transaction around the reads: a changed part's rows
    stamped since the last read are read, and the part's other rows kept."""
    every_kind_of_change(team, owner, likely)


def every_kind_of_change(team, owner, likely):
    project = fill_plan(make_project(team, created_by=owner), rows=5)
    other = fill_plan(make_project(team, name="Other", created_by=owner), rows=3)
    same(project), same(other)
    used = Decision.objects.filter(project=project).values("entry")
    pattern = CatalogueEntry.objects.filter(kind="pattern").exclude(pk__in=used).first()
    changes = [
        lambda: JourneyStep.objects.create(project=project, name="New step"),
        lambda: Boundary.objects.filter(project=project).update(reason="scaling"),  # bulk
        lambda: LevelAnswer.objects.filter(project=project, level=1).update(
            answers={"users": "Teachers"}
        ),
        lambda: Context.objects.filter(project=project).update(product="A chat app"),
        lambda: CoreQuestion.objects.filter(project=project).update(answer="Yes"),
        lambda: Dismissal.objects.create(project=project, finding_key="x:y", reason="Known"),
        lambda: Decision.objects.create(project=project, entry=pattern, status="adopt"),
        # a list of references alone: added, then removed
        lambda: (
            Operation.objects.filter(project=project)
            .first()
            .journey_steps.add(JourneyStep.objects.filter(project=project).first())
        ),
        lambda: Operation.objects.filter(project=project).first().entities.clear(),
        # deleting an operation deletes its references (their own part's stamp stays)
        lambda: Operation.objects.filter(project=project).last().delete(),
        # deleting a relationship, then its entity, whose references go with it
        lambda: Relationship.objects.filter(project=project).delete(),
        lambda: Entity.objects.filter(project=project, operations__isnull=False).first().delete(),
        # plain SQL, as any code could write
        lambda: connection.cursor().execute(
            "UPDATE planner_journeystep SET name = name || '!' WHERE project_id = %s",
            [project.pk],
        ),
        # a catalogue entry the plan uses, edited (the entries are read every time)
        lambda: CatalogueEntry.objects.filter(pk=pattern.pk).update(summary="Edited"),
        lambda: TechniqueChoice.objects.filter(project=project).delete(),
    ]
    for change in changes:
        change()
        same(project, likely)
        same(other)  # another plan's rows are its own
        assert counted(project) and counted(other)


def counted(project) -> bool:
    """Each part's row count, as the triggers keep it, is its table's."""
    kept = dict(PlanPart.objects.filter(project_id=project.pk).values_list("part", "rows"))
    return all(
        kept[part] == model.objects.filter(project_id=project.pk).count()
        for part, (model, _) in PARTS.items()
    )


def test_two_writes_in_one_transaction_and_a_rollback(team, owner, catalogue):
    """Every test runs in one transaction: two writes of a row in it are two stamps."""
    project = fill_plan(make_project(team, created_by=owner), rows=3)
    step = JourneyStep.objects.filter(project=project).first()
    for text in ("First", "Second"):
        JourneyStep.objects.filter(pk=step.pk).update(data_needed=text)
        assert {row[2] for row in same(project)["journey_step"]} >= {text}
    with pytest.raises(RuntimeError), transaction.atomic():
        JourneyStep.objects.filter(pk=step.pk).update(data_needed="Rolled back")
        same(project)  # read inside, then undone
        raise RuntimeError
    rows = same(project)["journey_step"]
    assert "Rolled back" not in {row[2] for row in rows}
    assert "Second" in {row[2] for row in rows}


def test_a_page_s_plan_gets_copies_of_the_kept_json(team, owner, catalogue):
    """A view may change what the loaded plan holds; the kept lists stay as read."""
    project = fill_plan(make_project(team, created_by=owner), rows=2)
    kept = same(project)
    plan = load_plan(project, "1", parts=kept)
    plan.levels[1].answers["users"] = "Changed in a view"
    plan.core[next(iter(plan.core))].levels.append("9")
    same(project)


def test_a_save_reads_the_parts_it_wrote_and_checks_the_others(team, owner, catalogue):
    """A save on Level 1 reads the level answers and the journey steps with the stamps;
    the other parts are the lists kept, as long as their stamps say so."""
    project = fill_plan(make_project(team, created_by=owner), rows=3)
    first = same(project)
    JourneyStep.objects.filter(project=project).update(data_needed="Edited")
    after = same(project, likely=step_parts("1"))
    assert after["journey_step"] is not first["journey_step"]
    assert all(after[part] is first[part] for part in ("boundary", "operation", "entity"))
    # Someone else changed a boundary meanwhile: the guess misses it, the stamps do not.
    Boundary.objects.filter(project=project).update(reason="scaling")
    JourneyStep.objects.filter(project=project).update(data_needed="Edited again")
    assert same(project, likely=step_parts("1"))["boundary"] is not first["boundary"]


@pytest.mark.django_db(transaction=True)
def test_a_changed_row_is_read_alone_and_the_others_kept(team, owner, catalogue):
    """Outside a transaction, after one row's edit only that row is new; after a
    delete (the part's count says so) and after a rolled-back read, the part is read
    whole, and equal to a whole read."""
    project = fill_plan(make_project(team, created_by=owner), rows=4)
    first = same(project)["journey_step"]
    step = JourneyStep.objects.filter(project=project).order_by("pk")[1]
    JourneyStep.objects.filter(pk=step.pk).update(data_needed="Edited")
    after = same(project, likely=step_parts("1"))["journey_step"]
    assert [row is old for row, old in zip(after, first, strict=True)] == [
        True,
        False,
        True,
        True,
    ]
    JourneyStep.objects.filter(pk=first[0][0]).delete()
    assert len(same(project)["journey_step"]) == 3
    with pytest.raises(RuntimeError), transaction.atomic():
        JourneyStep.objects.filter(pk=step.pk).update(data_needed="Rolled back")
        same(project)
        raise RuntimeError
    rows = same(project, likely=step_parts("1"))["journey_step"]
    assert "Rolled back" not in {row[2] for row in rows}
    # Another plan's rows were stamped meanwhile, and do not count here.
    other = fill_plan(make_project(team, name="Other", created_by=owner), rows=2)
    JourneyStep.objects.filter(project=other).update(data_needed="Theirs")
    assert same(project)["journey_step"] is rows


def test_stored_findings_keep_their_json_out_of_line(team, owner, catalogue):
    """Every save moves the stamp of each step's unchanged findings: with the JSON out
    of line (migration 0014) that copies the row's keys, not its findings."""
    project = fill_plan(make_project(team, created_by=owner), rows=5)
    services.findings_refresh(load_plan(project, "context"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reloptions, pg_relation_size(c.reltoastrelid) FROM pg_class c "
            "WHERE c.relname = 'planner_projectfindings'"
        )
        options, toasted = cursor.fetchone()
    assert "toast_tuple_target=128" in options and toasted > 0


def test_the_catalogue_entries_are_read_again_only_when_they_may_have_changed(
    team, owner, catalogue, monkeypatch
):
    """The plan's catalogue entries are read again only when the catalogue's stamp
    (a trigger on its table, migration 0015) or the plan's decisions or techniques
    moved; otherwise they are the list kept."""
    project = fill_plan(make_project(team, created_by=owner), rows=3)
    read = []
    reader = plan_rows_module._read_stamped

    def spy(sql, params, converters):
        found = reader(sql, params, converters)
        read.append(len(found[0].get("entry", [])))
        return found

    monkeypatch.setattr(plan_rows_module, "_read_stamped", spy)
    first = same(project, step_parts("1"))["entry"]
    assert first and read[-1] == len(first)
    JourneyStep.objects.filter(project=project).update(data_needed="Edited")
    assert same(project, step_parts("1"))["entry"] is first and read[-1] == 0
    assert same(project)["entry"] is first and read[-1] == 0
    CatalogueEntry.objects.filter(pk=first[0][0]).update(summary="Edited by the team")
    assert same(project, step_parts("1"))["entry"] is not first and read[-1] == len(first)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'planner_catalogue_changed'")
        assert cursor.fetchone()[0] == 1
