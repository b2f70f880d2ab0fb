"""The export_plan command and the JSON download."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from planner.document import plan_document
from planner.importing import plan_import
from tests.conftest import make_project
from tests.planner.document_helpers import demo


@pytest.fixture
def demo_project(team, owner, catalogue):
    return plan_import(team=team, document=demo(), user=owner)


def test_export_plan_json_to_stdout(demo_project, capsys):
    call_command("export_plan", str(demo_project.pk), "--format", "json")

    assert json.loads(capsys.readouterr().out) == demo()


def test_export_plan_json_to_a_file(demo_project, tmp_path):
    out = tmp_path / "plan.json"

    call_command("export_plan", str(demo_project.pk), "-o", str(out))

    assert json.loads(out.read_text(encoding="utf-8")) == plan_document(demo_project)


def test_export_plan_unknown_project(db):
    with pytest.raises(CommandError) as raised:
        call_command("export_plan", "424242")

    assert raised.value.returncode == 2


def test_export_plan_pdf_needs_a_file(project):
    with pytest.raises(CommandError) as raised:
        call_command("export_plan", str(project.pk), "--format", "pdf")

    assert raised.value.returncode == 2
    assert "-o FILE" in str(raised.value)


# --- project_export_json ------------------------------------------------------------


def export_url(project) -> str:
    return reverse("project_export_json", args=[project.pk])


def test_export_url():
    assert reverse("project_export_json", args=[7]) == "/projects/7/export.json"


@pytest.mark.parametrize("who", ["owner_client", "editor_client", "viewer_client"])
def test_members_download_the_document(request, demo_project, who):
    response = request.getfixturevalue(who).get(export_url(demo_project))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="pocket-chat-demo-plan.backplan.json"'
    )
    assert json.loads(response.content) == demo()


def test_filename_falls_back_when_the_name_has_no_letters(team, owner_client):
    project = make_project(team, name="???")

    response = owner_client.get(export_url(project))

    assert response["Content-Disposition"] == 'attachment; filename="plan.backplan.json"'


def test_outsider_gets_404(project, outsider_client):
    assert outsider_client.get(export_url(project)).status_code == 404


def test_anonymous_is_sent_to_log_in(project, client):
    response = client.get(export_url(project))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_post_is_not_allowed(project, owner_client):
    assert owner_client.post(export_url(project)).status_code == 405


def test_export_download_makes_few_queries(
    demo_project, owner_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        owner_client.get(export_url(demo_project))
