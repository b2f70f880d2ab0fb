"""Two people saving the same row at once: exactly one wins, the other is told.

Runs against PostgreSQL (as CI does) with real transactions and threads; SQLite's
in-memory test database locks whole tables, so these are skipped there.
"""

import threading

import pytest
from django.db import connection

from planner.models import Boundary
from planner.versioning import StaleVersion, save_versioned
from tests.conftest import make_project, make_team, make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row-level concurrency"
)


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

    threads = [threading.Thread(target=save, args=(n,)) for n in ("Alice's", "Bob's")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
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
