"""Membership changes move the team's `members_version` (joins, role changes, leaving)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Membership, Team


@receiver([post_save, post_delete], sender=Membership)
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    Team.objects.filter(pk=instance.team_id).bump("members_version")
