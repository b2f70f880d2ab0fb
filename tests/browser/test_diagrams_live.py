"""The editor's diagrams in a browser: redrawn in place after a save, readable on a phone."""

import json
import os
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Role
from planner.catalogue import load_catalogue
from planner.importing import plan_import
from tests.browser.helpers import axe_check, goto
from tests.conftest import make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = Path(__file__).resolve().parents[2] / "planner" / "fixtures" / "demo-plan.json"
SHOTS = os.environ.get("SCREENSHOTS_DIR", "")  # set it to keep screenshots to look at


@pytest.fixture
def demo(log_in):
    load_catalogue()
    owner = make_user("owner@example.com")
    team = make_team("Demo", **{Role.OWNER: owner})
    project = plan_import(team=team, document=json.loads(DEMO.read_text()), user=owner)
    log_in(owner)
    return project


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def drawn(page) -> str:
    """The SVG the diagram image shows (it is drawn on request, as its own resource)."""
    image = page.locator("#diagrams img").first
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('#diagrams img');"
        " return i.complete && i.naturalWidth > 0 }"
    )
    return page.evaluate(
        "async () => (await fetch(document.querySelector('#diagrams img').src)).text()"
    )


def test_adding_an_entity_redraws_the_level_4_diagram(page, live_server, csp_errors, demo):
    goto(page, live_server.url + reverse("workspace_step", args=[demo.pk, "4"]))
    before = page.locator("#diagrams img").first.get_attribute("src")
    assert "Ledger entry" not in drawn(page)
    page.locator("#rows-entity summary").click()
    page.locator("#id_add-entity-name").fill("Ledger entry")
    page.locator("#rows-entity .add-slot button[type=submit]").click()
    page.wait_for_function(
        "(before) => document.querySelector('#diagrams img').getAttribute('src') !== before",
        arg=before,
    )
    assert "Ledger entry" in drawn(page)
    assert csp_errors == []


def test_diagram_steps_fit_desktop_and_phone(page, live_server, csp_errors, demo):
    for width in (1280, 390):
        check_width(page, live_server, demo, width)
    assert csp_errors == []


def check_width(page, live_server, demo, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    for step in ["2", "4", "6"]:
        goto(page, live_server.url + reverse("workspace_step", args=[demo.pk, step]))
        # The diagram's frame (it scrolls sideways on a phone) and the checklist fit.
        box = page.locator(".diagram-canvas, .checklist-group").first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
        axe_check(page)
        shot(page, f"step{step}-{width}")
    goto(page, live_server.url + reverse("row_add", args=[demo.pk, "decision"]))
    groups = page.locator("#id_add-decision-entry optgroup")
    assert groups.first.get_attribute("label").startswith("Recommended for this context")
    axe_check(page)
    if SHOTS:  # a closed <select> shows one option: open it out for the screenshot
        page.evaluate("document.querySelector('#id_add-decision-entry').size = 30")
    shot(page, f"picker-{width}")
