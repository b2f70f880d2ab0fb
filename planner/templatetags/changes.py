"""The one-line summary of what changed between two plans (planner.plan_diff).

{% load changes %}
{{ changes.counts|change_counts }}   "1 answer changed, 2 rows added, 1 finding closed"
"""

from django import template

register = template.Library()

# (count key, singular, plural) in the order the summary reads; zeros are left out.
PARTS = [
    ("answers", "answer changed", "answers changed"),
    ("added", "row added", "rows added"),
    ("removed", "row removed", "rows removed"),
    ("changed", "row changed", "rows changed"),
    ("decisions", "decision with a new status", "decisions with a new status"),
    ("opened", "finding opened", "findings opened"),
    ("closed", "finding closed", "findings closed"),
    ("addressed", "finding addressed", "findings addressed"),
    ("set_aside", "finding set aside", "findings set aside"),
]


@register.filter
def change_counts(counts: dict) -> str:
    """What changed, counted, without the parts where nothing did."""
    parts = [
        f"{counts[key]} {one if counts[key] == 1 else many}"
        for key, one, many in PARTS
        if counts.get(key)
    ]
    if counts.get("renamed") and counts.get("changed"):  # renamed rows are changed rows
        changed = next(
            i for i, part in enumerate(parts) if part.endswith(("row changed", "rows changed"))
        )
        parts[changed] += f" ({counts['renamed']} renamed)"
    return ", ".join(parts) or "nothing changed"
