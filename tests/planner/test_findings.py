"""The findings page and dismissals, and the advisor panel beside each step."""

import pytest
from django.urls import reverse

from planner.models import Context, Dismissal, Entity
from planner.workspace import ensure_plan_rows


def entity_without_truth(project):
    ensure_plan_rows(project)
    Entity.objects.create(project=project, name="Invoice")


def gap_key(client, project):
    html = client.get(reverse("findings", args=[project.pk])).content.decode()
    assert "Invoice" in html
    from planner.services import plan_findings

    return next(f.key for f in plan_findings(project) if f.kind == "gap" and "Invoice" in f.subject)


def test_findings_page_lists_gaps_with_their_evidence(project, viewer_client):
    entity_without_truth(project)
    response = viewer_client.get(reverse("findings", args=[project.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "source of truth" in html.lower()
    invoice = Entity.objects.get(project=project, name="Invoice")
    step = reverse("workspace_step", args=[project.pk, "4"])
    assert f'href="{step}?all=entity#entity-{invoice.pk}"' in html  # links to the very row
    assert "Dismiss…" not in html  # viewers read, they don't dismiss


def test_dismissing_needs_a_reason_and_keeps_the_finding_listed(project, editor_client):
    entity_without_truth(project)
    key = gap_key(editor_client, project)
    url = reverse("finding_dismiss", args=[project.pk])
    editor_client.post(url, {"key": key, "reason": "  "})
    assert not Dismissal.objects.filter(project=project).exists()
    response = editor_client.post(
        url, {"key": key, "reason": "Invoices come from Stripe"}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dismissed" in html and "Invoices come from Stripe" in html
    assert Dismissal.objects.get(project=project).finding_key == key


def test_restoring_a_dismissed_finding(project, editor_client):
    entity_without_truth(project)
    key = gap_key(editor_client, project)
    Dismissal.objects.create(project=project, finding_key=key, reason="later")
    editor_client.post(reverse("finding_dismiss", args=[project.pk]), {"key": key, "restore": "1"})
    assert not Dismissal.objects.filter(project=project).exists()


def test_dismiss_redirects_only_inside_the_project(project, editor_client):
    entity_without_truth(project)
    key = gap_key(editor_client, project)
    url = reverse("finding_dismiss", args=[project.pk])
    for back in ["https://evil.example/", f"/projects/{project.pk}/\x00"]:
        response = editor_client.post(url, {"key": key, "reason": "r", "next": back})
        assert response["Location"] == reverse("findings", args=[project.pk])


def test_dismissing_a_key_the_advisor_does_not_produce_is_refused(project, editor_client):
    entity_without_truth(project)
    url = reverse("finding_dismiss", args=[project.pk])
    response = editor_client.post(url, {"key": "NOT-A-KEY", "reason": "Because"})
    assert response.status_code == 422
    assert "not one of this plan" in response.content.decode()
    assert not Dismissal.objects.filter(project=project).exists()


def test_a_reason_over_the_limit_is_refused_at_the_field_not_cut(project, editor_client):
    entity_without_truth(project)
    key = gap_key(editor_client, project)
    url = reverse("finding_dismiss", args=[project.pk])
    response = editor_client.post(url, {"key": key, "reason": "x" * 5000})
    assert response.status_code == 422
    html = response.content.decode()
    assert "at most 1000 characters" in html and "is-invalid" in html
    assert not Dismissal.objects.filter(project=project).exists()


@pytest.mark.parametrize("field", ["key", "reason"])
def test_a_nul_character_in_a_dismissal_is_a_message_not_a_500(project, editor_client, field):
    entity_without_truth(project)
    data = {"key": gap_key(editor_client, project), "reason": "Invoices come from Stripe"}
    data[field] = data[field][:5] + "\x00" + data[field][5:]
    response = editor_client.post(reverse("finding_dismiss", args=[project.pk]), data)
    assert response.status_code == 422
    assert "Null characters are not allowed" in response.content.decode()
    assert not Dismissal.objects.filter(project=project).exists()


def test_advisor_panel_refreshes_with_each_save(project, editor_client):
    ensure_plan_rows(project)
    editor_client.get(reverse("workspace_step", args=[project.pk, "context"]))
    data = {
        "product": "Notes",
        "scale": "lt100",
        "team_size": "solo",
        "stage": "prototype",
        "platform": "convex",
        "realtime": "none",
        "offline": "none",
        "ai": "none",
        "sensitivity": "none",
        "version": Context.objects.get(project=project).version,
    }
    response = editor_client.post(
        reverse("context_save", args=[project.pk]), data, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'id="advisor"' in html
    assert "Microservices are ruled out" in html  # the context filter, shown on the context step
