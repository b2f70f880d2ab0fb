"""Decisions as MADR records: the rendering, the zip download and the command."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from planner.adr import adr_files
from planner.importing import plan_import
from planner.models import CatalogueEntry
from tests.conftest import make_project
from tests.planner.document_helpers import demo, minimal
from tests.planner.plans import fill_plan


def pattern(slug, name, category="Scaling", **text):
    fields = ["summary", "problems", "when_to_use", "when_not_to"]
    return {"slug": slug, "name": name, "category": category, "complexity": "low"} | {
        f: text.get(f, f"{name} {f.replace('_', ' ')}") for f in fields
    }


CATALOGUE = [
    pattern("background-jobs", "Background job processing"),
    pattern("caching", "Caching strategies"),
    pattern("microservices", "Microservices", "Architecture"),
]


def plan(**decision) -> dict:
    return minimal(
        "Chat",
        journey_steps=[{"name": "Send", "timing": "async", "updates": "none"}],
        decisions=[
            {
                "pattern": "background-jobs",
                "status": "adopt",
                "problem": "Slow",
                "rationale": "Queue it",
                "revealed_by": {"kind": "journey_step", "name": "Send"},
            }
            | decision,
            {"pattern": "microservices", "status": "reject", "revealed_by": None},
            {"pattern": "caching", "status": "defer"},
        ],
    )


def test_one_numbered_record_per_decision_and_an_index():
    files = dict(adr_files(plan(), CATALOGUE))
    assert list(files) == [
        "0001-use-background-job-processing.md",
        "0002-do-not-use-microservices.md",
        "0003-defer-caching-strategies.md",
        "README.md",
    ]
    assert (
        "| 0002 | [Do not use Microservices](0002-do-not-use-microservices.md) | rejected |"
        in files["README.md"]
    )


@pytest.mark.parametrize(("number", "status"), [(0, "accepted"), (1, "rejected"), (2, "proposed")])
def test_status_follows_the_decision(number, status):
    text = adr_files(plan(), CATALOGUE)[number][1]
    assert text.startswith(f"---\nstatus: {status}\n---\n")


def test_a_record_holds_the_problem_what_revealed_it_options_and_consequences():
    text = adr_files(plan(), CATALOGUE)[0][1]
    assert "## Context and Problem Statement\n\nSlow\n" in text
    assert "Revealed by the journey step “Send” (Level 1):" in text
    assert "* Timing: Can be async" in text  # the row's answers, labelled by the registry
    # The options: the pattern, the catalogue's alternatives (same category), no change.
    options = text.split("## Considered Options\n\n")[1].split("\n\n")[0]
    assert options.splitlines() == [
        "* Background job processing",
        "* Caching strategies",
        "* Keep the current design (no new pattern)",
    ]
    assert "Chosen option: “Background job processing”." in text
    assert "Rationale: Queue it" in text
    assert "* Good, because it answers: Background job processing problems" in text
    assert "* Bad, because of its cost: Background job processing when not to" in text
    rejected = adr_files(plan(), CATALOGUE)[1][1]
    assert "Microservices is rejected for this plan" in rejected
    assert "_No earlier answer of the plan is named as revealing it._" in rejected


def test_plan_text_cannot_break_the_structure():
    text = adr_files(
        plan(problem="# Heading\n---\n[x](javascript:alert(1)) <b>bold</b>", rationale="| a | b |"),
        CATALOGUE,
    )[0][1]
    assert "\n# Heading" not in text and "\n\\# Heading" in text
    assert "\n---\n" not in text.split("# Use")[1]  # only the front matter's fences
    assert "[x](javascript" not in text and "\\[x\\]" in text
    assert "<b>" not in text and "&lt;b&gt;" in text
    assert "Rationale: \\| a \\| b \\|" in text


# --- The download and the command ----------------------------------------------------------


@pytest.fixture
def chat(team, owner, catalogue):
    return plan_import(team=team, document=demo(), user=owner, name="Chat")


def test_viewers_download_the_records_as_a_zip(chat, viewer_client):
    response = viewer_client.get(reverse("project_adrs", args=[chat.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="chat-adr.zip"'
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len(names) == len(demo()["decisions"]) + 1
    assert names[0] == "chat-adr/0001-use-background-job-processing.md"
    assert names[-1] == "chat-adr/README.md"


def test_a_teams_own_pattern_is_cited_from_the_teams_catalogue(
    team, owner, catalogue, owner_client
):
    CatalogueEntry.objects.create(
        team=team,
        slug="cell-based",
        name="Cells",
        kind="pattern",
        category="Scaling",
        summary="Cells!",
    )
    project = plan_import(
        team=team, document=minimal(decisions=[{"pattern": "cell-based"}]), user=owner
    )
    archive = zipfile.ZipFile(
        io.BytesIO(owner_client.get(reverse("project_adrs", args=[project.pk])).content)
    )
    record = archive.read(archive.namelist()[0]).decode()
    assert (
        "# Use Cells" in record and "Cells\\!" in record and "* Background job processing" in record
    )


def test_export_plan_writes_the_records_to_a_directory(chat, tmp_path):
    out = io.StringIO()
    call_command(
        "export_plan", str(chat.pk), "--format", "adr", "-o", str(tmp_path / "adr"), stdout=out
    )
    written = sorted(p.name for p in (tmp_path / "adr").iterdir())
    assert written[0] == "0001-use-background-job-processing.md" and "README.md" in written
    assert "Wrote 8 decision records" in out.getvalue()


def test_export_plan_needs_a_directory_for_adrs(chat):
    with pytest.raises(Exception, match="pass -o DIR"):
        call_command("export_plan", str(chat.pk), "--format", "adr")


def test_the_download_reads_a_fixed_number_of_queries(
    team, owner, catalogue, owner_client, django_assert_num_queries
):
    for rows in (3, 40):
        project = fill_plan(make_project(team, name=f"Plan {rows}", created_by=owner), rows=rows)
        # the session with its user and their access, the plan in one statement, the team's
        # patterns
        with django_assert_num_queries(3):
            assert owner_client.get(reverse("project_adrs", args=[project.pk])).status_code == 200
