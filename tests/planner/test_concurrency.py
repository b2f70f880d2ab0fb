"""Two people saving the same row at once: exactly one wins, the other is told.

Runs against PostgreSQL (as CI does) with real transactions and threads; SQLite's
in-memory test database locks whole tables, so these are skipped there.
"""

import threading

import pytest
from django.db import connection

from planner import activity, services
from planner.levels import level
from planner.models import Activity, Boundary, LevelAnswer, Project
from planner.versioning import StaleVersion, save_versioned
from planner.workspace import ensure_plan_rows
from tests.conftest import make_project, make_team, make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row-level concurrency"
)


def at_once(target, values) -> None:
    """`target(value)` for each value, each in its own thread; back when all are done."""
    threads = [threading.Thread(target=target, args=(value,)) for value in values]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.mark.django_db(transaction=True)
def test_interleaved_saves_from_the_same_version_never_both_win():
    team = make_team("T", owner=make_user("t@example.com"))
    project = make_project(team)
    row = Boundary.objects.create(project=project, name="Core")
    results, barrier = [], threading.Barrier(2)

    def save(name):
        copy = Boundary.objects.get(pk=row.pk)
        barrier.wait()  # both loaded version 1 before either saves
        copy.name = name
        try:
            save_versioned(copy, 1, ["name"])
            results.append(("saved", name))
        except StaleVersion as stale:
            results.append(("refused", stale.current.name))
        finally:
            connection.close()

    at_once(save, ("Alice's", "Bob's"))
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["refused", "saved"]
    winner = next(name for kind, name in results if kind == "saved")
    shown = next(name for kind, name in results if kind == "refused")
    stored = Boundary.objects.get(pk=row.pk)
    assert stored.name == winner == shown
    assert stored.version == 2


@pytest.mark.django_db(transaction=True)
def test_many_clients_interleaving_lose_no_update():
    """Eight clients each try to apply one edit, retrying on conflicts: all eight land."""
    team = make_team("T", owner=make_user("t@example.com"))
    project = make_project(team)
    row = Boundary.objects.create(project=project, name="Core", responsibility="")

    def append(tag):
        try:
            for _ in range(50):
                current = Boundary.objects.get(pk=row.pk)
                current.responsibility = current.responsibility + tag
                try:
                    save_versioned(current, current.version, ["responsibility"])
                    return
                except StaleVersion:
                    continue
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(str(i),)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = Boundary.objects.get(pk=row.pk)
    assert sorted(stored.responsibility) == [str(i) for i in range(8)]
    assert stored.version == 9


@pytest.mark.django_db(transaction=True)
def test_saves_that_carry_their_log_entry_write_it_only_when_they_win():
    """Two saves from the same version, each with its entry in the same statement
    (`activity.along`): one row write, one entry, the plan's version moved once."""
    owner = make_user("t@example.com")
    project = make_project(make_team("T", owner=owner))
    row = Boundary.objects.create(project=project, name="Core")
    results, barrier = [], threading.Barrier(2)

    def save(name):
        copy = Boundary.objects.get(pk=row.pk)
        entry = activity.entry(project=project, user=owner, summary=f"renamed to {name}")
        barrier.wait()
        copy.name = name
        try:
            save_versioned(copy, 1, ["name"], entry)
            results.append(entry)
        except StaleVersion:
            pass
        finally:
            connection.close()

    at_once(save, ("Alice's", "Bob's"))
    (won,) = results
    (logged,) = Activity.objects.filter(project=project)
    assert (logged.pk, logged.summary) == (won.pk, won.summary)
    assert Boundary.objects.get(pk=row.pk).name in won.summary
    assert Project.objects.get(pk=project.pk).updated_at == won.at


@pytest.mark.django_db(transaction=True)
def test_answers_to_different_questions_saved_at_once_all_land():
    """Level 1's questions, each saved by another person from the same version, at
    once, three rounds: each save reads, decides and writes at the version it read,
    and goes round again (the last time holding the row's lock) when another landed in
    between. None is refused or lost, and each is logged once."""
    owner = make_user("t@example.com")
    project = make_project(make_team("T", owner=owner))
    ensure_plan_rows(project)
    lv = level(1)
    keys = [q.key for q in lv.questions]
    refused = []
    for round_ in range(3):
        start = LevelAnswer.objects.get(project=project, level=1)
        barrier = threading.Barrier(len(keys))

        def save(key, start=start, round_=round_, barrier=barrier):
            barrier.wait()
            try:
                services.level_answer_save(
                    project=project,
                    level=lv,
                    key=key,
                    value=f"{key} {round_}",
                    original=start.answers.get(key, ""),
                    version=start.version,
                    user=owner,
                )
            except StaleVersion:
                refused.append(key)
            finally:
                connection.close()

        at_once(save, keys)
        stored = LevelAnswer.objects.get(project=project, level=1)
        assert refused == []
        assert stored.version == start.version + len(keys)
        assert stored.answers == {key: f"{key} {round_}" for key in keys}
    assert Activity.objects.filter(project=project).count() == 3 * len(keys)
