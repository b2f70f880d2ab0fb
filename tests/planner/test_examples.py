"""Starting a project from an example plan or as a copy of a team's project."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

import planner
from planner.document import plan_document
from planner.examples import example_list
from planner.importing import plan_import
from planner.models import Operation, Project
from tests.conftest import client_for, make_team, make_user
from tests.planner.document_helpers import demo


def write_example(folder, slug: str, name: str, description: str = "", **changes) -> None:
    document = demo() | changes
    document["project"] = {"name": name, "description": description}
    (folder / f"{slug}.json").write_text(json.dumps(document), encoding="utf-8")


@pytest.fixture
def examples(settings, tmp_path):
    """Copies of the demo plan under other names, a broken file and an invalid plan."""
    settings.PLAN_EXAMPLES_DIR = tmp_path
    write_example(tmp_path, "realtime-chat", "Realtime chat", "Offline mobile chat with AI.")
    write_example(tmp_path, "b2b-saas", "B2B SaaS on Django", "Tenants and billing.")
    write_example(tmp_path, "zz-invalid", "Invalid plan", operations=[{"name": "x"}])
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    return tmp_path


def start(client, slug, **data):
    return client.post(reverse("example_start", args=[slug]), data)


def test_the_guides_examples_come_first_then_file_order_with_the_documents_titles(examples):
    assert [(e.slug, e.title, e.description) for e in example_list()] == [
        ("realtime-chat", "Realtime chat", "Offline mobile chat with AI."),
        ("b2b-saas", "B2B SaaS on Django", "Tenants and billing."),
        ("zz-invalid", "Invalid plan", ""),
    ]  # the unreadable file is left out


def test_the_shipped_examples_start_with_the_guides_two(settings):
    settings.PLAN_EXAMPLES_DIR = Path(planner.__file__).parent / "examples"
    slugs = [e.slug for e in example_list()]
    assert slugs[:2] == ["convex-productivity", "realtime-chat"]
    assert {"b2b-saas-django", "payments-marketplace"} <= set(slugs)


def test_no_examples_folder_means_no_examples(settings, tmp_path):
    settings.PLAN_EXAMPLES_DIR = tmp_path / "missing"
    assert example_list() == []


def test_a_new_users_empty_dashboard_offers_the_examples(examples, db, client):
    client.post(
        reverse("signup"),
        {
            "email": "new@example.com",
            "name": "New",
            "password1": "a-long-pass-9",
            "password2": "a-long-pass-9",
        },
    )
    body = client.get(reverse("dashboard")).content.decode()
    assert "No projects yet." in body
    assert "Realtime chat" in body and reverse("example_start", args=["realtime-chat"]) in body


def test_any_editor_starts_a_project_from_an_example(examples, catalogue, team, editor_client):
    response = start(editor_client, "realtime-chat", team=team.pk, name="Our chat")
    project = Project.objects.get(team=team, name="Our chat")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert Operation.objects.filter(project=project).count() == len(demo()["operations"])
    assert project.description == "Offline mobile chat with AI."


def test_the_form_offers_the_example_with_its_name(examples, catalogue, team, editor_client):
    response = editor_client.get(reverse("example_start", args=["b2b-saas"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Start from the example “B2B SaaS on Django”" in body
    assert 'value="B2B SaaS on Django"' in body and "6 journey steps" in body


def test_a_taken_name_is_refused_at_the_field_whatever_its_case(
    examples, catalogue, team, project, editor_client
):
    response = start(editor_client, "realtime-chat", team=team.pk, name=project.name.upper())
    assert response.status_code == 422
    assert "Acme already has a project named" in response.content.decode()
    assert Project.objects.filter(team=team).count() == 1


def test_an_invalid_example_is_refused_with_its_problems(examples, catalogue, team, editor_client):
    response = start(editor_client, "zz-invalid", team=team.pk, name="Broken")
    assert response.status_code == 422
    assert "operations[0].category: Required." in response.content.decode()
    assert not Project.objects.filter(name="Broken").exists()


def test_an_unknown_example_is_not_found(examples, editor_client):
    assert editor_client.get(reverse("example_start", args=["broken"])).status_code == 404
    assert editor_client.get(reverse("example_start", args=["nope"])).status_code == 404


def test_a_viewer_cannot_create_in_a_team_they_only_view(examples, catalogue, team, viewer_client):
    page = viewer_client.get(reverse("example_start", args=["realtime-chat"]))
    assert "You are a viewer in every team" in page.content.decode()
    response = start(viewer_client, "realtime-chat", team=team.pk, name="Sneaky")
    assert response.status_code == 422
    assert not Project.objects.filter(name="Sneaky").exists()


def test_anonymous_visitors_are_sent_to_log_in(examples, client):
    assert client.get(reverse("project_start")).status_code == 302
    assert start(client, "realtime-chat", name="x").status_code == 302


# --- Copies ---------------------------------------------------------------------------------


@pytest.fixture
def chat(team, owner, catalogue):
    return plan_import(team=team, document=demo(), user=owner, name="Chat")


def test_a_copy_is_the_same_plan_under_a_new_name(chat, team, editor_client):
    response = editor_client.post(
        reverse("project_copy", args=[chat.pk]), {"team": team.pk, "name": "Chat v2"}
    )
    copy = Project.objects.get(team=team, name="Chat v2")
    assert response.status_code == 302
    original, copied = plan_document(chat), plan_document(copy)
    assert copied | {"project": original["project"]} == original


def test_a_viewer_copies_into_another_team_where_they_are_editor(chat, viewer):
    other = make_team("Side project", editor=viewer)
    client = client_for(viewer)
    page = client.get(reverse("project_copy", args=[chat.pk]))
    assert 'value="Chat (copy)"' in page.content.decode()
    response = client.post(
        reverse("project_copy", args=[chat.pk]), {"team": other.pk, "name": "Chat"}
    )
    assert response.status_code == 302
    assert Project.objects.filter(team=other, name="Chat").exists()  # names are per team


def test_outsiders_cannot_copy(chat, outsider_client, outsider):
    team = outsider.membership_set.get().team
    response = outsider_client.post(
        reverse("project_copy", args=[chat.pk]), {"team": team.pk, "name": "Stolen"}
    )
    assert response.status_code == 404
    assert not Project.objects.filter(name="Stolen").exists()


def test_the_start_page_lists_examples_and_the_users_projects(examples, chat, viewer_client):
    make_team("Elsewhere", owner=make_user("x@example.com")).projects.create(name="Not mine")
    body = viewer_client.get(reverse("project_start")).content.decode()
    assert "Realtime chat" in body and reverse("project_copy", args=[chat.pk]) in body
    assert "Not mine" not in body
