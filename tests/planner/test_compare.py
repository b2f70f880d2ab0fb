"""Compare two plans in the app, as Markdown and as the PDF's "Changes since …"."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from planner.importing import plan_import
from planner.milestones import CURRENT, milestone_create
from planner.models import Boundary, Entity, LevelAnswer, Report
from planner.pdf import report_html
from planner.services import plan_findings
from tests.planner.test_pdf import demo_document

pytestmark = pytest.mark.django_db
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def demo_project(team, owner, catalogue):
    return plan_import(team=team, document=demo_document(), user=owner)


@pytest.fixture
def changed(demo_project, owner, editor_client):
    """A milestone, then the plan changed through the app: a rename, an answer, a dismissal."""
    # The demo plan has acted on every finding; an entity without a concurrency strategy
    # gives it an open one to set aside.
    Entity.objects.create(project=demo_project, name="Draft", description="A draft.")
    demo_project.updated_at = timezone.now()  # a change made outside the app's views
    demo_project.save(update_fields=["updated_at"])
    milestone = milestone_create(project=demo_project, user=owner, name="Design review 1")
    boundary = Boundary.objects.get(project=demo_project, name="Chat core")
    editor_client.post(
        reverse("row_edit", args=[demo_project.pk, "boundary", boundary.pk]),
        {
            f"boundary-{boundary.pk}-name": "Messaging core",
            f"boundary-{boundary.pk}-responsibility": boundary.responsibility,
            f"boundary-{boundary.pk}-reason": boundary.reason,
            f"boundary-{boundary.pk}-version": boundary.version,
        },
    )
    level = LevelAnswer.objects.get(project=demo_project, level=1)
    old = level.answers["data_when"]
    editor_client.post(
        reverse("answer_save", args=[demo_project.pk, 1, "data_when"]),
        {
            "data_when-value": old.replace("newest 50", "newest 100 <script>x</script>"),
            "data_when-original": old,
            "data_when-version": level.version,
        },
    )
    finding = next(f for f in plan_findings(demo_project) if f.status == "open")
    editor_client.post(
        reverse("finding_dismiss", args=[demo_project.pk]),
        {"key": finding.key, "reason": "Agreed in review"},
    )
    return milestone, finding


def compare_url(name, project, old, new):
    return reverse(name, args=[project.pk]) + f"?old={old}&new={new}"


def test_compare_follows_a_rename_and_marks_words_escaped(viewer_client, demo_project, changed):
    milestone, finding = changed
    response = viewer_client.get(compare_url("compare", demo_project, milestone.pk, CURRENT))
    html = response.content.decode()
    page = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
    assert "Changes since Design review 1" in page
    assert re.search(r"Changed boundary Messaging core \(renamed from “Chat core”\)", page)
    assert "Removed boundary" not in page and "Added boundary" not in page
    assert "newest <del>50</del><ins>100 &lt;script&gt;x&lt;/script&gt;</ins> messages" in html
    assert "<script>x" not in html
    assert "<del>50</del>" in html
    assert "Finding set aside" in page and finding.message in page


def test_the_latest_milestone_against_the_current_plan_is_the_default(
    viewer_client, demo_project, changed
):
    page = viewer_client.get(reverse("compare", args=[demo_project.pk])).content.decode()
    assert "Changes since Design review 1" in page


def test_comparing_a_plan_with_itself_gets_a_message_at_the_field(
    viewer_client, demo_project, changed
):
    response = viewer_client.get(compare_url("compare", demo_project, CURRENT, CURRENT))
    assert "Choose two different plans." in response.content.decode()
    response = viewer_client.get(compare_url("compare", demo_project, "nonsense", CURRENT))
    assert "Select a valid choice" in response.content.decode()


def test_two_milestones_compare(viewer_client, demo_project, changed, owner):
    first, _ = changed
    second = milestone_create(project=demo_project, user=owner, name="Design review 2")
    response = viewer_client.get(compare_url("compare", demo_project, first.pk, second.pk))
    page = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))
    assert "From “Design review 1” to “Design review 2”" in page
    assert "renamed from “Chat core”" in page


def test_compare_as_markdown(viewer_client, demo_project, changed):
    milestone, _ = changed
    response = viewer_client.get(
        compare_url("compare_markdown", demo_project, milestone.pk, CURRENT)
    )
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/markdown")
    assert body.startswith("# Changes since Design review 1")
    assert "- Changed boundary **Messaging core** (renamed from **Chat core**)" in body
    assert "newest <del>50</del><ins>100 &lt;script&gt;x&lt;/script&gt;</ins> messages" in body
    assert "<script>" not in body


def test_compare_pdf_prints_changes_since_the_milestone(
    viewer_client, demo_project, changed, settings
):
    settings.TASKS = DUMMY
    milestone, _ = changed
    here = compare_url("compare_report", demo_project, milestone.pk, CURRENT)
    assert "Generate PDF" in viewer_client.get(here).content.decode()
    assert viewer_client.post(here).status_code == 302
    report = Report.objects.get()
    assert report.extras["changes"]["old"] == "Design review 1"
    html = report_html(report.document, extras=report.extras)
    assert "Changes since Design review 1" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert html.index('id="changes"') < html.index('id="context"')


def test_compare_with_a_bad_choice_goes_back_to_the_form(viewer_client, demo_project, changed):
    response = viewer_client.get(compare_url("compare_markdown", demo_project, CURRENT, CURRENT))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("compare", args=[demo_project.pk]))


def test_without_milestones_compare_says_what_to_do(viewer_client, demo_project):
    page = viewer_client.get(reverse("compare", args=[demo_project.pk])).content.decode()
    assert "Save a milestone first" in page
