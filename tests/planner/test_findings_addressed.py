"""Issue 12 in the app: addressed findings leave the open list and say what addressed
them (linked), the context is said once above the findings, and the step's panel shows
why each finding fires."""

import pytest
from django.urls import reverse

from planner import services
from planner.models import CatalogueEntry, Context, TechniqueChoice
from planner.workspace import ensure_plan_rows

pytestmark = pytest.mark.usefixtures("catalogue")


def pii_project(project, *, encrypted: bool):
    ensure_plan_rows(project)
    Context.objects.filter(project=project).update(
        scale="lt10k", team_size="2-5", platform="django", stage="production", sensitivity="pii"
    )
    entry = CatalogueEntry.objects.get(team=None, slug="encryption")
    if encrypted:
        TechniqueChoice.objects.create(project=project, entry=entry, status="planned", notes="")
    return entry


def test_an_addressed_finding_leaves_the_open_list_and_links_what_addressed_it(
    project, viewer_client
):
    entry = pii_project(project, encrypted=True)
    html = viewer_client.get(reverse("findings", args=[project.pk])).content.decode()
    open_part, addressed_part = html.split('id="addressed-findings"')
    assert "REC-ENCRYPT-PII" not in open_part
    assert "REC-ENCRYPT-PII" in addressed_part and "Addressed by:" in addressed_part
    step = reverse("workspace_step", args=[project.pk, "6"])
    assert f'href="{step}#technique-{entry.pk}">Technique · Encryption at rest' in addressed_part
    (finding,) = [f for f in services.plan_findings(project) if f.rule_id == "REC-ENCRYPT-PII"]
    assert finding.status == "addressed"  # also as read back from the stored rows
    assert finding.addressed_by[0]["name"] == "encryption"
    summary = type(project).objects.get(pk=project.pk).summary["findings"]
    assert summary == services.finding_totals(services.plan_findings(project))


def test_the_same_finding_is_open_until_the_plan_acts_on_it(project, viewer_client):
    pii_project(project, encrypted=False)
    html = viewer_client.get(reverse("findings", args=[project.pk])).content.decode()
    assert "REC-ENCRYPT-PII" in html.split('id="addressed-findings"')[0]
    assert "Read against your context: 1,000 – 10,000 active users · 2 – 5 engineers" in html


def test_the_panel_shows_why_in_a_line_and_counts_what_is_addressed(project, viewer_client):
    pii_project(project, encrypted=True)
    html = viewer_client.get(reverse("workspace_step", args=[project.pk, "6"])).content.decode()
    panel = html.split('id="advisor"')[1]
    assert "Why: Stage: In production" in panel  # REC-OBSERVABILITY's evidence, labelled
    assert "Addressed (1)" in panel
    assert "stage" not in panel.split("Why:")[1].split("</p>")[0]  # the label, not the key
