"""The advisor: a pure, deterministic rules engine over a plan document.

    findings = advise(plan_document(project))
    counts(findings)         # {"high": 1, "medium": 3, "low": 0, "info": 7}, not dismissed
    for_step(findings, "4")  # what the Level 4 panel shows

No ORM and no request inside: it reads the plan document (docs/plan-document.md)
and never raises on a half-filled or odd one. Rules live in `planner.advisor.rules`,
each with a stable id, its kind, and the text it shows.
"""

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from planner.advisor import rules  # noqa: F401  (registers the rules)
from planner.advisor.findings import (
    KINDS,
    RULES,
    SEVERITIES,
    STEPS,
    Finding,
    Rule,
)
from planner.advisor.plan import Plan

__all__ = [
    "KINDS",
    "RULES",
    "SEVERITIES",
    "STEPS",
    "Finding",
    "Rule",
    "advise",
    "by_kind",
    "counts",
    "for_step",
    "open_findings",
]


def advise(document: Any) -> list[Finding]:
    """All findings for the plan, most severe first, then by level, rule and subject."""
    plan = Plan.from_document(document)
    findings: dict[str, Finding] = {}
    for rule in RULES.values():
        for finding in rule.findings(plan):
            if finding.key in plan.dismissed:
                finding = replace(finding, dismissed=plan.dismissed[finding.key])
            findings.setdefault(finding.key, finding)
    return sorted(findings.values(), key=Finding.sort_key)


def open_findings(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.dismissed is None]


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Open (not dismissed) findings per severity; every severity is present."""
    result = dict.fromkeys(SEVERITIES, 0)
    for finding in open_findings(findings):
        result[finding.severity] += 1
    return result


def for_step(findings: Iterable[Finding], step: str | int) -> list[Finding]:
    """The findings a workspace step shows ("context", "1".."6" or "core"), in order."""
    return [f for f in findings if f.level == str(step)]


def by_kind(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by kind, every kind present, order kept."""
    result: dict[str, list[Finding]] = {kind: [] for kind in KINDS}
    for finding in findings:
        result[finding.kind].append(finding)
    return result
