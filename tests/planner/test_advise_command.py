"""`manage.py advise FILE`: findings as JSON, text or SARIF, `--fail-on`, `--what-if`,
or exit status 2 with a clear message."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from planner.advice_formats import Lines, evidence_path, row_paths
from tests.planner.test_advisor import CHAT_APP, doc


def run(path) -> list[dict]:
    out = StringIO()
    call_command("advise", str(path), stdout=out)
    return json.loads(out.getvalue())


def run_with(path, *options: str) -> tuple[str, int]:
    """The command's output and exit status (1 arrives as SystemExit)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("advise", str(path), *options, stdout=out, stderr=err)
    except SystemExit as exit_:
        return out.getvalue(), int(exit_.code)
    return out.getvalue(), 0


def plan_file(tmp_path, document: dict) -> str:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document, indent=2))
    return str(path)


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
    bad, good = tmp_path / "bad.json", tmp_path / "plan.json"
    bad.write_text("nope")
    good.write_text(json.dumps(doc(CHAT_APP)))
    # Both processes at once: each spends most of its time starting Django.
    processes = [
        subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
            [sys.executable, "manage.py", "advise", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (bad, good)
    ]
    (bad_out, bad_err), (good_out, good_err) = [p.communicate(timeout=120) for p in processes]
    assert processes[0].returncode == 2
    assert "is not valid JSON" in bad_err and bad_out == ""
    assert processes[1].returncode == 0, good_err
    assert isinstance(json.loads(good_out), list)


# --- Formats -----------------------------------------------------------------------

# SARIF 2.1.0's required shape (OASIS sarif-v2.1.0, §3.13 sarifLog to §3.27 result):
# what a code-scanning tool reads. Extra properties are allowed, as in SARIF itself.
MESSAGE = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
LOCATION = {
    "type": "object",
    "properties": {
        "physicalLocation": {
            "type": "object",
            "required": ["artifactLocation"],
            "properties": {
                "artifactLocation": {"required": ["uri"]},
                "region": {
                    "required": ["startLine"],
                    "properties": {"startLine": {"type": "integer", "minimum": 1}},
                },
            },
        },
        "logicalLocations": {
            "type": "array",
            "items": {"required": ["fullyQualifiedName"]},
        },
    },
}
SARIF_SHAPE = {
    "type": "object",
    "required": ["version", "$schema", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "required": ["name", "rules"],
                                "properties": {
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "required": ["id", "name", "shortDescription", "help"],
                                            "properties": {
                                                "shortDescription": MESSAGE,
                                                "help": MESSAGE,
                                            },
                                        },
                                    }
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["ruleId", "level", "message", "locations"],
                            "properties": {
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": MESSAGE,
                                "locations": {"type": "array", "items": LOCATION},
                                "partialFingerprints": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                },
                                "suppressions": {
                                    "type": "array",
                                    "items": {
                                        "required": ["kind"],
                                        "properties": {
                                            "kind": {"enum": ["inSource", "external"]},
                                            "status": {
                                                "enum": ["accepted", "underReview", "rejected"]
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def chat_plan(**extra) -> dict:
    document = doc(
        CHAT_APP,
        journey_steps=[
            {
                "name": "Ask the assistant",
                "data_needed": "",
                "timing": "fast",
                "updates": "none",
                "offline": False,
                "external_services": "Weather API",
            }
        ],
        entities=[{"name": "Message", "source_of_truth": ""}],
    )
    document.update(extra)
    return document


def test_json_gives_each_finding_its_status(db, tmp_path):
    document = chat_plan(
        dismissed_findings=[{"key": "ELIM-MICROSERVICES:microservices", "reason": "Agreed"}]
    )
    findings = json.loads(run_with(plan_file(tmp_path, document))[0])
    statuses = {f["rule_id"]: f["status"] for f in findings}
    assert statuses["ELIM-MICROSERVICES"] == "dismissed"
    assert statuses["GAP-ENTITY-NO-SOURCE"] == "open"
    assert all(f["addressed_by"] == [] or f["status"] == "addressed" for f in findings)


def test_text_says_the_context_once_then_findings_by_level(db, tmp_path):
    output, status = run_with(plan_file(tmp_path, chat_plan()), "--format", "text")
    assert status == 0
    lines = output.splitlines()
    assert lines[1].startswith("Context: User scale: 100 – 1,000 active users · Team size: Solo")
    assert output.count("Team size: Solo developer") == 1
    assert "Because of the context: User scale, Team size" in output
    headings = [line for line in lines if line.startswith("Level ")]
    assert headings == sorted(headings) and "Level 4: Data relationships" in headings
    level_4 = output.split("Level 4: Data relationships")[1].split("\n\n")[0]
    assert level_4.index("[HIGH] Entity without a source of truth") < level_4.index("[INFO]")
    assert "What to do: Name the one store whose copy of Message is authoritative." in level_4
    assert "Evidence: Level 4 · entity “Message”" in level_4
    assert "context team_size" not in output  # labels, never keys


def test_sarif_has_the_2_1_0_shape_and_points_into_the_plan(db, tmp_path):
    path = plan_file(
        tmp_path,
        chat_plan(dismissed_findings=[{"key": "GAP-ENTITY-NO-SOURCE:Message", "reason": "Later"}]),
    )
    output, status = run_with(path, "--format", "sarif")
    sarif = json.loads(output)
    jsonschema.validate(sarif, SARIF_SHAPE)
    assert status == 0 and sarif["version"] == "2.1.0"
    (run_,) = sarif["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    results = {
        (r["ruleId"], r["partialFingerprints"]["backplanFindingKey/v1"]): r for r in run_["results"]
    }
    weather = results[("GAP-EXTERNAL-NO-FAILURE", "GAP-EXTERNAL-NO-FAILURE:weather api")]
    assert weather["level"] == "error"
    assert rules[weather["ruleIndex"]]["id"] == "GAP-EXTERNAL-NO-FAILURE"
    (location,) = weather["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == Path(path).as_uri()
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "journey_steps[0]"
    line = location["physicalLocation"]["region"]["startLine"]
    assert '"Ask the assistant"' in Path(path).read_text().splitlines()[line - 1]
    dismissed = results[("GAP-ENTITY-NO-SOURCE", "GAP-ENTITY-NO-SOURCE:Message")]
    assert dismissed["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "Later"}
    ]
    levels = {r["ruleId"]: r["level"] for r in run_["results"]}
    assert levels["ELIM-MICROSERVICES"] == "note"
    assert "warning" in levels.values()  # medium findings


def test_sarif_locations_follow_the_json_path_to_the_line():
    document = chat_plan()
    raw = json.dumps(document, indent=2)
    lines, find = raw.splitlines(), Lines(raw, document)
    paths = row_paths(document)
    answer = {"step": "4", "kind": "level", "name": "status", "text": ""}
    assert evidence_path(answer, paths) == "levels.4.status"
    assert lines[find.line("levels.4.status") - 1].strip().startswith('"status"')
    assert lines.index('    "4": {') < find.line("levels.4.status") - 1
    entity = {"step": "4", "kind": "entity", "name": "Message", "text": ""}
    assert evidence_path(entity, paths) == "entities[0]"
    assert '"Message"' in lines[find.line("entities[0]") - 1]
    scale = {"step": "context", "kind": "context", "name": "scale", "text": ""}
    assert lines[find.line(evidence_path(scale, paths)) - 1].strip() == '"scale": "lt1k",'
    assert find.line("core_questions.nowhere") == 1
    assert find.line("entities[5]") == 1


def test_fail_on_exits_1_only_for_open_findings_at_or_above_it(db, tmp_path):
    path = plan_file(tmp_path, chat_plan())
    assert run_with(path)[1] == 0  # default: never
    assert run_with(path, "--fail-on", "never")[1] == 0
    assert run_with(path, "--fail-on", "high")[1] == 1
    quiet = doc({**CHAT_APP, "external_services": ""})  # no high finding left
    quiet_path = tmp_path / "quiet.json"
    quiet_path.write_text(json.dumps(quiet))
    assert run_with(quiet_path, "--fail-on", "high")[1] == 0
    assert run_with(quiet_path, "--fail-on", "low")[1] == 1
    highs = [f["key"] for f in run(path) if f["severity"] == "high"]
    dismissed = chat_plan(dismissed_findings=[{"key": k, "reason": "Known"} for k in highs])
    assert run_with(plan_file(tmp_path, dismissed), "--fail-on", "high")[1] == 0


def test_what_if_lists_what_appears_and_disappears(db, tmp_path):
    path = plan_file(tmp_path, chat_plan())
    output, status = run_with(path, "--what-if", "scale=gt100k,team_size=20+")
    result = json.loads(output)
    assert status == 0
    assert result["what_if"][0] == {
        "field": "scale",
        "before": "100 – 1,000 active users",
        "after": "100,000+ active users",
    }
    assert "REC-READ-REPLICAS" in {f["rule_id"] for f in result["appeared"]}
    assert "ELIM-MICROSERVICES" in {f["rule_id"] for f in result["disappeared"]}
    assert "REC-READ-REPLICAS" in {f["rule_id"] for f in result["findings"]}
    text, _ = run_with(path, "--format", "text", "--what-if", "scale=gt100k")
    assert "What if: User scale: 100 – 1,000 active users → 100,000+ active users" in text
    assert "Appear with the what-if" in text and "Disappear with the what-if" in text
    sarif = json.loads(run_with(path, "--format", "sarif", "--what-if", "scale=gt100k")[0])
    assert sarif["runs"][0]["properties"]["whatIf"] == {"scale": "100,000+ active users"}


def test_what_if_decides_the_exit_status(db, tmp_path):
    """Four boundaries suit twenty engineers; for a solo developer they are a red flag."""
    boundaries = [{"name": f"Part {i}", "reason": "performance"} for i in range(4)]
    steps = [{"name": "Open the dashboard", "data_needed": "Projects", "timing": "fast"}]
    big_team = doc(
        {"scale": "lt100k", "team_size": "20+"}, boundaries=boundaries, journey_steps=steps
    )
    path = plan_file(tmp_path, big_team)
    assert run_with(path, "--fail-on", "medium")[1] == 0
    output, status = run_with(path, "--fail-on", "medium", "--what-if", "team_size=solo")
    assert status == 1
    assert "RF-TOO-MANY-BOUNDARIES" in {f["rule_id"] for f in json.loads(output)["appeared"]}


@pytest.mark.parametrize("what_if", ["scale=huge", "colour=red", "scale", "clients=web+fax"])
def test_a_bad_what_if_exits_with_status_2(db, tmp_path, what_if):
    path = plan_file(tmp_path, chat_plan())
    with pytest.raises(CommandError) as error:
        call_command("advise", path, "--what-if", what_if)
    assert error.value.returncode == 2
    assert str(error.value).startswith("--what-if: ") and "\n" not in str(error.value)


def test_command_line_fail_on_exits_1_with_a_line_on_stderr(tmp_path):
    path = plan_file(tmp_path, chat_plan())
    command = [sys.executable, "manage.py", "advise", path, "--format", "text"]
    result = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [*command, "--fail-on", "high"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1, result.stderr
    assert "at or above high" in result.stderr and "Context:" in result.stdout
