"""Write the plan document's JSON Schema (built from the registry) to its file."""

from django.core.management.base import BaseCommand, CommandError

from planner.document_schema import SCHEMA_PATH, schema_text


class Command(BaseCommand):
    help = (
        "Write planner/schema/plan-document.schema.json from the registry (--check: only compare)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if the file is out of date.")

    def handle(self, *args, check: bool, **options):
        text = schema_text()
        if SCHEMA_PATH.read_text(encoding="utf-8") == text:
            self.stdout.write(f"{SCHEMA_PATH.name} is up to date.")
            return
        if check:
            raise CommandError(f"{SCHEMA_PATH.name} is out of date: run `manage.py plan_schema`.")
        SCHEMA_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {SCHEMA_PATH.name}.")
