"""The advisor's findings written out for `manage.py advise`: JSON, text and SARIF.

- JSON: a list of findings (`Finding.as_dict()`), each with `status` and
  `addressed_by`; with a what-if, an object holding the changes, the findings and
  which appeared and disappeared.
- Text for people: the context said once, then open findings by level, most
  severe first, each with its action and evidence; addressed and dismissed ones
  in a line each.
- SARIF 2.1.0 for code-scanning tools: one rule per rule id that fired, one
  result per finding pointing into the plan file (the JSON path of the row as a
  logical location, its line where it can be found), the finding key as a
  fingerprint, dismissed and addressed findings as suppressions.

Pure: plan documents and findings in, strings out.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from typing import Any

from planner import registry
from planner.advisor import SEVERITIES, Finding, counts
from planner.levels import CORE_QUESTIONS, LEVELS
from planner.what_if import WhatIf, finding_addressed_by, finding_status, title_of

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"high": "error", "medium": "warning", "low": "note", "info": "note"}
TOOL_NAME = "Backplan advisor"
FINGERPRINT = "backplanFindingKey/v1"
QUESTION_LABELS = {(str(lvl.number), q.key): q.label for lvl in LEVELS for q in lvl.questions}
CORE_TITLES = {key: title for key, title, _ in CORE_QUESTIONS}
# How a row of each kind is named in the document (decisions and techniques by slug).
ROW_NAME_KEYS = {"decision": "pattern", "technique": "technique"}
SHOWN_TEXT = 160  # evidence text is cut to this many characters in the text format


def finding_dict(finding: Finding) -> dict[str, Any]:
    item = finding.as_dict()
    item["status"] = finding_status(finding)
    item["addressed_by"] = finding_addressed_by(finding)
    return item


# --- JSON ---------------------------------------------------------------------------


def as_json(findings: list[Finding], what_if: WhatIf | None = None) -> str:
    payload: Any = [finding_dict(f) for f in findings]
    if what_if is not None:
        payload = {
            "what_if": [
                {"field": c.name, "before": c.before, "after": c.after} for c in what_if.changes
            ],
            "findings": payload,
            "appeared": [finding_dict(f) for f in what_if.appeared],
            "disappeared": [finding_dict(f) for f in what_if.disappeared],
        }
    return json.dumps(payload, indent=2, ensure_ascii=False)


# --- Text ---------------------------------------------------------------------------


def cut(value: str, limit: int = SHOWN_TEXT) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def context_line(document: dict) -> str:
    context = document.get("context") or {}
    parts = [
        f"{spec.heading}: {spec.display(context.get(spec.name))}"
        for spec in registry.CONTEXT_FIELDS
        if spec.type in ("choice", "choices") and spec.display(context.get(spec.name))
    ]
    return " · ".join(parts) or "not filled in"


def evidence_text(item: dict) -> str:
    """One piece of evidence as a person reads it: where, what, and the words."""
    kind, name, step = item.get("kind", ""), item.get("name", ""), item.get("step", "")
    said = cut(item.get("text", ""))
    if kind == "context":
        spec = registry.CONTEXT.get(name)
        where = f"Context · {spec.heading if spec else name}"
    elif kind == "level":
        where = f"Level {step} · {QUESTION_LABELS.get((step, name), name.replace('_', ' '))}"
    elif kind == "core_question":
        where = f"Core question · {CORE_TITLES.get(name, name)}"
    elif kind in registry.ROW_KINDS:
        where = f"Level {step} · {registry.ROW_KINDS[kind].noun} “{name}”"
    else:
        where = registry.STEP_TITLES.get(step, step)
    return f"{where}: {said}" if said else where


def finding_lines(finding: Finding) -> list[str]:
    lines = [
        f"  [{finding.severity.upper()}] {title_of(finding)} ({finding.rule_id})",
        f"      {finding.message}",
        f"      What to do: {finding.action}",
    ]
    # The context is said once at the top: here only which of its fields count.
    fields = [item for item in finding.evidence if item.get("kind") == "context"]
    rows = [item for item in finding.evidence if item.get("kind") != "context"]
    if fields:
        names = [evidence_text({**item, "text": ""}).removeprefix("Context · ") for item in fields]
        lines.append(f"      Because of the context: {', '.join(names)}")
    lines += [f"      Evidence: {evidence_text(item)}" for item in rows[:5]]
    if len(rows) > 5:
        lines.append(f"      … and {len(rows) - 5} more pieces of evidence")
    return lines


def short_line(finding: Finding) -> str:
    said = cut(finding.message, 100)
    return f"  - [{finding.severity}] {title_of(finding)} ({finding.rule_id}): {said}"


def as_text(document: dict, findings: list[Finding], what_if: WhatIf | None = None) -> str:
    name = (document.get("project") or {}).get("name", "")
    by_status: dict[str, list[Finding]] = {"open": [], "addressed": [], "dismissed": []}
    for finding in findings:
        by_status.setdefault(finding_status(finding), []).append(finding)
    total = counts(by_status["open"])
    lines = [f"Backplan advisor: {name}", f"Context: {context_line(document)}"]
    if what_if is not None:
        changed = "; ".join(f"{c.label}: {c.before} → {c.after}" for c in what_if.changes)
        lines.append(f"What if: {changed or 'nothing changes'}")
    lines.append(
        f"{len(by_status['open'])} open ("
        + ", ".join(f"{total[s]} {s}" for s in SEVERITIES)
        + f"), {len(by_status['addressed'])} addressed, {len(by_status['dismissed'])} dismissed"
    )
    for step in registry.STEPS:
        here = [f for f in by_status["open"] if f.level == step]
        if here:
            lines += ["", heading(step)]
            for finding in sorted(here, key=lambda f: SEVERITIES.index(f.severity)):
                lines += finding_lines(finding)
    for status in ("addressed", "dismissed"):
        if by_status[status]:
            lines += ["", f"{status.capitalize()} ({len(by_status[status])})"]
            lines += [short_line(f) + reason(f, status) for f in by_status[status]]
    if what_if is not None:
        for label, items in (("Appear", what_if.appeared), ("Disappear", what_if.disappeared)):
            lines += ["", f"{label} with the what-if ({len(items)})"]
            lines += [short_line(f) for f in items] or ["  (none)"]
    return "\n".join(lines)


def heading(step: str) -> str:
    title = registry.STEP_TITLES[step]
    return f"Level {step}: {title}" if step in registry.LEVEL_STEPS else title


def reason(finding: Finding, status: str) -> str:
    if status == "dismissed":
        return f": {finding.dismissed}"
    names = [item.get("name", "") for item in finding_addressed_by(finding)]
    return f": by {', '.join(n for n in names if n)}" if any(names) else ""


# --- SARIF --------------------------------------------------------------------------


def rule_name(title: str) -> str:
    """A SARIF rule name is an identifier: "Entity without a source" → EntityWithoutASource."""
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", title))


def row_paths(document: dict) -> dict[tuple[str, str], str]:
    """(kind, name) of every row → its JSON path in the document, e.g. operations[3]."""
    paths: dict[tuple[str, str], str] = {}
    for kind in registry.ROW_KIND_LIST:
        rows = document.get(kind.list_key)
        for i, row in enumerate(rows if isinstance(rows, list) else []):
            if not isinstance(row, dict):
                continue
            if kind.key == "relationship":
                name = f"{row.get('source') or '?'} -> {row.get('target') or '?'}"
            else:
                name = str(row.get(ROW_NAME_KEYS.get(kind.key, "name")) or "")
            paths.setdefault((kind.key, name), f"{kind.list_key}[{i}]")
    return paths


def evidence_path(item: dict, paths: dict[tuple[str, str], str]) -> str:
    kind, name, step = item.get("kind", ""), item.get("name", ""), item.get("step", "")
    if kind == "context":
        return f"context.{name}"
    if kind == "level":
        field = "status" if name in ("status", "skip_reason") else f"answers.{name}"
        return f"levels.{step}.{field}" if step in registry.LEVEL_STEPS else "levels"
    if kind == "core_question":
        return f"core_questions.{name}"
    return paths.get((kind, name), "")


class Lines:
    """Where things are in the plan file: the line a JSON path starts on. A row's line
    is found once per list, walking its rows in order (a plan's findings share rows)."""

    def __init__(self, raw: str, document: dict) -> None:
        self.raw, self.document = raw, document
        self.newlines = [match.start() for match in re.finditer("\n", raw)]
        self.rows: dict[str, list[int]] = {}

    def line(self, path: str) -> int:
        """The line of `path` ("levels.4.status", "operations[3]"); 1 when not found."""
        row = re.fullmatch(r"(\w+)\[(\d+)\]", path)
        if row:
            offsets = self.row_offsets(row[1])
            index = int(row[2])
            offset = offsets[index] if index < len(offsets) else 0
        else:
            offset = self.offset(path.split("."))
        return bisect.bisect_left(self.newlines, offset) + 1

    def offset(self, keys: list[str], position: int = 0) -> int:
        """Each key in turn (levels, "2", answers, …); 0 when one is missing."""
        for key in keys:
            position = self.raw.find(json.dumps(key), position)
            if position < 0:
                return 0
        return position

    def row_offsets(self, list_key: str) -> list[int]:
        if list_key not in self.rows:
            kind = next(k for k in registry.ROW_KIND_LIST if k.list_key == list_key)
            name_key = (
                "source" if kind.key == "relationship" else ROW_NAME_KEYS.get(kind.key, "name")
            )
            position, offsets = self.offset([list_key]), []
            for row in self.document.get(list_key) or []:
                name = row.get(name_key) if isinstance(row, dict) else None
                found = self.raw.find(json.dumps(name), position) if name else -1
                position = found if found >= 0 else position
                offsets.append(position)
            self.rows[list_key] = offsets
        return self.rows[list_key]


def sarif_location(item: dict, uri: str, lines: Lines, paths: dict) -> dict:
    path = evidence_path(item, paths)
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": uri},
            "region": {"startLine": lines.line(path) if path else 1},
        }
    }
    if path:
        location["logicalLocations"] = [
            {
                "name": item.get("name") or path,
                "fullyQualifiedName": path,
                "kind": "object" if "[" in path else "property",
            }
        ]
    return location


