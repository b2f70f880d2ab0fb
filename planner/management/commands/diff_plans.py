"""`manage.py diff_plans OLD.json NEW.json [--format md|json]`: what changed between two plans.

The same engine as the app's compare page (`planner.plan_diff`), for plans kept as code.
Exit status 0 with the diff on stdout (also when nothing changed); 2 with a one-line
reason on stderr when a file is missing, is not JSON, or is not a Backplan plan document
(the checks of `manage.py advise`).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from planner.changes_markdown import changes_markdown
from planner.management.commands.advise import validation_errors
from planner.plan_diff import Side, plan_diff
from planner.plan_view import catalogue_names


def read_plan(path: Path) -> dict:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {path}: {_line(error)}", returncode=2) from error
    except json.JSONDecodeError as error:
        raise CommandError(f"{path} is not valid JSON: {_line(error)}", returncode=2) from error
    errors = validation_errors(document)
    if errors:
        reason = _line("; ".join(errors[:3]))
        raise CommandError(f"{path} is not a Backplan plan document: {reason}", returncode=2)
    return document


def plan_side(path: Path) -> Side:
    document = read_plan(path)
    try:  # the shared catalogue's names, when there is a database to read them from
        names = catalogue_names(document)
    except DatabaseError:
        names = {}
    return Side(document, label=path.name, names=names)


def _line(text) -> str:
    return " ".join(str(text).split())


class Command(BaseCommand):
    help = "Print what changed between two plan documents (JSON), as Markdown or JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("old", help="The earlier plan document (.json)")
        parser.add_argument("new", help="The later plan document (.json)")
        parser.add_argument("--format", choices=["md", "json"], default="md")

    def handle(self, *args, **options) -> None:
        old_path, new_path = Path(options["old"]), Path(options["new"])
        diff = plan_diff(plan_side(old_path), plan_side(new_path))
        if options["format"] == "json":
            self.stdout.write(json.dumps(diff, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(changes_markdown(diff), ending="")
