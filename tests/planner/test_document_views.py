"""The import page: who may import where, and every bad file refused at the field."""

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planner.models import Project
from tests.conftest import client_for, make_team
from tests.planner.document_helpers import demo, minimal, with_changes

URL = "/projects/import/"


def upload(content: bytes | str, name: str = "plan.json") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/json")


def post(client, team, content):
    return client.post(URL, {"team": team.pk, "document": upload(content)})


def document_errors(response) -> list[str]:
    return response.context["form"].errors.get("document", [])


def test_url():
    assert reverse("project_import") == URL


def test_form_offers_only_teams_where_you_edit(editor, editor_client, team):
    own = make_team("Bob's own", owner=editor)
    make_team("Bob reads here", viewer=editor)

    response = editor_client.get(URL)

    assert response.status_code == 200
    assert list(response.context["form"].fields["team"].queryset) == [team, own]
    assert b'for="id_document"' in response.content
    assert b'enctype="multipart/form-data"' in response.content


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def test_wrong_method(owner_client):
    assert owner_client.put(URL).status_code == 405


@pytest.mark.parametrize("who", ["owner_client", "editor_client"])
def test_import_redirects_to_the_new_workspace(request, team, catalogue, who):
    response = post(request.getfixturevalue(who), team, json.dumps(demo()))

    project = Project.objects.get(team=team)
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/"
    assert project.name == "Pocket Chat (demo plan)"


def test_success_message_names_the_project(owner_client, team):
    response = post(owner_client, team, json.dumps(minimal("Copied")))
    messages = [str(m) for m in response.wsgi_request._messages]

    assert messages == ["Imported the plan as “Copied”."]


def test_viewer_cannot_import_into_that_team(viewer_client, team):
    response = post(viewer_client, team, json.dumps(minimal()))

    assert response.status_code == 422
    assert "team" in response.context["form"].errors
    assert not Project.objects.exists()


def test_outsider_cannot_import_into_the_team(outsider_client, team):
    response = post(outsider_client, team, json.dumps(minimal()))

    assert response.status_code == 422
    assert "team" in response.context["form"].errors
    assert not Project.objects.filter(team=team).exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe\x00\x01", "The file is not UTF-8 text."),
        ("{ not json", "This is not valid JSON (line 1, column 3"),
        (json.dumps(with_changes(minimal(), schema_version=2)), "schema_version: Unsupported"),
        (json.dumps(minimal(extra=1)), "extra: Unknown key."),
        (
            json.dumps(minimal(operations=[{"name": "a", "category": "query", "boundary": "B"}])),
            "operations[0].boundary: No boundary is named “B”.",
        ),
        (
            json.dumps(minimal(entities=[{"name": "A"}, {"name": "A"}])),
            "entities[1]: The name “A” appears more than once.",
        ),
        (
            json.dumps(
                minimal(relationships=[{"source": "A", "target": "B", "cardinality": "1:1"}])
            ),
            "relationships[0].source: No entity is named “A”.",
        ),
    ],
)
def test_bad_files_are_refused_at_the_field(owner_client, team, content, expected):
    before = Project.objects.count()

    response = post(owner_client, team, content)

    assert response.status_code == 422
    assert any(e.startswith(expected) for e in document_errors(response)), document_errors(response)
    assert expected.split(":")[0].encode() in response.content
    assert Project.objects.count() == before


def test_many_errors_are_capped(owner_client, team):
    document = minimal(boundaries=[{"name": f"B{i}", "x": 1} for i in range(80)])

    errors = document_errors(post(owner_client, team, json.dumps(document)))

    assert errors[0] == "The plan document cannot be imported:"
    assert errors[-1] == "… and 30 more."


def test_missing_file(owner_client, team):
    response = owner_client.post(URL, {"team": team.pk})

    assert response.status_code == 422
    assert document_errors(response)


def test_a_50_mb_file_is_refused_quickly(owner_client, team, tmp_path):
    path = tmp_path / "big.json"
    with path.open("wb") as big:
        big.write(b'{"schema": "backplan/plan", "pad": "')
        big.write(b"x" * (50 * 1024 * 1024))
        big.write(b'"}')

    with path.open("rb") as big:
        started = time.monotonic()
        response = owner_client.post(URL, {"team": team.pk, "document": big})
        elapsed = time.monotonic() - started

    assert response.status_code == 413
    assert document_errors(response)[0].startswith("The file is too large")
    assert elapsed < 10
    assert not Project.objects.exists()


def test_over_the_limit_is_refused_even_within_the_request_allowance(owner_client, team, settings):
    """A file only a little too large passes the request-length check; the upload
    handler stops reading it."""
    settings.PLAN_IMPORT_MAX_BYTES = 1000
    content = json.dumps(minimal(project={"name": "x", "description": "d" * 1500}))

    response = post(owner_client, team, content)

    assert response.status_code == 422
    assert document_errors(response) == [
        "The file is too large: a plan document may be at most 1000\xa0bytes."
    ]
    assert not Project.objects.exists()


def test_csrf_is_still_checked(owner, team):
    client = client_for(owner)
    client.handler.enforce_csrf_checks = True

    response = post(client, team, json.dumps(minimal()))

    assert response.status_code == 403
    assert not Project.objects.exists()


def deeply_nested(depth: int) -> str:
    """A plan document whose product is a list nested `depth` levels deep."""
    document = json.dumps(minimal(context={"product": "__deep__"}))
    return document.replace('"__deep__"', "[" * depth + "]" * depth)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "The document is nested too deeply"),
        (deeply_nested(500), "The document is nested too deeply"),
        ('{"schema_version": ' + "9" * 5000 + "}", "The document holds a number with too many"),
    ],
)
def test_hostile_json_is_refused_at_the_field_not_a_500(owner_client, team, content, expected):
    response = post(owner_client, team, content)

    assert response.status_code == 422
    assert any(e.startswith(expected) for e in document_errors(response)), document_errors(response)
    assert not Project.objects.filter(team=team).exists()
