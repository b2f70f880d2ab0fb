"""Counts of open findings per severity, as the pages show them.

{% load severity %}
{{ totals|severity_counts }}   [(severity, count), ...] most severe first, zeros left out
"""

from django import template

from planner.advisor import SEVERITIES

register = template.Library()


@register.filter
def severity_counts(totals: dict) -> list[tuple[str, int]]:
    """Counts per severity in the advisor's order (a saved summary's JSON has its own)."""
    return [(severity, totals[severity]) for severity in SEVERITIES if totals.get(severity)]
