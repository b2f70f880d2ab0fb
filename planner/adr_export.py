"""Decisions as ADRs, delivered: the catalogue they cite, a zip for the browser, files for
the command line (`manage.py export_plan REF --format adr -o DIR`). `planner.adr` renders."""

import io
import zipfile
from pathlib import Path

from accounts.models import Team
from planner.adr import adr_files
from planner.document import ENTRY_FIELDS
from planner.models import CatalogueEntry


def adr_catalogue(team: Team, document: dict) -> list[dict]:
    """Every pattern the team sees, one per slug, in the catalogue's order: a slug the
    plan carries in `custom_entries` is the team's own entry, any other the shared one
    (as import resolves them). One query."""
    custom = {row["slug"] for row in document.get("custom_entries", [])}
    patterns = CatalogueEntry.objects.visible_to(team).filter(kind=CatalogueEntry.Kind.PATTERN)
    chosen: dict[str, dict] = {}
    for team_id, *values in patterns.values_list("team_id", *ENTRY_FIELDS):
        entry = dict(zip(ENTRY_FIELDS, values, strict=True))
        own = team_id is not None
        if entry["slug"] not in chosen or own == (entry["slug"] in custom):
            chosen[entry["slug"]] = entry
    return list(chosen.values())


def plan_adrs(team: Team, document: dict) -> list[tuple[str, str]]:
    return adr_files(document, adr_catalogue(team, document))


def adr_zip(files: list[tuple[str, str]], folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files:
            archive.writestr(f"{folder}/{name}", text)
    return buffer.getvalue()


def adr_write(files: list[tuple[str, str]], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files:
        (directory / name).write_text(text, encoding="utf-8")
