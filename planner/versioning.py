"""Optimistic concurrency for plan rows: a save names the version it edited."""

from django.db import models, transaction
from django.db.models import F


class StaleVersion(Exception):
    """The row changed (or vanished) since the person loaded it."""

    def __init__(self, current: models.Model | None):
        self.current = current
        super().__init__("This was changed by someone else since you opened it.")


def save_versioned(instance: models.Model, expected_version: int, fields: list[str]) -> None:
    """Write `fields` of `instance` only if the stored version is still `expected_version`.

    One conditional UPDATE: two clients saving from the same version cannot
    both win. On success `instance.version` is the new version; on a conflict
    `StaleVersion.current` holds the row as it now stands (None if deleted).
    """
    model = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    with transaction.atomic():
        updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
            version=F("version") + 1, **values
        )
        if not updated:
            raise StaleVersion(model.objects.filter(pk=instance.pk).first())
    instance.version = expected_version + 1
