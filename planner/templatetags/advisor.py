"""Template filters for the advisor's findings: evidence as a person reads it.

{% load advisor %}
{{ item|evidence_label }}   "Team size", "Level 2 · Should authentication be separate?"
{{ finding|why }}           the finding's first piece of evidence, in one line
{{ finding.kind|kind_label }}  "red flag", "skip advice", "gap", …
"""

from django import template

from planner.advisor.words import addressed_headline
from planner.advisor.words import evidence_label as label_of

register = template.Library()


KIND_LABELS = {"skip_advice": "skip advice", "red_flag": "red flag"}


@register.filter
def kind_label(kind: str) -> str:
    """A finding's kind as a person reads it (a filter, not an include: the findings page
    prints one per finding)."""
    return KIND_LABELS.get(kind, kind)


@register.filter
def evidence_label(item: dict) -> str:
    return label_of(item)


@register.filter
def why(finding) -> str:
    """Why the finding fires, in a line: its first evidence, labelled."""
    if not finding.evidence:
        return ""
    item = finding.evidence[0]
    text = item.get("text", "")
    return f"{label_of(item)}: {text}" if text else label_of(item)


@register.filter
def addressed_line(finding) -> str:
    """What addressed the finding, in a line."""
    return "; ".join(
        label_of(item) + (f": {item['text']}" if item.get("text") else "")
        for item in finding.addressed_by
    )


@register.filter
def headline(finding) -> str:
    """The finding's message, or for an addressed one what it was about."""
    if finding.status != "addressed":
        return finding.message
    return addressed_headline(finding.rule_id, finding.subject, finding.evidence, finding.message)
