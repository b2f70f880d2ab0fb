"""The shared catalogue in the database."""

from django.db import transaction

from planner.catalogue_data import ENTRIES
from planner.models import CatalogueEntry


def load_catalogue() -> int:
    """Create or update every shared entry by slug. Returns how many entries there are.

    Only entries that differ from the data are written: each write moves every team's
    `catalogue_version` (planner.signals), so an unchanged catalogue, loaded at every
    start, writes nothing and leaves every cached page valid."""
    stored = {e.slug: e for e in CatalogueEntry.objects.filter(team=None)}
    with transaction.atomic():
        for entry in ENTRIES:
            values = {key: value for key, value in entry.items() if key != "slug"}
            current = stored.get(entry["slug"])
            if current is None:
                CatalogueEntry.objects.create(team=None, slug=entry["slug"], **values)
            elif any(getattr(current, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(current, key, value)
                current.save()
    return len(ENTRIES)
