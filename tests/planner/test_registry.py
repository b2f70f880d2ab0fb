"""The registry is the one description of the plan: models, forms, the document schema
and import all follow it, so their limits and choices cannot drift apart."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from planner import forms as plan_forms
from planner import registry
from planner.document import PlanDocumentError, plan_document, validate_document
from planner.document_schema import document_schema
from planner.importing import plan_import
from planner.models import (
    ROW_MODELS,
    Boundary,
    Context,
    Entity,
    JourneyStep,
    LevelAnswer,
    Operation,
    Project,
)
from tests.planner.document_helpers import minimal

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize("kind", registry.ROW_KIND_LIST, ids=lambda k: k.key)
def test_models_store_what_the_registry_describes(kind):
    model = ROW_MODELS[kind.key]
    for spec in kind.fields:
        field = model._meta.get_field(spec.name)
        if spec.is_text:
            assert field.max_length == spec.limit, spec.name
        if spec.choices is not None:
            assert list(field.choices) == list(spec.choices.choices), spec.name
        if spec.type in ("text", "line", "choice", "flag") and spec.name != "name":
            assert field.verbose_name == spec.label, spec.name


def test_context_model_and_form_follow_the_registry(project):
    form = plan_forms.ContextForm(instance=Context(project=project), project=project)
    assert list(form.fields)[: len(registry.CONTEXT_FIELDS)] == [
        f.name for f in registry.CONTEXT_FIELDS
    ]
    for spec in registry.CONTEXT_FIELDS:
        assert form.fields[spec.name].label == spec.label
        assert form.fields[spec.name].help_text == spec.help
        if spec.is_text:
            assert Context._meta.get_field(spec.name).max_length == spec.limit


def test_the_schema_file_is_the_registry_written_out():
    call_command("plan_schema", "--check")


def test_schema_limits_are_the_registry_limits():
    schema = document_schema()["properties"]
    for kind in registry.ROW_KIND_LIST:
        properties = schema[kind.list_key]["items"]["properties"]
        for spec in kind.fields:
            if spec.is_text and spec.name != "name":
                assert properties[spec.doc_key]["maxLength"] == spec.limit, spec.name
    for level in schema["levels"]["properties"].values():
        for answer in level["properties"]["answers"]["properties"].values():
            assert answer["maxLength"] == registry.Limit.ANSWER
    assert plan_forms.AnswerForm.base_fields["value"].max_length == registry.Limit.ANSWER


def test_steps_and_level_constraint_come_from_the_levels():
    assert registry.STEPS == ["context", "1", "2", "3", "4", "5", "6", "core"]
    assert registry.REQUIRED_ROWS[4] == "entity" and registry.REQUIRED_ROWS[6] == "technique"


# --- One set of limits (issue 9, item 2) ---------------------------------------------


def test_the_longest_answer_the_editor_takes_survives_export_and_import(project, editor_client):
    text = "x" * registry.Limit.ANSWER
    url = reverse("answer_save", args=[project.pk, 1, "data_when"])
    data = {"data_when-value": text, "data_when-original": "", "data_when-version": 1}
    assert editor_client.post(url, data, **HTMX).status_code == 200
    document = plan_document(project)
    assert document["levels"]["1"]["answers"]["data_when"] == text
    assert validate_document(document) == []
    copy = plan_import(team=project.team, document=document, user=None)
    assert LevelAnswer.objects.get(project=copy, level=1).answers["data_when"] == text


def test_an_answer_over_the_limit_is_refused_at_the_field(project, editor_client):
    url = reverse("answer_save", args=[project.pk, 1, "data_when"])
    data = {
        "data_when-value": "x" * (registry.Limit.ANSWER + 1),
        "data_when-original": "",
        "data_when-version": 1,
    }
    response = editor_client.post(url, data, **HTMX)
    assert response.status_code == 422
    assert "at most 10000 characters" in response.content.decode()


def test_text_inputs_never_cut_a_paste_and_say_so_at_the_field(project, editor_client):
    """No `maxlength` for the browser to cut silently: the server answers at the field."""
    html = editor_client.get(reverse("workspace_step", args=[project.pk, "context"])).content
    assert b"maxlength" not in html
    assert b'data-limit="4000"' in html
    data = {f"add-journey_step-{k}": v for k, v in {"name": "Open", "timing": "fast"}.items()}
    data["add-journey_step-updates"] = "none"
    data["add-journey_step-data_needed"] = "y" * 4001
    url = reverse("row_add", args=[project.pk, "journey_step"])
    response = editor_client.post(url, data, **HTMX)
    assert response.status_code == 422
    assert "at most 4000 characters (it has 4001)" in response.content.decode()
    assert not JourneyStep.objects.filter(project=project).exists()


# --- Names unique whatever their case (issue 9, item 3) ---------------------------------


@pytest.mark.parametrize("model", [JourneyStep, Boundary, Operation, Entity])
def test_the_database_refuses_a_name_differing_only_by_case(project, model):
    extra = {"category": "query"} if model is Operation else {}
    model.objects.create(project=project, name="Users", **extra)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(project=project, name="USERS", **extra)


def test_project_names_are_unique_per_team_whatever_their_case(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(team=project.team, name=project.name.upper())


def test_import_refuses_names_differing_only_by_case(db):
    document = minimal(entities=[{"name": "Users"}, {"name": "users"}])
    errors = validate_document(document)
    assert errors == [
        (
            "entities[1]",
            "The name “users” differs from “Users” only by case; "
            "names are unique whatever their case.",
        )
    ]


def test_import_of_a_project_name_taken_in_another_case_gets_a_free_name(project):
    copy = plan_import(team=project.team, document=minimal(project.name.lower()), user=None)
    assert copy.name == f"{project.name.lower()} (2)"


def test_a_case_variant_added_at_the_same_moment_is_a_message_not_a_500(
    project, editor_client, monkeypatch
):
    """Two people adding "Users" and "users" at once: validation passes for both, the
    database refuses the second, and its author reads why."""
    monkeypatch.setattr(
        plan_forms.VersionedForm, "clean_name", lambda form: form.cleaned_data["name"]
    )
    Entity.objects.create(project=project, name="Users")
    url = reverse("row_add", args=[project.pk, "entity"])
    response = editor_client.post(url, {"add-entity-name": "users"}, **HTMX)
    assert response.status_code == 422
    assert "same name a moment ago" in response.content.decode()
    assert Entity.objects.filter(project=project).count() == 1


def test_import_with_case_variants_writes_nothing(project):
    document = minimal(journey_steps=[{"name": "Open"}, {"name": "OPEN"}])
    with pytest.raises(PlanDocumentError):
        plan_import(team=project.team, document=document, user=None)
    assert Project.objects.count() == 1
