from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Team
from planner.document import PlanDocumentError
from planner.document_json import DocumentParseError, document_parse
from planner.importing import plan_import


class Command(BaseCommand):
    help = "Import a JSON plan document as a new project in a team."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The plan document (JSON).")
        parser.add_argument("--team", required=True, help="The team's id or exact name.")

    def handle(self, *args, **options) -> None:
        team = _team(options["team"])
        try:
            document = document_parse(Path(options["file"]).read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error}", returncode=2) from error
        except DocumentParseError as error:
            raise CommandError(str(error), returncode=2) from error
        try:
            project = plan_import(team=team, document=document, user=None)
        except PlanDocumentError as error:
            lines = "\n".join(f"{path}: {message}" for path, message in error.errors)
            raise CommandError(f"The plan document has errors:\n{lines}", returncode=2) from error
        self.stdout.write(f"{project.pk}\t{project.name}")


def _team(value: str) -> Team:
    team = Team.objects.filter(pk=int(value)).first() if value.isdigit() else None
    if team is None:
        matches = list(Team.objects.filter(name=value)[:2])
        if len(matches) > 1:
            raise CommandError(f"Several teams are named “{value}”: use the id.", returncode=2)
        team = matches[0] if matches else None
    if team is None:
        raise CommandError(f"No team “{value}”.", returncode=2)
    return team
