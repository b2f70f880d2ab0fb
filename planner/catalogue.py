"""The shared catalogue in the database."""

from django.db import transaction

from planner.catalogue_data import ENTRIES
from planner.models import CatalogueEntry


def load_catalogue() -> int:
    """Create or update every shared entry by slug. Returns how many entries there are."""
    with transaction.atomic():
        for entry in ENTRIES:
            values = {key: value for key, value in entry.items() if key != "slug"}
            CatalogueEntry.objects.update_or_create(team=None, slug=entry["slug"], defaults=values)
    return len(ENTRIES)
