"""Catalogue changes move `Team.catalogue_version` of every team that sees the entry:
its own team for a team's entry, every team for the shared catalogue (staff edits)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Team
from planner.models import CatalogueEntry


@receiver([post_save, post_delete], sender=CatalogueEntry)
def catalogue_entry_changed(sender, instance: CatalogueEntry, **kwargs) -> None:
    teams = Team.objects.all()
    if instance.team_id is not None:
        teams = teams.filter(pk=instance.team_id)
    teams.bump("catalogue_version")
