"""`manage.py advise plan.json`: the advisor's findings for a plan document, as JSON.

Exit status 0 with the findings on stdout; 2 with a message on stderr when the
file is missing, is not JSON, or is not a Backplan plan document.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from planner import registry
from planner.advisor import advise
from planner.document import validate_document

LIST_KEYS = [kind.list_key for kind in registry.ROW_KIND_LIST]
DICT_KEYS = ["context", "levels"]


def structural_errors(document: Any) -> list[str]:
    """The minimum the advisor needs to say something meaningful about a document."""
    if not isinstance(document, dict):
        return ["the top level is not a JSON object"]
    errors = []
    if document.get("schema") != "backplan/plan":
        errors.append('"schema" is not "backplan/plan"')
    if document.get("schema_version") != 1:
        errors.append('"schema_version" is not 1')
    for key in DICT_KEYS:
        if key in document and not isinstance(document[key], dict):
            errors.append(f'"{key}" is not an object')
    for key in LIST_KEYS:
        if key in document and not isinstance(document[key], list):
            errors.append(f'"{key}" is not a list')
    return errors


def validation_errors(document: Any) -> list[str]:
    """Our structural checks first, then the documents module's full validation.

    `planner.document.validate_document` is the one definition of a valid plan
    document (the same one import uses); it answers (json path, message) pairs.
    """
    errors = structural_errors(document)
    if errors:
        return errors
    try:
        return [f"{path}: {message}" for path, message in validate_document(document)]
    except DatabaseError:
        # Catalogue references are checked against the database; without one
        # (not migrated yet) the structural checks above are all we can do.
        sys.stderr.write(
            "Warning: the database is not ready (run `manage.py migrate`), so catalogue "
            "references were not checked.\n"
        )
        return []


class Command(BaseCommand):
    help = "Print the advisor's findings for a plan document (JSON) as a JSON list."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Path to a plan document (.json)")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}", returncode=2) from error
        try:
            document = json.loads(raw)
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not valid JSON: {error}", returncode=2) from error
        errors = validation_errors(document)
        if errors:
            raise CommandError(
                f"{path} is not a Backplan plan document: " + "; ".join(errors[:5]),
                returncode=2,
            )
        findings = [finding.as_dict() for finding in advise(document)]
        self.stdout.write(json.dumps(findings, indent=2, ensure_ascii=False))
