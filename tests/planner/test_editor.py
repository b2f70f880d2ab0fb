"""The guided editor: context, answers, statuses, rows, checklist and core questions."""

import pytest
from django.urls import reverse

from planner import registry
from planner.models import (
    Boundary,
    Context,
    CoreQuestion,
    Entity,
    JourneyStep,
    LevelAnswer,
    Operation,
    Relationship,
)
from tests.conftest import make_project, make_team
from tests.planner.html_forms import form_fields, submit

HTMX = {"HTTP_HX_REQUEST": "true"}


def step_url(project, step):
    return reverse("workspace_step", args=[project.pk, step])


def context_data(version, **overrides):
    data = {
        "product": "Chat app",
        "scale": "lt1k",
        "team_size": "solo",
        "stage": "mvp",
        "languages": "TypeScript",
        "platform": "convex",
        "clients": ["mobile"],
        "realtime": "core",
        "offline": "core",
        "ai": "some",
        "sensitivity": "pii",
        "external_services": "OpenAI",
        "version": version,
    }
    data.update(overrides)
    return data


def test_workspace_redirects_to_the_context(project, owner_client):
    response = owner_client.get(reverse("workspace", args=[project.pk]))
    assert response.status_code == 302
    assert response["Location"] == step_url(project, "context")


def test_unknown_step_is_404(project, owner_client):
    assert owner_client.get(step_url(project, "7")).status_code == 404


def test_every_question_of_every_level_is_on_its_step(project, owner_client):
    from planner.levels import LEVELS

    for level in LEVELS:
        page = owner_client.get(step_url(project, level.step)).content.decode()
        for question in level.questions:
            assert question.label.replace("'", "&#x27;") in page
            assert f'name="{question.key}-value"' in page


