"""What the advisor returns (`Finding`) and how rules are declared (`rule`).

A rule is a function from the normalised plan to zero or more `Hit`s. Its id,
kind, severity, level and the text it shows are declared once, on the rule,
with `{placeholders}` the hit fills in. The engine turns hits into findings.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from planner import registry

RECOMMENDATION = "recommendation"
ELIMINATION = "elimination"
RED_FLAG = "red_flag"
GAP = "gap"
SKIP_ADVICE = "skip_advice"
KINDS = [RECOMMENDATION, ELIMINATION, RED_FLAG, GAP, SKIP_ADVICE]

HIGH, MEDIUM, LOW, INFO = "high", "medium", "low", "info"
SEVERITIES = [HIGH, MEDIUM, LOW, INFO]

STEPS = registry.STEPS

Evidence = dict[str, str]


@dataclass(frozen=True)
class Finding:
    rule_id: str
    kind: str
    severity: str
    level: str
    message: str
    evidence: tuple[Evidence, ...]
    action: str
    subject: str
    dismissed: str | None = None

    def __hash__(self) -> int:  # evidence holds dicts; identity is the key
        return hash((self.key, self.dismissed))

    @property
    def key(self) -> str:
        """Stable across runs: a dismissal names it."""
        return f"{self.rule_id}:{self.subject}"

    @property
    def is_dismissed(self) -> bool:
        return self.dismissed is not None

    def sort_key(self) -> tuple:
        return (
            SEVERITIES.index(self.severity),
            STEPS.index(self.level),
            self.rule_id,
            self.subject,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "kind": self.kind,
            "severity": self.severity,
            "level": self.level,
            "message": self.message,
            "evidence": [dict(item) for item in self.evidence],
            "action": self.action,
            "subject": self.subject,
            "key": self.key,
            "dismissed": self.dismissed,
        }


@dataclass
class Hit:
    """One occurrence of a rule: what it is about, why, and the text's values."""

    subject: str
    evidence: list[Evidence] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None  # overrides the rule's default
    level: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    severity: str
    level: str
    title: str
    message: str
    action: str
    check: Callable[[Any], Iterable[Hit]]

    def findings(self, plan) -> Iterable[Finding]:
        for hit in self.check(plan):
            params = {"subject": hit.subject, **hit.params}
            yield Finding(
                rule_id=self.id,
                kind=self.kind,
                severity=hit.severity or self.severity,
                level=hit.level or self.level,
                message=self.message.format(**params),
                evidence=tuple(hit.evidence),
                action=self.action.format(**params),
                subject=hit.subject,
            )


RULES: dict[str, Rule] = {}


def rule(
    id: str, *, kind: str, severity: str, level: str, title: str, message: str, action: str
) -> Callable:
    """Register a rule. Ids are stable: dismissals and tests refer to them."""
    assert kind in KINDS and severity in SEVERITIES and level in STEPS, id

    def register(check: Callable[[Any], Iterable[Hit]]) -> Callable:
        if id in RULES:
            raise ValueError(f"Duplicate advisor rule id {id}")
        RULES[id] = Rule(id, kind, severity, level, title, message, action, check)
        return check

    return register


def evidence(step: str, kind: str, name: object, text: object) -> Evidence:
    return {"step": step, "kind": kind, "name": str(name), "text": str(text)}
