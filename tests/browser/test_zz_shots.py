import pytest
from django.urls import reverse
from tests.browser.helpers import goto
from tests.browser.test_pages_accessible import demo_project  # noqa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_shots(page, live_server, log_in, demo_project):
    owner, project = demo_project
    log_in(owner)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 1000})
        goto(page, live_server.url + reverse("findings", args=[project.pk]))
        page.click("#addressed-findings summary")
        page.screenshot(path=f"/tmp/adv-findings-{width}.png", full_page=True)
        goto(page, live_server.url + reverse("workspace_step", args=[project.pk, "3"]))
        page.screenshot(path=f"/tmp/adv-step3-{width}.png", full_page=True)
