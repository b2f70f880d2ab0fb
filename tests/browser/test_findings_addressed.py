"""The findings page with its "Addressed" part opened passes axe and CSP, at a phone
width too (issue 12)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from planner.models import Entity
from tests.browser.helpers import axe_check, goto
from tests.browser.test_pages_accessible import demo_project  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_findings_page_with_addressed_findings_open(
    page,
    live_server,
    log_in,
    csp_errors,
    demo_project,  # noqa: F811
    width,
):
    owner, project = demo_project
    log_in(owner)
    page.set_viewport_size({"width": width, "height": 900})
    goto(page, live_server.url + reverse("findings", args=[project.pk]))
    page.click("#addressed-findings summary")
    assert page.locator("#addressed-findings").get_by_text("Addressed by:").first.is_visible()
    axe_check(page)
    # The demo plan has acted on every finding: give Level 4 an open one for its panel.
    Entity.objects.create(project=project, name="Draft", description="A draft.")
    project.updated_at = timezone.now()
    project.save(update_fields=["updated_at"])
    step = reverse("workspace_step", args=[project.pk, "4"])
    goto(page, live_server.url + step)
    assert page.locator("#advisor .finding-why").count() > 0
    axe_check(page)
    assert csp_errors == []
