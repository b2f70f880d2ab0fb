"""What if the context were different? The advisor on the plan with some context
fields changed, compared with the plan as it is. Nothing is saved.

    overrides = parse_overrides("scale=gt100k,team_size=20+")   # the command line
    result = compare(document, overrides)
    result.appeared, result.disappeared                          # open findings

Only context fields with choices can be changed (`registry.CONTEXT_FIELDS`): free
text (the product, languages, external services) is the plan itself. A field with
several values (clients) takes them joined by "+": `clients=web+mobile`.

Pure: a plan document in, findings out; the command line and the findings page
share it. `finding_status` reads a finding's status whether or not the advisor
already knows "addressed" (it falls back to open/dismissed).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from planner import registry
from planner.advisor import RULES, Finding, advise

# The fields a what-if may change: every context field with choices.
FIELDS: dict[str, registry.Field] = {
    f.name: f for f in registry.CONTEXT_FIELDS if f.type in ("choice", "choices")
}
# The ones the findings page offers (the five).
PANEL_FIELDS: list[str] = ["scale", "team_size", "stage", "sensitivity", "platform"]
LIST_SEPARATOR = "+"


class WhatIfError(ValueError):
    """A what-if that names an unknown field or a value outside its choices."""


def finding_status(finding: Finding) -> str:
    """ "open", "addressed" or "dismissed" — from the finding itself once it knows."""
    item = finding.as_dict()
    return item.get("status") or ("dismissed" if item["dismissed"] else "open")


def finding_addressed_by(finding: Finding) -> list[dict[str, str]]:
    return list(finding.as_dict().get("addressed_by") or [])


def title_of(finding: Finding) -> str:
    """The rule's title: what the finding is about, in a few words."""
    rule = RULES.get(finding.rule_id)
    return rule.title if rule else finding.rule_id


def titled(findings: list[Finding]) -> list[tuple[Finding, str]]:
    return [(f, title_of(f)) for f in findings]


def check_value(name: str, value: Any) -> str | list[str]:
    """The value as the document stores it, or WhatIfError saying what is allowed."""
    spec = FIELDS.get(name)
    if spec is None:
        raise WhatIfError(
            f"“{name}” is not a context field a what-if can change (one of: {', '.join(FIELDS)})."
        )
    allowed = spec.choices.values
    values = value if isinstance(value, list) else [value]
    wrong = [v for v in values if v not in allowed]
    if wrong or not values:
        raise WhatIfError(
            f"“{LIST_SEPARATOR.join(map(str, wrong))}” is not a choice of {name} (one of: "
            f"{', '.join(allowed)})."
        )
    if spec.type == "choices":
        return [v for v in allowed if v in values]  # the registry's order, once each
    if len(values) > 1:
        raise WhatIfError(f"{name} takes one value.")
    return values[0]


def parse_overrides(text: str) -> dict[str, str | list[str]]:
    """ "scale=gt100k,team_size=20+,clients=web+mobile" → checked overrides."""
    overrides: dict[str, str | list[str]] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, equals, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not value:
            raise WhatIfError(f"“{part.strip()}” is not key=value.")
        if name in overrides:
            raise WhatIfError(f"{name} is given twice.")
        spec = FIELDS.get(name)
        is_list = spec is not None and spec.type == "choices"
        overrides[name] = check_value(name, value.split(LIST_SEPARATOR) if is_list else value)
    if not overrides:
        raise WhatIfError("The what-if changes nothing: give key=value pairs.")
    return overrides


def with_context(document: dict, overrides: dict[str, Any]) -> dict:
    """A copy of the document with the context changed; the original is untouched."""
    changed = copy.copy(document)
    changed["context"] = {**(document.get("context") or {}), **copy.deepcopy(overrides)}
    return changed


@dataclass(frozen=True)
class Change:
    name: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class WhatIf:
    changes: list[Change]  # only fields whose value differs
    before: list[Finding]
    after: list[Finding]
    appeared: list[Finding]  # open after, not open before
    disappeared: list[Finding]  # open before, not open after

    @property
    def unchanged(self) -> int:
        return len(open_keys(self.after)) - len(self.appeared)


def open_keys(findings: list[Finding]) -> dict[str, Finding]:
    return {f.key: f for f in findings if finding_status(f) == "open"}


def compare(document: dict, overrides: dict[str, Any]) -> WhatIf:
    """The advisor on the plan as it is and on the plan with the overrides; which open
    findings appear and which disappear."""
    before = advise(document)
    context = document.get("context") or {}
    changes = [
        Change(name, FIELDS[name].label, display(name, context.get(name)), display(name, value))
        for name, value in overrides.items()
        if value != context.get(name)
    ]
    after = advise(with_context(document, overrides)) if changes else before
    was, now = open_keys(before), open_keys(after)
    return WhatIf(
        changes,
        before,
        after,
        [f for key, f in now.items() if key not in was],
        [f for key, f in was.items() if key not in now],
    )


def display(name: str, value: Any) -> str:
    return FIELDS[name].display(value) or "not set"
