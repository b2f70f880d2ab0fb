"""`manage.py advise FILE`: findings as JSON, or exit status 2 with a clear message."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.planner.test_advisor import CHAT_APP, doc


def run(path) -> list[dict]:
    from io import StringIO

    out = StringIO()
    call_command("advise", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_prints_findings_as_json(db, tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc(CHAT_APP)))
    findings = run(path)
    assert findings and {f["rule_id"] for f in findings} >= {
        "ELIM-MICROSERVICES",
        "GAP-EXTERNAL-NO-FAILURE",
    }
    assert set(findings[0]) >= {
        "rule_id",
        "kind",
        "severity",
        "level",
        "message",
        "evidence",
        "action",
        "key",
        "dismissed",
    }


def test_reports_dismissals(db, tmp_path):
    document = doc(CHAT_APP)
    document["dismissed_findings"] = [
        {"key": "ELIM-MICROSERVICES:microservices", "reason": "Agreed"}
    ]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    (finding,) = [f for f in run(path) if f["rule_id"] == "ELIM-MICROSERVICES"]
    assert finding["dismissed"] == "Agreed"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Cannot read"),
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "not a Backplan plan document"),
        (json.dumps({"schema": "other", "schema_version": 1}), '"schema"'),
        (json.dumps({"schema": "backplan/plan", "schema_version": 2}), '"schema_version"'),
        (
            json.dumps({"schema": "backplan/plan", "schema_version": 1, "boundaries": {}}),
            '"boundaries" is not a list',
        ),
        (
            json.dumps({"schema": "backplan/plan", "schema_version": 1, "context": []}),
            '"context" is not an object',
        ),
    ],
)
def test_exits_with_status_2_for_bad_input(db, tmp_path, content, message):
    path = tmp_path / "plan.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(CommandError) as error:
        call_command("advise", str(path))
    assert error.value.returncode == 2
    assert message in str(error.value)


def test_uses_the_full_plan_document_validation(db, tmp_path):
    document = doc(CHAT_APP, decisions=[{"pattern": "no-such-pattern", "status": "adopt"}])
    document["operations"] = [{"name": "op", "category": "query", "boundary": "Ghost"}]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError) as error:
        call_command("advise", str(path))
    assert error.value.returncode == 2
    assert "operations[0].boundary" in str(error.value)


def test_advises_on_decisions_that_name_catalogue_entries(catalogue, tmp_path):
    document = doc(
        CHAT_APP,
        decisions=[{"pattern": "caching", "status": "adopt", "problem": "", "rationale": ""}],
    )
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    assert "RF-CACHING-NO-PROBLEM" in {f["rule_id"] for f in run(path)}


def test_command_line_exit_status_and_stderr(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "plan.json"
    path.write_text("nope")
    result = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "advise", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "is not valid JSON" in result.stderr and result.stdout == ""
    path.write_text(json.dumps(doc(CHAT_APP)))
    result = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "advise", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)
