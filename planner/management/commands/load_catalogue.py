from django.core.management.base import BaseCommand

from planner.catalogue import load_catalogue


class Command(BaseCommand):
    help = "Create or update the shared pattern and technique catalogue (safe to run again)."

    def handle(self, *args, **options) -> None:
        count = load_catalogue()
        self.stdout.write(self.style.SUCCESS(f"Catalogue loaded: {count} shared entries."))
