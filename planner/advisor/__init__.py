"""The advisor: a pure, deterministic rules engine over a plan document.

    findings = advise(plan_document(project))
    counts(findings)         # {"high": 1, "medium": 3, "low": 0, "info": 7}, not dismissed
    for_step(findings, "4")  # what the Level 4 panel shows
    run = run_rules(plan, previous_run)  # the same, running only the rules that read
                                         # a part of the plan changed since that run

No ORM and no request inside: it reads the plan document (docs/plan-document.md)
and never raises on a half-filled or odd one. Rules live in `planner.advisor.rules`,
each with a stable id, its kind, and the text it shows.
"""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from planner.advisor import rules  # noqa: F401  (registers the rules)
from planner.advisor.findings import (
    GAP,
    KINDS,
    RECOMMENDATION,
    RED_FLAG,
    RULES,
    SEVERITIES,
    SKIP_ADVICE,
    STEPS,
    Finding,
    Rule,
)
from planner.advisor.plan import COMPARED, PARTS, Plan, compared_value, lower_first

WORK_RULES = [r for r in RULES.values() if r.kind != SKIP_ADVICE]
SKIP_RULES = [r for r in RULES.values() if r.kind == SKIP_ADVICE]

__all__ = [
    "ADVISOR_VERSION",
    "KINDS",
    "RULES",
    "SEVERITIES",
    "STEPS",
    "Finding",
    "Rule",
    "Run",
    "addressed_findings",
    "advise",
    "asks_for",
    "by_kind",
    "counts",
    "for_step",
    "open_findings",
    "run_rules",
]


def _code_version() -> str:
    """A short hash of what decides the findings: the advisor's code, the registry's
    labels and the catalogue's built-in entries. Stored findings carry it, so a deploy
    that changes the advisor recomputes them instead of showing the old advice."""
    planner = Path(__file__).resolve().parents[1]
    sources = sorted((planner / "advisor").rglob("*.py"))
    sources += [planner / "registry.py", planner / "catalogue_data.py"]
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:6]


ADVISOR_VERSION = _code_version()


def advise(document: Any) -> list[Finding]:
    """All findings for the plan (a plan document, or a `Plan`), most severe first, then
    by level, rule and subject."""
    return run_rules(document).findings


@dataclass(frozen=True)
class Run:
    """One run of the rules: the findings, the plan's parts as they were, and each rule's
    findings with the parts it read. Given to the next run of the same plan, it spares
    every rule whose parts are unchanged."""

    findings: list[Finding]
    parts: dict[str, Any]
    rules: dict[str, tuple[frozenset[str], list[Finding]]]
    worked: dict[str, tuple[Any, frozenset[str]]]  # the plan's worked-out values

    def changed(self, plan: Plan) -> set[str]:
        """The parts of `plan` that differ from this run's (rows made once and kept,
        `document.advisor_plan`, compare by identity), and the `compared` values that
        differ, worked out again only when a part they came from changed."""
        values = plan.__dict__
        changed = {name for name in PARTS if values["_" + name] != self.parts[name]}
        for name in COMPARED:
            value, came_from = self.parts[name]
            if came_from & changed and compared_value(plan, name)[0] != value:
                changed.add(name)
        return changed


LATE = "asked_levels"  # set during the run: what reads it is never carried over


def run_rules(document: Any, previous: Run | None = None) -> Run:
    """Run the rules on the plan, sparing those `previous` ran on the same parts.

    Skip advice runs last: a level stays skippable only while no open finding asks
    for work in it (`asks_for`), so the advisor never says both."""
    plan = document if isinstance(document, Plan) else Plan.from_document(document)
    changed = previous.changed(plan) if previous is not None else {*PARTS, *COMPARED}
    if previous is not None:  # values worked out from unchanged parts hold as they were
        for key, known in previous.worked.items():
            if key not in plan.worked and not known[1] & changed and LATE not in known[1]:
                plan.worked[key] = known
    results: dict[str, tuple[frozenset[str], list[Finding]]] = {}
    findings: dict[str, Finding] = {}

    def run(some: list[Rule]) -> None:
        for rule in some:
            kept = previous.rules.get(rule.id) if previous is not None else None
            if kept is None or kept[0] & changed:
                plan.reads = reads = set()
                try:
                    found = rule.findings(plan)
                finally:
                    plan.reads = None
                kept = (frozenset(reads), found)
            results[rule.id] = kept
            for finding in kept[1]:
                findings.setdefault(finding.key, finding)

    run(WORK_RULES)
    one_red_flag_per_subject(findings)
    plan.asked_levels = {n for f in findings.values() if f.is_open for n in asks_for(f)}
    if previous is not None and plan.asked_levels != previous.parts["asked_levels"]:
        changed.add("asked_levels")
    run(SKIP_RULES)
    parts = {name: plan.__dict__["_" + name] for name in PARTS}
    parts.update({name: compared_value(plan, name) for name in COMPARED})
    return Run(sorted(findings.values(), key=Finding.sort_key), parts, results, plan.worked)


RULE_ORDER = {rule_id: n for n, rule_id in enumerate(RULES)}


def one_red_flag_per_subject(findings: dict[str, Finding]) -> None:
    """Several open red flags about one subject (an adopted pattern, a boundary) are
    said as one: the most severe, then the first declared, keeps its key, names the
    others ("Also a red flag here: …") and takes their evidence. Dismissing it leaves
    the next one to speak."""
    by_subject: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings.values():
        if finding.kind == RED_FLAG and finding.is_open:
            by_subject.setdefault((finding.level, finding.subject), []).append(finding)
    for group in by_subject.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda f: (SEVERITIES.index(f.severity), RULE_ORDER[f.rule_id]))
        first, others = group[0], group[1:]
        also = "; ".join(lower_first(RULES[f.rule_id].title) for f in others)
        evidence = list(first.evidence)
        evidence += [ev for f in others for ev in f.evidence if ev not in evidence]
        message = f"{first.message} Also a red flag here: {also}."
        findings[first.key] = replace(
            first,
            message=message,
            evidence=tuple(evidence),
            also=tuple(f.rule_id for f in others),
        )
        for finding in others:
            del findings[finding.key]


WORK_KINDS = (RECOMMENDATION, GAP, RED_FLAG)
LEVEL_NAMED = re.compile(r"(?<!skip )\bLevels? (\d)\b")  # "or skip Level 2" asks nothing


def asks_for(finding: Finding) -> set[str]:
    """The levels a finding asks the team to work in: its own (unless it only rules
    something out) and any level its suggestion names."""
    levels = set(LEVEL_NAMED.findall(finding.action))
    if finding.kind in WORK_KINDS:
        levels.add(finding.level)
    return levels


def open_findings(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_open]


def addressed_findings(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.status == "addressed"]


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Open findings per severity (neither dismissed nor addressed); every severity present."""
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
