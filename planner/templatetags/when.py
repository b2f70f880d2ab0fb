"""How long ago something happened, as people say it.

{% load when %}
{{ project.updated_at|ago }}   "just now", "5 minutes ago", "2 days, 3 hours ago"
"""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(moment: datetime | None) -> str:
    """`timesince` with "ago", and "just now" for under a minute (not "0 minutes ago")."""
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment)} ago"