def test_context_saves_with_htmx_and_refreshes_the_sidebar(project, editor_client):
    owner_client_page = editor_client.get(step_url(project, "context"))
    assert owner_client_page.status_code == 200
    response = editor_client.post(
        reverse("context_save", args=[project.pk]), context_data(1), **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="plan-sidebar"' in html and 'hx-swap-oob="true"' in html
    assert 'id="advisor"' in html
    context = Context.objects.get(project=project)
    assert context.scale == "lt1k" and context.clients == ["mobile"] and context.version == 2


def test_context_without_htmx_redirects_back(project, editor_client):
    editor_client.get(step_url(project, "context"))
    response = editor_client.post(reverse("context_save", args=[project.pk]), context_data(1))
    assert response.status_code == 302


def test_context_rejects_unknown_choice_at_the_field(project, editor_client):
    editor_client.get(step_url(project, "context"))
    response = editor_client.post(
        reverse("context_save", args=[project.pk]), context_data(1, scale="galactic"), **HTMX
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert Context.objects.get(project=project).scale == ""


def test_stale_context_save_is_refused_and_shows_the_newer_value(
    project, editor_client, owner_client
):
    editor_client.get(step_url(project, "context"))
    url = reverse("context_save", args=[project.pk])
    assert (
        owner_client.post(url, context_data(1, product="Owner's words"), **HTMX).status_code == 200
    )
    response = editor_client.post(url, context_data(1, product="Editor's words"), **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this" in html and "Owner&#x27;s words" in html
    assert Context.objects.get(project=project).product == "Owner's words"
    # Reapplying from the version the conflict showed goes through.
    assert (
        editor_client.post(url, context_data(2, product="Editor's words"), **HTMX).status_code
        == 200
    )
    assert Context.objects.get(project=project).product == "Editor's words"


def answer(client, project, key, value, original, version, level=1):
    url = reverse("answer_save", args=[project.pk, level, key])
    return client.post(
        url, {f"{key}-value": value, f"{key}-original": original, f"{key}-version": version}, **HTMX
    )


def test_answer_saves_and_starts_the_level(project, editor_client):
    editor_client.get(step_url(project, "1"))
    response = answer(editor_client, project, "data_when", "Messages on open", "", 1)
    assert response.status_code == 200
    level = LevelAnswer.objects.get(project=project, level=1)
    assert level.answers["data_when"] == "Messages on open"
    assert level.status == "in_progress"


def test_two_people_answering_different_questions_both_keep_their_words(
    project, editor_client, owner_client
):
    editor_client.get(step_url(project, "1"))
    assert answer(owner_client, project, "data_when", "Owner", "", 1).status_code == 200
    # The editor's page still holds version 1, but this question is as they found it.
    assert answer(editor_client, project, "fast_vs_async", "Editor", "", 1).status_code == 200
    answers = LevelAnswer.objects.get(project=project, level=1).answers
    assert answers == {"data_when": "Owner", "fast_vs_async": "Editor"}


def test_two_people_answering_the_same_question_is_a_conflict(project, editor_client, owner_client):
    editor_client.get(step_url(project, "1"))
    assert answer(owner_client, project, "data_when", "Owner", "", 1).status_code == 200
    response = answer(editor_client, project, "data_when", "Editor", "", 1)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this answer" in html and "Owner" in html and "Editor" in html
    assert LevelAnswer.objects.get(project=project, level=1).answers["data_when"] == "Owner"
    # Saving again from what they were shown replaces it deliberately.
    assert answer(editor_client, project, "data_when", "Editor", "Owner", 1).status_code == 200
    assert LevelAnswer.objects.get(project=project, level=1).answers["data_when"] == "Editor"


def test_a_key_questions_form_after_each_kind_of_save(project, editor_client, viewer_client):
    """The question's own fragment: "Saved." after a save; a refused answer keeps the
    words typed, escaped, with the message at the field; a viewer's form is disabled."""
    html = answer(editor_client, project, "data_when", "<b>Fast</b> & soon", "", 1).content
    html = html.decode()
    assert 'id="q-data_when"' in html and 'role="status">Saved.</span>' in html
    assert "&lt;b&gt;Fast&lt;/b&gt; &amp; soon</textarea>" in html
    too_long = "x" * (registry.Limit.ANSWER + 1)
    response = answer(editor_client, project, "data_when", too_long, "<b>Fast</b> & soon", 2)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'class="form-control is-invalid"' in html and 'class="invalid-feedback d-block"' in html
    assert f">{too_long}</textarea>" in html and "Saved." not in html
    page = viewer_client.get(step_url(project, "1")).content.decode()
    form = page[page.index('id="q-data_when"') :].split("</form>")[0]
    assert "<fieldset disabled>" in form and "&lt;b&gt;Fast&lt;/b&gt; &amp; soon" in form


def test_unknown_question_is_404(project, editor_client):
    assert answer(editor_client, project, "nope", "x", "", 1).status_code == 404


def test_answer_save_needs_post(project, editor_client):
    assert (
        editor_client.get(reverse("answer_save", args=[project.pk, 1, "data_when"])).status_code
        == 405
    )


def status(client, project, level, action, reason=""):
    url = reverse("level_status", args=[project.pk, level])
    return client.post(url, {"action": action, "skip_reason": reason, "version": 1}, **HTMX)


def test_level_one_can_never_be_skipped(project, editor_client):
    editor_client.get(step_url(project, "1"))
    response = status(editor_client, project, 1, "skip", "we know it")
    assert response.status_code == 422
    assert "can never be skipped" in response.content.decode()
    assert LevelAnswer.objects.get(project=project, level=1).status == "not_started"


def test_level_four_can_never_be_skipped_and_says_why_in_its_own_words(project, editor_client):
    editor_client.get(step_url(project, "4"))
    response = status(editor_client, project, 4, "skip", "simple")
    assert response.status_code == 422
    html = response.content.decode()
    assert "Level 4 can never be skipped" in html and "consistency problems" in html
    assert "everything else depends on" not in html  # that is Level 1's reason


def test_messages_use_an_before_a_vowel(project, editor_client):
    from planner.registry import with_article

    assert [with_article(n) for n in ["operation", "entity", "boundary", "user", "hour"]] == [
        "an operation",
        "an entity",
        "a boundary",
        "a user",
        "an hour",
    ]
    Entity.objects.create(project=project, name="Message")
    response = add_row(editor_client, project, "entity", name="message")
    assert "already has an entity named" in response.content.decode()
    html = editor_client.get(step_url(project, "3")).content.decode()
    assert "add an operation" in html and "a operation" not in html


def test_deleting_a_row_updates_its_section_count_out_of_band(project, editor_client):
    rows = [Boundary.objects.create(project=project, name=n) for n in ("Core", "Billing")]
    url = reverse("row_delete", args=[project.pk, "boundary", rows[0].pk])
    response = editor_client.post(url, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="rows-boundary"' in html and 'hx-swap-oob="true"' in html
    assert '<span class="badge text-bg-light border">1</span>' in html
    assert "Billing" in html and f'id="boundary-{rows[0].pk}"' not in html


def test_skipping_level_two_needs_a_reason(project, editor_client):
    editor_client.get(step_url(project, "2"))
    response = status(editor_client, project, 2, "skip", "  ")
    assert response.status_code == 422
    assert "Say why" in response.content.decode()
    assert status(editor_client, project, 2, "skip", "An MVP with one boundary").status_code == 200
    level = LevelAnswer.objects.get(project=project, level=2)
    assert (level.status, level.skip_reason) == ("skipped", "An MVP with one boundary")


def test_completing_a_level_lists_what_is_missing(project, editor_client):
    editor_client.get(step_url(project, "2"))
    response = status(editor_client, project, 2, "complete")
    assert response.status_code == 422
    html = response.content.decode()
    assert "at least one boundary" in html and "authentication be separate" in html
    assert LevelAnswer.objects.get(project=project, level=2).status == "not_started"


def test_a_level_with_its_answers_and_rows_can_be_completed(project, editor_client):
    editor_client.get(step_url(project, "2"))
    level = LevelAnswer.objects.get(project=project, level=2)
    level.answers = {
        q: "Yes"
        for q in ["auth_separate", "realtime_vs_batch", "external_isolated", "updated_together"]
    }
    level.save()
    Boundary.objects.create(project=project, name="Core")
    assert status(editor_client, project, 2, "complete").status_code == 200
    assert LevelAnswer.objects.get(project=project, level=2).status == "complete"


def add_row(client, project, kind, **fields):
    data = {f"add-{kind}-{name}": value for name, value in fields.items()}
    return client.post(reverse("row_add", args=[project.pk, kind]), data, **HTMX)


def test_rows_are_added_in_place_on_every_level(project, editor_client, catalogue):
    assert (
        add_row(
            editor_client,
            project,
            "journey_step",
            name="Open chat",
            timing="fast",
            updates="realtime",
        ).status_code
        == 200
    )
    assert (
        add_row(editor_client, project, "boundary", name="Core", reason="core").status_code == 200
    )
    assert (
        add_row(
            editor_client, project, "entity", name="Message", source_of_truth="messages table"
        ).status_code
        == 200
    )
    assert add_row(editor_client, project, "entity", name="Conversation").status_code == 200
    core = Boundary.objects.get(project=project)
    message = Entity.objects.get(project=project, name="Message")
    conversation = Entity.objects.get(project=project, name="Conversation")
    response = add_row(
        editor_client,
        project,
        "operation",
        name="sendMessage",
        category="immediate",
        boundary=core.pk,
        entities=[message.pk],
    )
    assert response.status_code == 200
    assert "sendMessage" in response.content.decode()
    assert list(Operation.objects.get(project=project).entities.all()) == [message]
    assert (
        add_row(
            editor_client,
            project,
            "relationship",
            source=conversation.pk,
            target=message.pk,
            cardinality="1:N",
        ).status_code
        == 200
    )
    from planner.models import CatalogueEntry

    pattern = CatalogueEntry.objects.get(slug="background-jobs", team=None)
    op = Operation.objects.get(project=project)
    response = add_row(
        editor_client,
        project,
        "decision",
        entry=pattern.pk,
        status="adopt",
        problem="Slow AI",
        revealed_by=f"operation:{op.pk}",
    )
    assert response.status_code == 200, response.content.decode()
    from planner.models import Decision

    assert Decision.objects.get(project=project).operation == op
    assert LevelAnswer.objects.get(project=project, level=3).status == "in_progress"


def test_empty_and_duplicate_names_are_refused_at_the_field(project, editor_client):
    Boundary.objects.create(project=project, name="Core")
    response = add_row(editor_client, project, "boundary", name="  ")
    assert response.status_code == 422
    assert "A name is required" in response.content.decode()
    response = add_row(editor_client, project, "boundary", name="core")
    assert response.status_code == 422
    assert "already has a boundary named" in response.content.decode()
    assert Boundary.objects.filter(project=project).count() == 1


def test_operation_cannot_point_at_another_projects_boundary(project, editor_client, outsider):
    other = make_project(make_team("Other", owner=outsider), name="Theirs")
    foreign = Boundary.objects.create(project=other, name="Theirs")
    response = add_row(
        editor_client, project, "operation", name="op", category="query", boundary=foreign.pk
    )
    assert response.status_code == 422
    assert "Choose one of this plan" in response.content.decode()
    assert not Operation.objects.filter(project=project).exists()


def test_relationship_to_a_deleted_entity_is_refused(project, editor_client):
    a = Entity.objects.create(project=project, name="A")
    b = Entity.objects.create(project=project, name="B")
    gone = b.pk
    b.delete()
    response = add_row(
        editor_client, project, "relationship", source=a.pk, target=gone, cardinality="1:N"
    )
    assert response.status_code == 422
    assert "not in this plan" in response.content.decode()


def test_deleting_a_boundary_in_use_explains_instead_of_losing_rows(project, editor_client):
    core = Boundary.objects.create(project=project, name="Core")
    Operation.objects.create(
        project=project, name="sendMessage", category="immediate", boundary=core
    )
    url = reverse("row_delete", args=[project.pk, "boundary", core.pk])
    response = editor_client.post(url, **HTMX)
    assert response.status_code == 409
    assert "still used by sendMessage" in response.content.decode()
    assert Boundary.objects.filter(pk=core.pk).exists()


def test_deleting_an_entity_with_relationships_is_refused(project, editor_client):
    a = Entity.objects.create(project=project, name="A")
    b = Entity.objects.create(project=project, name="B")
    Relationship.objects.create(project=project, source=a, target=b, cardinality="1:N")
    response = editor_client.post(reverse("row_delete", args=[project.pk, "entity", a.pk]))
    assert response.status_code == 302
    assert Entity.objects.filter(pk=a.pk).exists()


def test_row_edit_in_place_and_stale_edit_conflict(project, editor_client, owner_client):
    row = JourneyStep.objects.create(project=project, name="Open chat")
    url = reverse("row_edit", args=[project.pk, "journey_step", row.pk])
    form = editor_client.get(url, **HTMX)
    assert form.status_code == 200 and "Save journey step" in form.content.decode()
    prefix = f"journey_step-{row.pk}"
    data = {
        f"{prefix}-name": "Open a chat",
        f"{prefix}-timing": "fast",
        f"{prefix}-updates": "none",
        f"{prefix}-version": 1,
    }
    assert owner_client.post(url, data, **HTMX).status_code == 200
    data[f"{prefix}-name"] = "Open the chat"
    response = editor_client.post(url, data, **HTMX)
    assert response.status_code == 409
    assert "Open a chat" in response.content.decode()
    assert JourneyStep.objects.get(pk=row.pk).name == "Open a chat"


def test_row_edit_without_javascript_is_a_page(project, editor_client):
    row = Boundary.objects.create(project=project, name="Core")
    url = reverse("row_edit", args=[project.pk, "boundary", row.pk])
    assert "<html" in editor_client.get(url).content.decode()
    prefix = f"boundary-{row.pk}"
    response = editor_client.post(url, {f"{prefix}-name": "Chat", f"{prefix}-version": 1})
    assert response.status_code == 302
    assert Boundary.objects.get(pk=row.pk).name == "Chat"


def test_row_of_another_project_is_404(project, editor_client, outsider):
    other = make_project(make_team("Other", owner=outsider), name="Theirs")
    foreign = Boundary.objects.create(project=other, name="Theirs")
    assert (
        editor_client.get(
            reverse("row_edit", args=[project.pk, "boundary", foreign.pk])
        ).status_code
        == 404
    )
    assert (
        editor_client.post(
            reverse("row_delete", args=[project.pk, "boundary", foreign.pk])
        ).status_code
        == 404
    )
    assert Boundary.objects.filter(pk=foreign.pk).exists()


def test_unknown_row_kind_is_404(project, editor_client):
    assert add_row(editor_client, project, "spaceship", name="x").status_code == 404


def test_technique_checklist_marks_and_conflicts(project, editor_client, owner_client, catalogue):
    from planner.models import CatalogueEntry, TechniqueChoice

    page = editor_client.get(step_url(project, "6")).content.decode()
    entry = CatalogueEntry.objects.get(slug="input-validation", team=None)
    assert entry.name in page
    url = reverse("technique_save", args=[project.pk, entry.pk])
    data = {
        f"t{entry.pk}-status": "planned",
        f"t{entry.pk}-notes": "Schemas",
        f"t{entry.pk}-version": 0,
    }
    assert editor_client.post(url, data, **HTMX).status_code == 200
    assert TechniqueChoice.objects.get(project=project, entry=entry).notes == "Schemas"
    data[f"t{entry.pk}-notes"] = "Owner's note"
    assert owner_client.post(url, data, **HTMX).status_code == 409  # made from version 0, now 1
    assert TechniqueChoice.objects.get(project=project, entry=entry).notes == "Schemas"


def test_core_question_saves_answer_and_levels(project, editor_client):
    editor_client.get(step_url(project, "core"))
    url = reverse("core_save", args=[project.pk, "security"])
    response = editor_client.post(
        url,
        {"security-answer": "Row-level checks", "security-levels": [2, 6], "security-version": 1},
        **HTMX,
    )
    assert response.status_code == 200
    question = CoreQuestion.objects.get(project=project, key="security")
    assert question.answer == "Row-level checks" and question.levels == [2, 6]


def test_core_question_rejects_unknown_level(project, editor_client):
    editor_client.get(step_url(project, "core"))
    url = reverse("core_save", args=[project.pk, "security"])
    response = editor_client.post(
        url, {"security-answer": "x", "security-levels": [9], "security-version": 1}, **HTMX
    )
    assert response.status_code == 422


@pytest.mark.parametrize("step", ["context", "1", "2", "3", "4", "5", "6", "core"])
def test_viewer_sees_the_plan_read_only(step, project, viewer_client):
    html = viewer_client.get(step_url(project, step)).content.decode()
    assert "<fieldset disabled>" in html or "Add " not in html


def test_add_form_is_fetched_when_opened(project, editor_client):
    url = reverse("row_add", args=[project.pk, "operation"])
    fragment = editor_client.get(url, **HTMX)
    assert fragment.status_code == 200
    assert 'name="add-operation-name"' in fragment.content.decode()
    page = editor_client.get(url)  # without JavaScript: a page with the form
    assert "<html" in page.content.decode() and "Add operation" in page.content.decode()


def test_viewer_cannot_open_the_add_form(project, viewer_client):
    assert viewer_client.get(reverse("row_add", args=[project.pk, "boundary"])).status_code == 403


def test_long_lists_show_a_page_and_a_show_all_link(project, editor_client):
    JourneyStep.objects.bulk_create(
        [JourneyStep(project=project, name=f"Step {i}") for i in range(30)]
    )
    html = editor_client.get(step_url(project, "1")).content.decode()
    assert "Step 24" in html and "Step 25" not in html
    assert "Show all 30 journey steps (5 more)" in html
    html = editor_client.get(step_url(project, "1") + "?all=journey_step").content.decode()
    assert "Step 29" in html and "Show all" not in html


def test_a_name_taken_between_validation_and_save_is_a_field_error_not_a_500(
    project, editor_client, monkeypatch
):
    """Two people adding the same name at once: the second gets a message, not a 500."""
    from planner import forms as plan_forms

    monkeypatch.setattr(
        plan_forms.VersionedForm, "clean_name", lambda form: form.cleaned_data["name"]
    )
    Boundary.objects.create(project=project, name="Core")
    response = add_row(editor_client, project, "boundary", name="Core")
    assert response.status_code == 422
    assert "same name a moment ago" in response.content.decode()
    assert Boundary.objects.filter(project=project).count() == 1


NUL = "before\x00after"


@pytest.mark.parametrize(
    ("url_name", "args", "data"),
    [
        ("context_save", [], context_data(1, product=NUL)),
        ("answer_save", [1, "data_when"], {"data_when-value": NUL, "data_when-version": 1}),
        (
            "answer_save",
            [1, "data_when"],
            {"data_when-value": "x", "data_when-original": NUL, "data_when-version": 1},
        ),
        ("level_status", [2], {"action": "skip", "skip_reason": NUL, "version": 1}),
        ("level_status", [2], {"action": NUL, "version": 1}),
        ("row_add", ["boundary"], {"add-boundary-name": NUL}),
        ("row_add", ["boundary"], {"add-boundary-name": "B", "add-boundary-reason": NUL}),
        ("core_save", ["security"], {"security-answer": NUL, "security-version": 1}),
        ("core_save", ["security"], {"security-levels": [NUL], "security-version": 1}),
    ],
)
def test_a_nul_character_in_any_editor_input_is_refused_not_a_500(
    project, editor_client, url_name, args, data
):
    editor_client.get(step_url(project, "context"))
    response = editor_client.post(reverse(url_name, args=[project.pk, *args]), data, **HTMX)
    assert response.status_code == 422


# --- Two people saving one form: disjoint changes merge, only shared ones conflict ----
# A (the owner) and C (the editor) both open the same form; A saves first.


def opened(client, url, form_id, **get):
    """The form as the page (or fragment) gave it to the person."""
    return form_fields(client.get(url, **get).content.decode(), form_id)


def conflict_banner(response) -> str:
    html = response.content.decode()
    return html[html.index("Someone else saved this") : html.index("Save again to apply")]


def test_disjoint_context_changes_merge(project, owner_client, editor_client):
    Context.objects.create(project=project, **without_version(context_data(1)))
    a = opened(owner_client, step_url(project, "context"), "context-form")
    c = opened(editor_client, step_url(project, "context"), "context-form")
    url = reverse("context_save", args=[project.pk])
    assert owner_client.post(url, submit(a, languages="Go, SQL"), **HTMX).status_code == 200
    assert editor_client.post(url, submit(c, stage="production"), **HTMX).status_code == 200
    context = Context.objects.get(project=project)
    assert (context.languages, context.stage) == ("Go, SQL", "production")
    assert context.version == 3


def test_same_context_field_conflicts_alone_and_saving_again_keeps_the_others(
    project, owner_client, editor_client
):
    Context.objects.create(project=project, **without_version(context_data(1)))
    a = opened(owner_client, step_url(project, "context"), "context-form")
    c = opened(editor_client, step_url(project, "context"), "context-form")
    url = reverse("context_save", args=[project.pk])
    a_changes = {"languages": "Go", "stage": "scaling", "clients": ["web", "mobile"]}
    assert owner_client.post(url, submit(a, **a_changes), **HTMX).status_code == 200
    response = editor_client.post(url, submit(c, stage="production", product="Chat"), **HTMX)
    assert response.status_code == 409
    banner = conflict_banner(response)
    assert "<strong>Stage:</strong> Scaling up" in banner
    assert "Languages" not in banner and "Clients" not in banner and "product" not in banner
    context = Context.objects.get(project=project)
    assert (context.stage, context.languages, context.product) == ("scaling", "Go", "Chat app")
    # Saving again from the refused form applies C's values, and keeps A's other changes.
    again = form_fields(response.content.decode(), "context-form")
    assert editor_client.post(url, again, **HTMX).status_code == 200
    context = Context.objects.get(project=project)
    assert (context.stage, context.product) == ("production", "Chat")
    assert (context.languages, sorted(context.clients)) == ("Go", ["mobile", "web"])


def without_version(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "version"}


def test_disjoint_row_changes_merge_including_many_to_many(project, owner_client, editor_client):
    message = Entity.objects.create(project=project, name="Message")
    op = Operation.objects.create(project=project, name="sendMessage", category="immediate")
    url = reverse("row_edit", args=[project.pk, "operation", op.pk])
    form_id, prefix = f"operation-{op.pk}", f"operation-{op.pk}"
    a = opened(owner_client, url, form_id, **HTMX)
    c = opened(editor_client, url, form_id, **HTMX)
    a_data = submit(a, prefix=prefix, entities=[message.pk])
    assert owner_client.post(url, a_data, **HTMX).status_code == 200
    c_data = submit(c, prefix=prefix, latency="interactive")
    assert editor_client.post(url, c_data, **HTMX).status_code == 200
    op.refresh_from_db()
    assert op.latency == "interactive" and list(op.entities.all()) == [message]


def test_same_row_field_conflicts_alone_and_saving_again_keeps_the_others(
    project, owner_client, editor_client
):
    message = Entity.objects.create(project=project, name="Message")
    op = Operation.objects.create(project=project, name="sendMessage", category="immediate")
    url = reverse("row_edit", args=[project.pk, "operation", op.pk])
    form_id, prefix = f"operation-{op.pk}", f"operation-{op.pk}"
    a = opened(owner_client, url, form_id, **HTMX)
    c = opened(editor_client, url, form_id, **HTMX)
    a_data = submit(a, prefix=prefix, name="postMessage", trigger="Tap", entities=[message.pk])
    assert owner_client.post(url, a_data, **HTMX).status_code == 200
    response = editor_client.post(url, submit(c, prefix=prefix, name="sendChat"), **HTMX)
    assert response.status_code == 409
    banner = conflict_banner(response)
    assert "<strong>Name:</strong> postMessage" in banner
    assert "Trigger" not in banner and "Entities" not in banner
    assert Operation.objects.get(pk=op.pk).name == "postMessage"
    again = form_fields(response.content.decode(), form_id)
    assert editor_client.post(url, again, **HTMX).status_code == 200
    op.refresh_from_db()
    assert (op.name, op.trigger, list(op.entities.all())) == ("sendChat", "Tap", [message])


def test_technique_changes_merge_and_the_same_field_conflicts(
    project, owner_client, editor_client, catalogue
):
    from planner.models import CatalogueEntry, TechniqueChoice

    entry = CatalogueEntry.objects.get(slug="input-validation", team=None)
    TechniqueChoice.objects.create(project=project, entry=entry, status="planned", notes="Zod")
    url, form_id, prefix = (
        reverse("technique_save", args=[project.pk, entry.pk]),
        f"technique-{entry.pk}",
        f"t{entry.pk}",
    )
    a = opened(owner_client, step_url(project, "6"), form_id)
    c = opened(editor_client, step_url(project, "6"), form_id)
    assert (
        owner_client.post(url, submit(a, prefix=prefix, notes="Pydantic"), **HTMX).status_code
        == 200
    )
    assert (
        editor_client.post(url, submit(c, prefix=prefix, status="in_place"), **HTMX).status_code
        == 200
    )
    choice = TechniqueChoice.objects.get(project=project, entry=entry)
    assert (choice.status, choice.notes) == ("in_place", "Pydantic")
    # Both change the notes: that one field conflicts.
    a = opened(owner_client, step_url(project, "6"), form_id)
    c = opened(editor_client, step_url(project, "6"), form_id)
    assert owner_client.post(url, submit(a, prefix=prefix, notes="A's"), **HTMX).status_code == 200
    response = editor_client.post(url, submit(c, prefix=prefix, notes="C's"), **HTMX)
    assert response.status_code == 409
    banner = conflict_banner(response)
    assert "<strong>Notes:</strong> A&#x27;s" in banner and "Status" not in banner
    again = form_fields(response.content.decode(), form_id)
    assert editor_client.post(url, again, **HTMX).status_code == 200
    choice = TechniqueChoice.objects.get(project=project, entry=entry)
    assert (choice.status, choice.notes) == ("in_place", "C's")


def test_core_question_changes_merge_and_the_same_field_conflicts(
    project, owner_client, editor_client
):
    CoreQuestion.objects.create(project=project, key="security", answer="RLS", levels=[2])
    url, form_id, prefix = (
        reverse("core_save", args=[project.pk, "security"]),
        "core-security",
        "security",
    )
    a = opened(owner_client, step_url(project, "core"), form_id)
    c = opened(editor_client, step_url(project, "core"), form_id)
    assert (
        owner_client.post(url, submit(a, prefix=prefix, answer="Row checks"), **HTMX).status_code
        == 200
    )
    assert (
        editor_client.post(url, submit(c, prefix=prefix, levels=[2, 6]), **HTMX).status_code == 200
    )
    question = CoreQuestion.objects.get(project=project, key="security")
    assert (question.answer, question.levels) == ("Row checks", [2, 6])
    a = opened(owner_client, step_url(project, "core"), form_id)
    c = opened(editor_client, step_url(project, "core"), form_id)
    a_data = submit(a, prefix=prefix, answer="A's answer", levels=[6])
    assert owner_client.post(url, a_data, **HTMX).status_code == 200
    response = editor_client.post(url, submit(c, prefix=prefix, answer="C's answer"), **HTMX)
    assert response.status_code == 409
    banner = conflict_banner(response)
    assert "A&#x27;s answer" in banner and "levels" not in banner.lower()
    again = form_fields(response.content.decode(), form_id)
    assert editor_client.post(url, again, **HTMX).status_code == 200
    question = CoreQuestion.objects.get(project=project, key="security")
    assert (question.answer, question.levels) == ("C's answer", [6])


def test_editing_what_revealed_a_decision_is_saved(project, editor_client, catalogue):
    from planner.models import CatalogueEntry, Decision

    op = Operation.objects.create(project=project, name="send", category="immediate")
    pattern = CatalogueEntry.objects.get(slug="background-jobs", team=None)
    decision = Decision.objects.create(project=project, entry=pattern)
    url = reverse("row_edit", args=[project.pk, "decision", decision.pk])
    form_id = f"decision-{decision.pk}"
    loaded = opened(editor_client, url, form_id, **HTMX)
    data = submit(loaded, prefix=form_id, revealed_by=f"operation:{op.pk}")
    assert editor_client.post(url, data, **HTMX).status_code == 200
    decision.refresh_from_db()
    assert decision.operation == op


def test_a_refused_checklist_line_without_javascript_shows_its_message_on_the_page(
    project, editor_client, catalogue
):
    from planner.models import CatalogueEntry, TechniqueChoice

    entry = CatalogueEntry.objects.get(slug="input-validation", team=None)
    response = editor_client.post(
        reverse("technique_save", args=[project.pk, entry.pk]),
        {
            f"t{entry.pk}-status": "planned",
            f"t{entry.pk}-notes": "n" * 2001,
            f"t{entry.pk}-version": 0,
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Techniques checklist" in html  # the whole page
    line = html[html.index(f'id="technique-{entry.pk}"') :]
    assert "at most 2000 characters" in line[: line.index("</form>")]
    assert not TechniqueChoice.objects.filter(project=project).exists()
