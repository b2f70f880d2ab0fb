"""`manage.py advise FILE [--format json|text|sarif] [--fail-on LEVEL] [--what-if k=v,...]`

The advisor's findings for a plan document, for people (text), scripts (JSON: a
list of findings with their `status` and `addressed_by`) and code-scanning tools
(SARIF 2.1.0); see `planner.advice_formats`.

`--what-if scale=gt100k,team_size=20+` advises on the plan with those context
fields changed (nothing is written) and says which open findings appear and
disappear; a field with several values takes them joined by "+"
(`clients=web+mobile`). With a what-if, JSON is an object: `what_if` (the
changes), `findings` (on the changed plan), `appeared` and `disappeared`.

Exit status: 1 when an open finding at or above `--fail-on` exists (default
never; with a what-if, on the changed plan), 0 otherwise; 2 with a one-line
message on stderr when the file is missing, is not JSON or is not a Backplan plan
document, or the what-if is not valid.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from planner import registry
from planner.advice_formats import as_json, as_sarif, as_text
from planner.advisor import SEVERITIES, Finding, advise
from planner.document import validate_document
from planner.what_if import WhatIfError, compare, finding_status, parse_overrides

LIST_KEYS = [kind.list_key for kind in registry.ROW_KIND_LIST]
DICT_KEYS = ["context", "levels"]
FAIL_ON = [*SEVERITIES[:3], "never"]  # info never fails a build


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


def failing(findings: list[Finding], fail_on: str) -> list[Finding]:
    """The open findings at or above `fail_on` ("never": none)."""
    if fail_on == "never":
        return []
    worst = SEVERITIES.index(fail_on)
    return [
        f for f in findings if SEVERITIES.index(f.severity) <= worst and finding_status(f) == "open"
    ]


def file_uri(path: Path) -> str:
    """How SARIF names the plan file: relative paths as given, absolute ones as file URIs."""
    return path.as_uri() if path.is_absolute() else path.as_posix()


class Command(BaseCommand):
    help = "Print the advisor's findings for a plan document (JSON, text or SARIF)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Path to a plan document (.json)")
        parser.add_argument("--format", choices=["json", "text", "sarif"], default="json")
        parser.add_argument(
            "--fail-on",
            choices=FAIL_ON,
            default="never",
            help="Exit 1 when an open finding of this severity or higher exists.",
        )
        parser.add_argument(
            "--what-if",
            default="",
            metavar="KEY=VALUE,...",
            help="Change context fields before advising, e.g. scale=gt100k,team_size=20+ "
            "(several values of clients joined by +: clients=web+mobile). Nothing is saved.",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        overrides = {}
        if options["what_if"]:
            try:
                overrides = parse_overrides(options["what_if"])
            except WhatIfError as error:
                raise CommandError(f"--what-if: {error}", returncode=2) from error
        raw, document = read_document(path)
        what_if = compare(document, overrides) if overrides else None
        findings = what_if.after if what_if else advise(document)
        if options["format"] == "text":
            output = as_text(document, findings, what_if)
        elif options["format"] == "sarif":
            output = as_sarif(document, findings, file_uri(path), raw, what_if)
        else:
            output = as_json(findings, what_if)
        self.stdout.write(output)
        failed = failing(findings, options["fail_on"])
        if failed:
            self.stderr.write(
                f"{len(failed)} open finding(s) at or above {options['fail_on']} severity."
            )
            sys.exit(1)


def read_document(path: Path) -> tuple[str, dict]:
    """The file's text and its plan document, or CommandError (status 2) saying why not."""
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
    return raw, document
