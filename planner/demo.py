"""The demo: a user, their team and the guide's own example plan, loaded idempotently."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from accounts.models import Membership, Role, Team, User
from planner.importing import plan_import
from planner.models import Project

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "backplan-demo"  # noqa: S105 - a published demo login, not a secret
DEMO_TEAM = "Demo team"
DEMO_PLAN_PATH = Path(__file__).parent / "fixtures" / "demo-plan.json"


@dataclass
class DemoResult:
    user: User
    team: Team
    project: Project
    created_user: bool
    created_project: bool


def demo_document() -> dict:
    return json.loads(DEMO_PLAN_PATH.read_text(encoding="utf-8"))


def demo_load() -> DemoResult:
    """Create what is missing of the demo user, team and plan; leave the rest alone.

    The shared catalogue must be loaded first: the demo plan refers to it by slug.
    """
    document = demo_document()
    with transaction.atomic():
        user = User.objects.filter(email=DEMO_EMAIL).first()
        created_user = user is None
        if created_user:
            user = User.objects.create_user(email=DEMO_EMAIL, password=DEMO_PASSWORD, name="Demo")
        team = Team.objects.filter(
            name=DEMO_TEAM, membership__user=user, membership__role=Role.OWNER
        ).first()
        if team is None:
            team = Team.objects.create(name=DEMO_TEAM, personal=True)
            Membership.objects.create(team=team, user=user, role=Role.OWNER)
        project = Project.objects.filter(team=team, name=document["project"]["name"]).first()
        created_project = project is None
        if created_project:
            project = plan_import(team=team, document=document, user=user)
    return DemoResult(user, team, project, created_user, created_project)
