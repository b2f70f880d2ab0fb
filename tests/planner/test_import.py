"""plan_import and the import_plan / load_demo commands: all or nothing, names, catalogue."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Membership, Role, Team, User
from planner.demo import DEMO_EMAIL, DEMO_PASSWORD
from planner.document import PlanDocumentError, plan_document
from planner.importing import plan_import
from planner.models import (
    Activity,
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
    Project,
    Relationship,
    TechniqueChoice,
)
from tests.conftest import make_project
from tests.planner.document_helpers import demo, minimal, small_catalogue, with_changes

MODELS = [
    Project,
    Context,
    LevelAnswer,
    CoreQuestion,
    JourneyStep,
    Boundary,
    Entity,
    Operation,
    Operation.entities.through,
    Relationship,
    Decision,
    TechniqueChoice,
    CatalogueEntry,
    Dismissal,
    Activity,
]


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_import_creates_the_whole_plan(team, owner, catalogue):
    project = plan_import(team=team, document=demo(), user=owner)

    assert project.team == team
    assert project.created_by == owner
    assert Operation.objects.filter(project=project).count() == 9
    assert LevelAnswer.objects.filter(project=project).count() == 6
    assert CoreQuestion.objects.filter(project=project).count() == 4
    decision = Decision.objects.get(project=project, entry__slug="database-transactions")
    assert (decision.relationship.source.name, decision.relationship.target.name) == (
        "Conversation",
        "Message",
    )
    assert Activity.objects.filter(project=project).exists()


def test_failing_import_writes_nothing(team, owner, catalogue):
    document = demo()
    document["operations"][3]["boundary"] = "Billing"
    before = row_counts()

    with pytest.raises(PlanDocumentError) as raised:
        plan_import(team=team, document=document, user=owner)

    assert raised.value.errors == [("operations[3].boundary", "No boundary is named “Billing”.")]
    assert row_counts() == before


def test_failure_inside_the_transaction_rolls_everything_back(team, owner, monkeypatch):
    """Even a failure after validation (here: the last write) leaves no trace."""
    small_catalogue()
    before = row_counts()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Dismissal.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        plan_import(team=team, document=demo_like(), user=owner)

    assert row_counts() == before


def demo_like() -> dict:
    return minimal(
        "Rollback",
        boundaries=[{"name": "Core"}],
        operations=[{"name": "op", "category": "query", "boundary": "Core"}],
        dismissed_findings=[{"key": "r:x", "reason": "fine"}],
    )


def test_taken_names_get_a_number(team, owner):
    make_project(team, name="Chat")
    make_project(team, name="Chat (2)")

    assert plan_import(team=team, document=minimal("Chat"), user=owner).name == "Chat (3)"
    assert plan_import(team=team, document=minimal("Other"), user=owner).name == "Other"
    assert plan_import(team=team, document=minimal("X"), user=owner, name="Y").name == "Y"


def test_long_taken_name_stays_within_the_limit(team, owner):
    long = "n" * 120
    make_project(team, name=long)

    project = plan_import(team=team, document=minimal(long), user=owner)

    assert project.name == "n" * 116 + " (2)"


def test_custom_entries_are_created_once_per_team(team, owner):
    entry = {"slug": "home-queue", "name": "Home queue", "kind": "pattern", "summary": "Ours"}
    document = minimal("A", custom_entries=[entry], decisions=[{"pattern": "home-queue"}])

    first = plan_import(team=team, document=document, user=owner)
    second = plan_import(team=team, document=document, user=owner)

    entries = CatalogueEntry.objects.filter(team=team, slug="home-queue")
    assert entries.count() == 1
    assert Decision.objects.get(project=first).entry == Decision.objects.get(project=second).entry
    assert plan_document(second)["custom_entries"][0]["summary"] == "Ours"


def test_custom_entry_wins_over_a_shared_slug(team, owner):
    small_catalogue()
    entry = {"slug": "caching", "name": "Our caching", "kind": "pattern", "summary": "Ours"}
    document = minimal(custom_entries=[entry], decisions=[{"pattern": "caching"}])

    project = plan_import(team=team, document=document, user=owner)

    assert Decision.objects.get(project=project).entry.team == team
    assert plan_document(project)["custom_entries"] == [
        {
            **entry,
            "category": "",
            "problems": "",
            "when_to_use": "",
            "when_not_to": "",
            "complexity": "medium",
            "builtin_platforms": [],
        }
    ]


def test_dismissals_are_imported(team, owner):
    document = minimal(dismissed_findings=[{"key": "caching-no-problem:caching", "reason": "ok"}])

    project = plan_import(team=team, document=document, user=owner)

    dismissal = Dismissal.objects.get(project=project)
    assert (dismissal.finding_key, dismissal.reason, dismissal.dismissed_by) == (
        "caching-no-problem:caching",
        "ok",
        owner,
    )


# --- import_plan ------------------------------------------------------------------


def test_import_plan_command(team, tmp_path, capsys, catalogue):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(demo()), encoding="utf-8")

    call_command("import_plan", str(path), "--team", "Acme")

    project = Project.objects.get(team=team)
    assert capsys.readouterr().out == f"{project.pk}\tPocket Chat (demo plan)\n"
    call_command("import_plan", str(path), "--team", str(team.pk))
    assert "Pocket Chat (demo plan) (2)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"{not json", "This is not valid JSON (line 1"),
        (json.dumps(with_changes(minimal(), schema_version=9)).encode(), "schema_version: "),
        (
            json.dumps(minimal(operations=[{"name": "a", "category": "x"}])).encode(),
            "operations[0].category: Must be one of",
        ),
    ],
)
def test_import_plan_refuses_bad_files_with_status_2(team, tmp_path, content, message):
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    before = row_counts()

    with pytest.raises(CommandError) as raised:
        call_command("import_plan", str(path), "--team", "Acme")

    assert raised.value.returncode == 2
    assert message in str(raised.value)
    assert row_counts() == before


@pytest.mark.parametrize("team_arg", ["Nobody", "99999"])
def test_import_plan_needs_a_known_team(team, tmp_path, team_arg):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(minimal()))

    with pytest.raises(CommandError) as raised:
        call_command("import_plan", str(path), "--team", team_arg)

    assert raised.value.returncode == 2


def test_import_plan_missing_file(team, tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("import_plan", str(tmp_path / "nope.json"), "--team", "Acme")

    assert raised.value.returncode == 2


# --- load_demo ----------------------------------------------------------------------


def test_load_demo_is_idempotent(db, capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    call_command("load_demo")
    second = capsys.readouterr().out

    user = User.objects.get(email=DEMO_EMAIL)
    assert user.check_password(DEMO_PASSWORD)
    team = Team.objects.get(name="Demo team")
    assert Membership.objects.get(team=team, user=user).role == Role.OWNER
    assert Project.objects.filter(team=team).count() == 1
    project = Project.objects.get(team=team)
    assert plan_document(project) == demo()
    assert "created" in first
    assert "already there" in second
    assert f"{DEMO_EMAIL} with the password {DEMO_PASSWORD}" in second
    assert CatalogueEntry.objects.filter(team=None, slug="background-jobs").exists()


def test_import_fills_the_dashboard_summary(team, owner, catalogue):
    project = plan_import(team=team, document=demo(), user=owner)

    project.refresh_from_db()
    assert project.summary["percent"] == 100
    assert set(project.summary["findings"]) == {"high", "medium", "low", "info"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"x": ' + "[" * 500 + "]" * 500 + "}", "nested too deeply"),
        ('{"schema_version": ' + "9" * 5000 + "}", "number with too many digits"),
    ],
)
def test_import_plan_refuses_hostile_json_in_one_line(team, tmp_path, content, message):
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        call_command("import_plan", str(path), "--team", "Acme")

    assert raised.value.returncode == 2
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert not Project.objects.filter(team=team).exists()
