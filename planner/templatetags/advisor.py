"""Template filters for the advisor's findings: evidence as a person reads it.

{% load advisor %}
{{ item|evidence_label }}   "Team size", "Level 2 · Should authentication be separate?"
{{ finding|why }}           the finding's first piece of evidence, in one line
{{ totals|severity_counts }} [(severity, count), ...] most severe first, zeros left out
"""

from django import template

from planner.advisor import SEVERITIES
from planner.advisor.words import addressed_headline
from planner.advisor.words import evidence_label as label_of

register = template.Library()


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
    return addressed_headline(finding.rule_id, finding.subject, finding.evidence)


@register.filter
def severity_counts(totals: dict) -> list[tuple[str, int]]:
    """Counts per severity in the advisor's order (a saved summary's JSON has its own)."""
    return [(severity, totals[severity]) for severity in SEVERITIES if totals.get(severity)]
