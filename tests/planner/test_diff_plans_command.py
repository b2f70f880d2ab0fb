"""`manage.py diff_plans OLD.json NEW.json [--format md|json]`: the compare engine for files."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.planner.document_helpers import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(tmp_path, catalogue):
    old, new = demo(), demo()
    new["boundaries"][0]["name"] = "Messaging core"
    for kind in ("operations", "entities"):
        for row in new[kind]:
            if row["boundary"] == "Chat core":
                row["boundary"] = "Messaging core"
    new["decisions"][0]["status"] = "defer"
    paths = tmp_path / "old.json", tmp_path / "new.json"
    for path, document in zip(paths, (old, new), strict=True):
        path.write_text(json.dumps(document), encoding="utf-8")
    return paths


def run(*args) -> str:
    out = StringIO()
    call_command("diff_plans", *map(str, args), stdout=out)
    return out.getvalue()


def test_markdown_by_default(plans):
    body = run(*plans)
    assert body.startswith("# Changes since old.json")
    assert "- Changed boundary **Messaging core** (renamed from **Chat core**)" in body
    assert "- Decision on **Background job processing**: Adopt → Defer" in body


def test_json_format(plans):
    diff = json.loads(run(*plans, "--format", "json"))
    assert diff["counts"]["renamed"] == 1 and diff["counts"]["decisions"] == 1
    assert (diff["old"], diff["new"]) == ("old.json", "new.json")


def test_the_same_plan_twice_says_nothing_changed(plans):
    assert "_Nothing changed._" in run(plans[0], plans[0])


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "Cannot read"),
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "is not a Backplan plan document: the top level is not a JSON object"),
        (json.dumps({"schema": "other", "schema_version": 1}), '"schema" is not'),
        (
            json.dumps({"schema": "backplan/plan", "schema_version": 1, "project": {}}),
            "project.name: Required.",
        ),
    ],
)
def test_a_file_that_is_not_a_plan_exits_2_with_one_line(plans, tmp_path, content, reason):
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        run(plans[0], bad)
    assert raised.value.returncode == 2
    assert reason in str(raised.value)
    assert "\n" not in str(raised.value)
