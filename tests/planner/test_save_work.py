"""A save does each piece of work once: it builds the plan document for the advisor,
and its answer points the step's diagram at the new version."""

from django.urls import reverse

from planner import document
from planner.models import Boundary
from tests.conftest import make_project
from tests.planner.plans import fill_plan
from tests.planner.test_diagrams import live_image


def test_a_save_at_a_diagram_step_builds_the_plan_document_once(
    team, owner, owner_client, catalogue, monkeypatch
):
    project = fill_plan(make_project(team, name="Shop", created_by=owner), rows=3)
    built = []  # `plan_document` reads the context once per document it builds
    context_dict = document._context_dict
    monkeypatch.setattr(
        document, "_context_dict", lambda *args: built.append(args) or context_dict(*args)
    )
    row = Boundary.objects.filter(project=project).first()
    prefix = f"boundary-{row.pk}"
    data = {
        f"{prefix}-name": "Checkout",
        f"{prefix}-reason": "performance",
        f"{prefix}-version": row.version,
    }
    url = reverse("row_edit", args=[project.pk, "boundary", row.pk])

    response = owner_client.post(url, data, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert len(built) == 1  # the advisor's; the diagram is an image drawn on request
    html = response.content.decode()
    assert "Checkout" in live_image(owner_client, html)[1]
