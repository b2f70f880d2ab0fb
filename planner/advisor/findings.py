"""What the advisor returns (`Finding`) and how rules are declared (`rule`).

A rule is a function from the normalised plan to zero or more `Hit`s. Its id,
kind, severity, level and the text it shows are declared once, on the rule,
with `{placeholders}` the hit fills in. The engine turns hits into findings.

A hit that names what already acts on it (`addressed_by`: the adopted decision,
the planned technique, the filled answer) becomes an *addressed* finding: it
leaves the open list and the counts, and the page says what addressed it. A rule
that can fire once per row declares `many`: past `GROUP_AT` open hits they are
shown as one finding naming the rows, so a large plan gets a readable list.
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
OPEN, ADDRESSED, DISMISSED = "open", "addressed", "dismissed"
GROUP_AT = 12  # open hits of one per-row rule shown one by one; more become one finding
GROUP_NAMES = 10  # rows a grouped finding names before "and N more"

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
    addressed_by: tuple[Evidence, ...] = ()
    # Red flags about the same subject said by this one (their rule ids), see
    # `advisor.one_red_flag_per_subject`.
    also: tuple[str, ...] = ()

    def __hash__(self) -> int:  # evidence holds dicts; identity is the key
        return hash((self.key, self.dismissed))

    @property
    def key(self) -> str:
        """Stable across runs: a dismissal names it."""
        return f"{self.rule_id}:{self.subject}"

    @property
    def is_dismissed(self) -> bool:
        return self.dismissed is not None

    @property
    def status(self) -> str:
        """ "dismissed" (the team set it aside), "addressed" (the plan acts on it) or "open"."""
        if self.dismissed is not None:
            return DISMISSED
        return ADDRESSED if self.addressed_by else OPEN

    @property
    def is_open(self) -> bool:
        return self.dismissed is None and not self.addressed_by

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
            "status": self.status,
            "addressed_by": [dict(item) for item in self.addressed_by],
            "also": list(self.also),
        }


@dataclass
class Hit:
    """One occurrence of a rule: what it is about, why, and the text's values."""

    subject: str
    evidence: list[Evidence] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None  # overrides the rule's default
    level: str | None = None
    # What acts on it already; None leaves it to the rule's kind (see `Rule.findings`).
    addressed_by: list[Evidence] | None = None


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
    # For rules that fire once per row: (plural noun, message, action) of the grouped
    # finding; the message gets {count} and {names}.
    many: tuple[str, str, str] | None = None

    def findings(self, plan) -> list[Finding]:
        hits = list(self.check(plan))
        for hit in hits:
            if hit.addressed_by is None and self.kind == RECOMMENDATION:
                # The entry it recommends, adopted or planned, or built into the platform.
                hit.addressed_by = plan.acted_on(hit.subject) or plan.built_in(hit.subject)
            elif hit.addressed_by is None and self.kind == ELIMINATION:
                hit.addressed_by = plan.respected(hit.subject, hit.level or self.level)
        key = f"{self.id}:"
        still_open = [
            h for h in hits if not h.addressed_by and key + h.subject not in plan.dismissed
        ]
        addressed = [h for h in hits if h.addressed_by and key + h.subject not in plan.dismissed]
        if self.many is None or (len(still_open) <= GROUP_AT and len(addressed) <= GROUP_AT):
            return [self.finding(h, plan.dismissed.get(key + h.subject)) for h in hits]
        # Many of a kind (a large plan has thousands): each group becomes one finding, the
        # rest are built one by one.
        found = [self.grouped(group) for group in (still_open, addressed) if len(group) > GROUP_AT]
        grouped = {
            id(h) for group in (still_open, addressed) if len(group) > GROUP_AT for h in group
        }
        rest = [h for h in hits if id(h) not in grouped]
        return [self.finding(h, plan.dismissed.get(key + h.subject)) for h in rest] + found

    def finding(self, hit: Hit, dismissed: str | None = None) -> Finding:
        params = {"subject": hit.subject, **hit.params}
        return Finding(
            rule_id=self.id,
            kind=self.kind,
            severity=hit.severity or self.severity,
            level=hit.level or self.level,
            message=self.message.format(**params),
            evidence=tuple(hit.evidence),
            action=self.action.format(**params),
            subject=hit.subject,
            dismissed=dismissed,
            addressed_by=tuple(hit.addressed_by or ()),
        )

    def grouped(self, members: list[Hit]) -> Finding:
        """One finding for many open (or many addressed) hits: the rows named, the most
        severe severity and, for addressed ones, what covers them."""
        noun, message, action = self.many  # type: ignore[misc]
        names = [
            h.params.get("label")
            or h.params.get("name")
            or (h.evidence[0]["name"] if h.evidence else "")
            or h.subject
            for h in members
        ]
        shown = ", ".join(names[:GROUP_NAMES])
        if len(names) > GROUP_NAMES:
            shown += f" and {len(names) - GROUP_NAMES} more"
        severities = {h.severity or self.severity for h in members}
        subject = f"many-{noun}"
        done: list[Evidence] = []
        if members[0].addressed_by:  # a group of addressed hits: what covers them, once each
            message = "{count} {noun}, each covered already: {names}."
            subject += "-addressed"
            for h in members:
                done += [item for item in h.addressed_by or () if item not in done]
        return Finding(
            rule_id=self.id,
            kind=self.kind,
            severity=min(severities, key=SEVERITIES.index),
            level=members[0].level or self.level,
            message=message.format(count=len(members), names=shown, noun=noun),
            evidence=tuple(item for h in members[:GROUP_NAMES] for item in h.evidence[:1]),
            action=action,
            subject=subject,
            addressed_by=tuple(done[:GROUP_NAMES]),
        )


RULES: dict[str, Rule] = {}


def rule(
    id: str,
    *,
    kind: str,
    severity: str,
    level: str,
    title: str,
    message: str,
    action: str,
    many: tuple[str, str, str] | None = None,
) -> Callable:
    """Register a rule. Ids are stable: dismissals and tests refer to them."""
    assert kind in KINDS and severity in SEVERITIES and level in STEPS, id

    def register(check: Callable[[Any], Iterable[Hit]]) -> Callable:
        if id in RULES:
            raise ValueError(f"Duplicate advisor rule id {id}")
        RULES[id] = Rule(id, kind, severity, level, title, message, action, check, many)
        return check

    return register


def evidence(step: str, kind: str, name: object, text: object) -> Evidence:
    return {"step": step, "kind": kind, "name": str(name), "text": str(text)}
