"""The context filter in the pickers: which catalogue entries this plan's context
recommends, leaves neutral or rules out, each with the advisor's one-line reason.

The verdicts are the advisor's, not a second rule set: its context rules emit
RECOMMENDATION and ELIMINATION findings whose `subject` is a catalogue slug, and
the workspace stores them with the context step's findings after every save
(`services.panel_findings`), so reading them costs no advice. An entry no rule
names is neutral. A finding the team dismissed no longer sorts anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from planner.advisor.findings import ELIMINATION, RECOMMENDATION, Finding

RECOMMENDED, NEUTRAL, RULED_OUT = "recommended", "neutral", "ruled_out"
GROUPS: list[tuple[str, str]] = [
    (RECOMMENDED, "Recommended for this context"),
    (NEUTRAL, "Neutral"),
    (RULED_OUT, "Ruled out for this context"),
]
_VERDICT_OF_KIND = {RECOMMENDATION: RECOMMENDED, ELIMINATION: RULED_OUT}
# A rule's message leads with its point ("Microservices are ruled out: one backend ...");
# the picker already says the verdict, so it shows the why after the colon.
_FIRST_SENTENCE = re.compile(r"(?<=[.!?;])\s|\s—\s")


@dataclass(frozen=True)
class Verdict:
    verdict: str  # RECOMMENDED or RULED_OUT
    reason: str  # one line: why, from the first sentence of the advisor's message
    rule_id: str

    @property
    def label(self) -> str:
        return "Recommended" if self.verdict == RECOMMENDED else "Ruled out"


def reason(message: str) -> str:
    first = _FIRST_SENTENCE.split(message.strip(), maxsplit=1)[0].strip().rstrip(";,")
    _, colon, why = first.partition(": ")
    if colon and why:
        first = why[0].upper() + why[1:]
    return first if first.endswith((".", "!", "?")) else first + "."


def verdicts(findings: Iterable[Finding]) -> dict[str, Verdict]:
    """slug -> verdict, from the advisor's findings. When rules disagree about an entry,
    ruling it out wins: the context makes it a poor fit whatever else recommends it."""
    found: dict[str, Verdict] = {}
    for finding in findings:
        verdict = _VERDICT_OF_KIND.get(finding.kind)
        if verdict is None or finding.is_dismissed or not finding.subject:
            continue
        held = found.get(finding.subject)
        if held is None or (held.verdict == RECOMMENDED and verdict == RULED_OUT):
            found[finding.subject] = Verdict(verdict, reason(finding.message), finding.rule_id)
    return found


def grouped[T](
    items: Iterable[T], found: dict[str, Verdict], slug: Callable[[T], str]
) -> list[tuple[str, str, list[tuple[T, Verdict | None]]]]:
    """(group key, heading, [(item, verdict)]) for every group, in the order of GROUPS;
    items keep their order within a group."""
    groups: dict[str, list] = {key: [] for key, _ in GROUPS}
    for item in items:
        verdict = found.get(slug(item))
        groups[verdict.verdict if verdict else NEUTRAL].append((item, verdict))
    return [(key, heading, groups[key]) for key, heading in GROUPS]
