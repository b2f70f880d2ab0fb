"""Races that row locks must settle (PostgreSQL): one link, many acceptors; two owners."""

import threading

import pytest
from django.db import connection, connections

from accounts.models import Invitation, Membership, Role
from accounts.services import (
    InvitationError,
    LastOwnerError,
    invitation_accept,
    invitation_create,
    membership_change_role,
)
from tests.conftest import make_team, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs real row locks (run with DATABASE_URL)"
    ),
]


def test_only_one_of_two_simultaneous_accepts_succeeds():
    owner = make_user("o@example.com")
    team = make_team("Race", owner=owner)
    _, token = invitation_create(team=team, created_by=owner, role=Role.EDITOR)
    people = [make_user(f"p{n}@example.com") for n in range(4)]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def accept(person):
        try:
            barrier.wait()
            invitation_accept(token=token, user=person)
            outcomes.append("joined")
        except InvitationError as problem:
            outcomes.append(f"refused {problem.status}")
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["joined"] + ["refused 410"] * 3
    assert Membership.objects.filter(team=team).count() == 2
    assert Invitation.objects.get().used_by in people


def run_together(*calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except LastOwnerError:
            outcomes.append("last owner")
        except Exception as exc:  # a deadlock or any other surprise fails the test visibly
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_owners_stepping_down_together_leave_one_owner():
    a, b = make_user("a@example.com"), make_user("b@example.com")
    team = make_team("Pair", owner=[a, b])
    first, second = Membership.objects.filter(team=team).order_by("pk")
    outcomes = run_together(
        lambda: membership_change_role(membership=first, role=Role.EDITOR),
        lambda: membership_change_role(membership=second, role=Role.EDITOR),
    )
    assert outcomes == ["last owner", "ok"]
    assert Membership.objects.filter(team=team, role=Role.OWNER).count() == 1
