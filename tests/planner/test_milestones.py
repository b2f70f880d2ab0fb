"""Milestones: saved by editors, frozen for good, listed, read-only, exported and shared."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from planner.catalogue import load_catalogue
from planner.document import document_hash
from planner.importing import plan_import
from planner.milestones import milestone_create, report_input, review_answer, review_request
from planner.models import Boundary, CatalogueEntry, Milestone, Report
from planner.pdf import render_pdf
from planner.sharing import share_link_create
from tests.planner.test_pdf import demo_document, pdf_text, squash

pytestmark = pytest.mark.django_db
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def demo_project(team, owner, catalogue):
    return plan_import(team=team, document=demo_document(), user=owner)


def url(name, project, *args):
    return reverse(name, args=[project.pk, *args])


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_editor_saves_a_milestone_and_lands_on_it(editor_client, demo_project):
    response = editor_client.post(url("milestone_new", demo_project), {"name": "Design review 1"})
    milestone = Milestone.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("milestone", demo_project, milestone.pk)
    assert milestone.document["project"]["name"] == demo_project.name
    assert milestone.findings and {"key", "status"} <= set(milestone.findings[0])
    assert milestone.catalogue["background-jobs"] == "Background job processing"
    assert len(milestone.row_ids["boundaries"]) == len(milestone.document["boundaries"])
    page = text(editor_client.get(response["Location"]))
    assert "Milestone “Design review 1” saved." in page
    assert "Nobody has been asked to review this milestone yet." in page


def test_viewer_cannot_save_a_milestone(viewer_client, demo_project):
    response = viewer_client.post(url("milestone_new", demo_project), {"name": "Mine"})
    assert response.status_code == 403
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [("  ", "This field is required."), ("design REVIEW 1", "A milestone is already called")],
)
def test_a_bad_name_gets_a_message_at_the_field(editor_client, demo_project, owner, name, message):
    milestone_create(project=demo_project, user=owner, name="Design review 1")
    response = editor_client.post(url("milestone_new", demo_project), {"name": name})
    assert response.status_code == 422
    assert message in text(response)
    assert Milestone.objects.count() == 1


def test_milestones_are_listed_and_open_read_only_for_viewers(viewer_client, demo_project, owner):
    milestone = milestone_create(project=demo_project, user=owner, name="Design review 1")
    listing = text(viewer_client.get(url("milestones", demo_project)))
    assert "Design review 1" in listing
    assert "Save milestone" not in listing  # viewers read only
    page = viewer_client.get(url("milestone", demo_project, milestone.pk))
    assert page.status_code == 200
    assert "Milestone · read-only" in text(page)
    assert "Ask to review" not in text(page) and "<textarea" not in page.content.decode()


def test_a_milestone_never_changes_when_the_plan_or_a_shared_entry_does(
    owner_client, demo_project, owner
):
    milestone = milestone_create(project=demo_project, user=owner, name="Design review 1")
    before = {
        name: owner_client.get(url(name, demo_project, milestone.pk)).content
        for name in ("milestone_markdown", "milestone_json")
    }
    page_before = text(owner_client.get(url("milestone", demo_project, milestone.pk)))
    Boundary.objects.filter(project=demo_project, name="Chat core").update(name="Renamed later")
    CatalogueEntry.objects.filter(team=None, slug="background-jobs").update(name="Job queues")
    for name, body in before.items():
        after = owner_client.get(url(name, demo_project, milestone.pk)).content
        assert after.replace(b"\r", b"") == body.replace(b"\r", b"") or _same_but_date(body, after)
    page = text(owner_client.get(url("milestone", demo_project, milestone.pk)))
    assert "Background job processing" in page and "Job queues" not in page
    assert "Renamed later" not in page
    assert page.count("Background job processing") == page_before.count("Background job processing")
    assert json.loads(before["milestone_json"]) == milestone.document


def _same_but_date(before: bytes, after: bytes) -> bool:
    """The Markdown says the day it was exported; nothing else may differ."""
    strip = re.compile(rb"exported from Backplan on [^;]+;")
    return strip.sub(b"", before) == strip.sub(b"", after)


def test_a_deleted_shared_entry_keeps_its_name_in_the_milestone(owner_client, team, owner):
    load_catalogue()
    document = demo_document()
    project = plan_import(team=team, document=document, user=owner)
    milestone = milestone_create(project=project, user=owner, name="Before")
    # The live plan loses the entry; the milestone still names it as it was.
    CatalogueEntry.objects.filter(team=None, slug="circuit-breaker").update(name="Fuses")
    markdown = owner_client.get(url("milestone_markdown", project, milestone.pk)).content.decode()
    assert "Circuit breaker" in markdown and "Fuses" not in markdown


def test_milestone_export_names_the_milestone(viewer_client, demo_project, owner):
    milestone = milestone_create(project=demo_project, user=owner, name="Design review 1")
    response = viewer_client.get(url("milestone_json", demo_project, milestone.pk))
    assert "design-review-1.backplan.json" in response["Content-Disposition"]
    response = viewer_client.get(url("milestone_markdown", demo_project, milestone.pk))
    assert response["Content-Type"].startswith("text/markdown")


def test_the_milestone_page_and_its_copies_carry_one_fingerprint(
    viewer_client, client, demo_project, owner
):
    """Not "Document 3fa9…": a fingerprint, named as such, the same on the page, the
    share page and the Markdown of the same version."""
    milestone = milestone_create(project=demo_project, user=owner, name="Design review 1")
    fingerprint = document_hash(milestone.document)[:12]
    page = viewer_client.get(url("milestone", demo_project, milestone.pk)).content.decode()
    assert f"Fingerprint <code>{fingerprint}</code>" in page and "Document " not in page
    markdown = viewer_client.get(url("milestone_markdown", demo_project, milestone.pk))
    assert f"fingerprint {fingerprint} " in markdown.content.decode()
    link, token = share_link_create(project=demo_project, user=owner, milestone=milestone)
    shared = client.get(reverse("share_page", args=[token])).content.decode()
    assert f"Fingerprint <code>{fingerprint}</code>" in shared


def test_another_projects_milestone_is_not_found(owner_client, demo_project, team, owner):
    other = plan_import(team=team, document=demo_document(), user=owner, name="Other")
    milestone = milestone_create(project=other, user=owner, name="Theirs")
    response = owner_client.get(url("milestone", demo_project, milestone.pk))
    assert response.status_code == 404


def test_outsider_gets_404_for_a_milestone(outsider_client, demo_project, owner):
    milestone = milestone_create(project=demo_project, user=owner, name="Design review 1")
    for name in ("milestone", "milestone_markdown", "milestone_json", "milestone_report"):
        assert outsider_client.get(url(name, demo_project, milestone.pk)).status_code == 404


# --- Share links ------------------------------------------------------------------------


def test_a_share_link_can_point_at_a_milestone(owner_client, client, demo_project, owner):
    milestone = milestone_create(project=demo_project, user=owner, name="Design review 1")
    response = owner_client.post(
        url("share_links", demo_project), {"label": "Review", "shows": str(milestone.pk)}
    )
    token = re.search(r'/s/([^/"]+)/', response.content.decode()).group(1)
    assert "Milestone “Design review 1”" in text(response)
    Boundary.objects.filter(project=demo_project, name="Chat core").update(name="Renamed later")
    page = text(client.get(reverse("share_page", args=[token])))
    assert "milestone “Design review 1”" in page
    assert "Renamed later" not in page
    markdown = client.get(reverse("share_markdown", args=[token])).content.decode()
    assert "Renamed later" not in markdown


def test_existing_and_new_live_links_follow_the_plan(owner_client, client, demo_project, owner):
    _, old_token = share_link_create(project=demo_project, user=owner, label="Old link")
    milestone_create(project=demo_project, user=owner, name="Design review 1")
    response = owner_client.post(url("share_links", demo_project), {"label": "Live", "shows": ""})
    new_token = re.search(r'/s/([^/"]+)/', response.content.decode()).group(1)
    Boundary.objects.filter(project=demo_project, name="Chat core").update(name="Renamed later")
    for token in (old_token, new_token):
        assert "Renamed later" in text(client.get(reverse("share_page", args=[token])))


def test_a_share_link_refuses_another_projects_milestone(owner_client, demo_project, team, owner):
    other = plan_import(team=team, document=demo_document(), user=owner, name="Other")
    theirs = milestone_create(project=other, user=owner, name="Theirs")
    response = owner_client.post(
        url("share_links", demo_project), {"label": "x", "shows": str(theirs.pk)}
    )
    assert "Select a valid choice" in text(response)
    assert not demo_project.share_links.exists()


def test_a_milestone_share_link_pdf_is_the_frozen_plan(
    client, demo_project, owner, settings, renderer
):
    settings.TASKS = IMMEDIATE
    milestone = milestone_create(project=demo_project, user=owner, name="Design review 1")
    _, token = share_link_create(project=demo_project, user=owner, milestone=milestone)
    Boundary.objects.filter(project=demo_project, name="Chat core").update(name="Renamed later")
    response = client.get(reverse("share_pdf", args=[token]))
    assert response["Content-Type"] == "application/pdf"
    (document,) = renderer.documents
    assert document == milestone.document
    assert renderer.extras[0]["milestone"]["name"] == "Design review 1"
    assert Report.objects.get().extras["reviews"] == []


def test_a_milestone_share_link_asks_for_the_milestone_pages_pdf(
    client, owner_client, demo_project, owner, settings
):
    settings.TASKS = DUMMY
    milestone_create(project=demo_project, user=owner, name="One")
    second = milestone_create(project=demo_project, user=owner, name="Two")
    _, token = share_link_create(project=demo_project, user=owner, milestone=second)
    client.get(reverse("share_pdf", args=[token]))
    owner_client.post(url("milestone_report", demo_project, second.pk))
    report = Report.objects.get()  # one report: the same PDF, with changes since "One"
    assert report.extras["changes"]["old"] == "One"


# --- The milestone's PDF ---------------------------------------------------------------


def test_milestone_pdf_goes_through_the_report_queue(viewer_client, demo_project, owner, settings):
    settings.TASKS = DUMMY
    first = milestone_create(project=demo_project, user=owner, name="One")
    Boundary.objects.filter(project=demo_project, name="Chat core").update(name="Core")
    second = milestone_create(project=demo_project, user=owner, name="Two")
    page = viewer_client.get(url("milestone_report", demo_project, second.pk))
    assert "Generate PDF" in text(page)
    response = viewer_client.post(url("milestone_report", demo_project, second.pk))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == "queued" and report.document == second.document
    assert report.extras["changes"]["old"] == "One"
    assert report.extras["reviews"] == []
    page = text(viewer_client.get(url("milestone_report", demo_project, second.pk)))
    assert "Generate PDF" not in page and "report-status" in page
    viewer_client.post(url("milestone_report", demo_project, second.pk))
    assert Report.objects.count() == 1  # the same PDF is not queued twice
    assert first.pk != second.pk


def test_a_live_plan_report_page_does_not_list_milestone_pdfs(
    owner_client, demo_project, owner, settings, renderer
):
    settings.TASKS = IMMEDIATE
    milestone = milestone_create(project=demo_project, user=owner, name="One")
    owner_client.post(url("milestone_report", demo_project, milestone.pk))
    Boundary.objects.filter(project=demo_project, name="Chat core").update(name="Core")
    page = text(owner_client.get(url("report", demo_project)))
    assert "Earlier versions of the plan" not in page


def test_the_milestone_pdf_prints_who_approved_what_and_the_changes(demo_project, owner, viewer):
    """A real WeasyPrint render of a milestone's report, read back as text."""
    first = milestone_create(project=demo_project, user=owner, name="One")
    Boundary.objects.filter(project=demo_project, name="Chat core").update(name="Core <b>x</b>")
    second = milestone_create(project=demo_project, user=owner, name="Two")
    review_request(milestone=second, reviewers=[viewer, owner], user=owner, url="/")
    review = second.reviews.get(reviewer=viewer)
    review_answer(review=review, approve=False, comment="Level 4 needs <i>sync</i>.", url="/")
    chosen = {str(first.pk): first, str(second.pk): second}
    document, extras = report_input(demo_project, str(second.pk), str(first.pk), chosen)
    text = squash(pdf_text(render_pdf(document, team_name="Acme", extras=extras)))
    for expected in (
        "Review of “Two”",
        "Vera",
        "Changes requested",
        "Level 4 needs <i>sync</i>.",
        "Alice",
        "Waiting for review",
        "Changes since One",
        "Core <b>x</b>",
        "renamed from “Chat core”",
    ):
        assert squash(expected) in text, expected