def sarif_rule(finding: Finding) -> dict:
    title = title_of(finding)
    return {
        "id": finding.rule_id,
        "name": rule_name(title),
        "shortDescription": {"text": title},
        "help": {"text": finding.action},
        "defaultConfiguration": {"level": SARIF_LEVEL[finding.severity]},
        "properties": {"kind": finding.kind, "planLevel": finding.level},
    }


def sarif_result(finding: Finding, index: int, uri: str, lines: Lines, paths: dict) -> dict:
    evidence = finding.evidence or ({"step": finding.level, "kind": "", "name": ""},)
    result = {
        "ruleId": finding.rule_id,
        "ruleIndex": index,
        "level": SARIF_LEVEL[finding.severity],
        "message": {"text": f"{finding.message} What to do: {finding.action}"},
        "locations": [sarif_location(evidence[0], uri, lines, paths)],
        "relatedLocations": [
            {"id": i, **sarif_location(item, uri, lines, paths)}
            for i, item in enumerate(evidence[1:10], start=1)
        ],
        "partialFingerprints": {FINGERPRINT: finding.key},
        "properties": {"severity": finding.severity, "status": finding_status(finding)},
    }
    if not result["relatedLocations"]:
        del result["relatedLocations"]
    status = finding_status(finding)
    if status == "dismissed":
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": finding.dismissed}
        ]
    elif status == "addressed":
        done = ", ".join(evidence_text(item) for item in finding_addressed_by(finding))
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": f"Addressed by {done}"}
        ]
    return result


def as_sarif(
    document: dict, findings: Iterable[Finding], uri: str, raw: str, what_if: WhatIf | None = None
) -> str:
    findings = list(findings)
    paths, lines = row_paths(document), Lines(raw, document)
    rules: dict[str, int] = {}
    descriptors = []
    for finding in findings:
        if finding.rule_id not in rules:
            rules[finding.rule_id] = len(descriptors)
            descriptors.append(sarif_rule(finding))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "rules": descriptors,
            }
        },
        "artifacts": [{"location": {"uri": uri}, "mimeType": "application/json"}],
        "results": [sarif_result(f, rules[f.rule_id], uri, lines, paths) for f in findings],
    }
    if what_if is not None:
        run["properties"] = {
            "whatIf": {c.name: c.after for c in what_if.changes},
            "appeared": [f.key for f in what_if.appeared],
            "disappeared": [f.key for f in what_if.disappeared],
        }
    return json.dumps(
        {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False
    )
