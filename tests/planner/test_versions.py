"""Every change a page shows moves a key: the plan's updated_at (findings, dismissals and
their restore), the team's catalogue_version and its members_version."""

from django.urls import reverse

from accounts import services as account_services
from accounts.models import Membership, Role, Team
from planner.models import CatalogueEntry, Dismissal, Entity, Project
from planner.services import plan_findings
from planner.workspace import ensure_plan_rows
from tests.conftest import make_user


def invoice_gap(project) -> str:
    ensure_plan_rows(project)
    Entity.objects.create(project=project, name="Invoice")
    return next(f.key for f in plan_findings(project) if "Invoice" in f.subject)


def versions(team: Team) -> tuple[int, int]:
    team = Team.objects.get(pk=team.pk)
    return team.catalogue_version, team.members_version


def test_restoring_a_dismissal_moves_updated_at_and_the_finding_reopens(project, editor_client):
    key = invoice_gap(project)
    url = reverse("finding_dismiss", args=[project.pk])
    editor_client.post(url, {"key": key, "reason": "Stripe keeps them"})
    step = reverse("workspace_step", args=[project.pk, "4"])
    assert "dismissed" in editor_client.get(step).content.decode()
    before = Project.objects.get(pk=project.pk).updated_at
    editor_client.post(url, {"key": key, "restore": "1"})
    assert not Dismissal.objects.filter(project=project).exists()
    assert Project.objects.get(pk=project.pk).updated_at > before
    finding = next(f for f in plan_findings(Project.objects.get(pk=project.pk)) if f.key == key)
    assert finding.dismissed is None
    assert "· dismissed" not in editor_client.get(step).content.decode()


def test_team_catalogue_entry_changes_move_the_catalogue_version(team):
    start, _ = versions(team)
    entry = CatalogueEntry.objects.create(
        team=team, slug="ours", name="Ours", kind="technique", category="x", summary="s"
    )
    created, _ = versions(team)
    entry.name = "Ours, renamed"
    entry.save()
    edited, _ = versions(team)
    entry.delete()
    deleted, _ = versions(team)
    assert start < created < edited < deleted


def test_a_team_entry_moves_only_its_own_team(team, outsider):
    other = outsider.teams.get()
    before = versions(other)
    CatalogueEntry.objects.create(
        team=team, slug="ours", name="Ours", kind="technique", category="x", summary="s"
    )
    assert versions(other) == before


def test_shared_catalogue_edits_move_every_team(team, outsider):
    other = outsider.teams.get()
    before = [versions(team)[0], versions(other)[0]]
    CatalogueEntry.objects.create(slug="new", name="New", kind="pattern", category="x", summary="s")
    assert [versions(team)[0], versions(other)[0]] == [n + 1 for n in before]


def test_catalogue_edit_through_the_view_moves_the_version(team, editor_client):
    entry = CatalogueEntry.objects.create(
        team=team, slug="ours", name="Ours", kind="technique", category="x", summary="s"
    )
    before, _ = versions(team)
    editor_client.post(reverse("catalogue_entry_delete", args=[entry.pk]))
    assert not CatalogueEntry.objects.filter(pk=entry.pk).exists()
    assert versions(team)[0] > before


def test_membership_changes_move_the_members_version(team, viewer, owner):
    _, start = versions(team)
    membership = Membership.objects.get(team=team, user=viewer)
    account_services.membership_change_role(membership=membership, role=Role.EDITOR)
    _, promoted = versions(team)
    newcomer = make_user("nina@example.com")
    Membership.objects.create(team=team, user=newcomer, role=Role.VIEWER)
    _, joined = versions(team)
    account_services.membership_remove(membership=Membership.objects.get(user=newcomer))
    _, left = versions(team)
    assert start < promoted < joined < left


def test_role_change_through_the_view_moves_the_members_version(team, viewer, owner_client):
    membership = Membership.objects.get(team=team, user=viewer)
    _, before = versions(team)
    owner_client.post(reverse("member_role", args=[team.pk, membership.pk]), {"role": Role.EDITOR})
    assert Membership.objects.get(pk=membership.pk).role == Role.EDITOR
    assert versions(team)[1] > before
