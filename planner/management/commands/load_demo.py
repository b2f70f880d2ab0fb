from django.core.management.base import BaseCommand

from planner.catalogue import load_catalogue
from planner.demo import DEMO_EMAIL, DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the catalogue, the demo user and the demo plan (safe to run again)."

    def handle(self, *args, **options) -> None:
        load_catalogue()
        result = demo_load()
        plan = "created" if result.created_project else "already there"
        self.stdout.write(f"Demo plan “{result.project.name}” (#{result.project.pk}): {plan}.")
        self.stdout.write(f"Log in as {DEMO_EMAIL} with the password {DEMO_PASSWORD}")
