"""Level 3 operations suggested from the Level 1 journey: the pure rules and the page."""

import pytest
from django.urls import reverse

from planner.importing import plan_import
from planner.models import JourneyStep, Operation
from planner.suggestions import step_suggestions, suggestion_find
from tests.conftest import make_project
from tests.planner.document_helpers import demo, minimal
from tests.planner.plans import fill_plan


def step(name, **fields):
    return {
        "name": name,
        "data_needed": "",
        "timing": "fast",
        "offline": False,
        "updates": "none",
        "external_services": "",
        **fields,
    }


def offered(document) -> dict[str, list[str]]:
    return {s["name"]: [x.category for x in found] for s, found in step_suggestions(document)}


def test_each_answer_of_a_step_asks_for_its_operation():
    document = minimal(
        journey_steps=[
            step("Browse the catalogue", data_needed="Products with prices"),
            step("Send a message", data_needed="The stored id", updates="realtime"),
            step("Get a summary", timing="async"),
            step("Pay for the order", external_services="Stripe"),
            step("Look around"),
        ]
    )
    assert offered(document) == {
        "Browse the catalogue": ["query"],
        "Send a message": ["immediate", "realtime"],  # live: the subscription brings the data
        "Get a summary": ["background"],
        "Pay for the order": ["immediate", "background"],
        "Look around": [],
    }


def test_a_suggestion_is_filled_in_from_its_step():
    document = minimal(
        journey_steps=[
            step("Send a message", offline=True, external_services="Expo push"),
        ],
        entities=[{"name": "Message"}, {"name": "Conversation"}, {"name": "Invoice"}],
        operations=[{"name": "Send a message: save changes", "category": "query"}],
    )
    immediate, background = step_suggestions(document)[0][1]
    # The name is free in the plan (whatever its case), so adding it cannot clash.
    assert immediate.name == "Send a message: save changes (2)"
    assert (
        immediate.trigger == "The user acts in “Send a message”; replayed from the offline outbox"
    )
    assert immediate.latency == "interactive"
    assert immediate.entities == ("Message",)  # named by the step's words
    assert background.trigger == "Scheduled from “Send a message” to call Expo push"
    assert background.reason == "It calls Expo push: keep that out of the request."


def test_a_taken_suggestion_is_recognised_by_its_step_and_category_not_its_name():
    steps = [step("Browse", data_needed="Products", external_services="Search API")]
    taken = minimal(
        journey_steps=steps,
        operations=[{"name": "whatever", "category": "query", "journey_steps": ["Browse"]}],
    )
    assert offered(taken) == {"Browse": ["background"]}
    # Another category serving the step, or the category serving another step, is not it.
    untaken = minimal(
        journey_steps=steps,
        operations=[{"name": "Browse: load data", "category": "realtime", "journey_steps": []}],
    )
    assert offered(untaken) == {"Browse": ["query", "background"]}


def test_long_step_names_give_names_within_the_limit():
    document = minimal(journey_steps=[step("Send " + "x" * 115)])
    (suggestion,) = step_suggestions(document)[0][1]
    assert len(suggestion.name) == 120 and suggestion.name.endswith(": save changes")


def test_suggestion_find_answers_only_what_is_still_offered():
    document = minimal(journey_steps=[step("Browse", data_needed="Products")])
    assert suggestion_find(document, "Browse", "query").name == "Browse: load data"
    assert suggestion_find(document, "Browse", "immediate") is None
    assert suggestion_find(document, "Nowhere", "query") is None


# --- The page ---------------------------------------------------------------------------


@pytest.fixture
def chat(team, owner, catalogue):
    return plan_import(team=team, document=demo(), user=owner, name="Chat")


def add(client, project, step_name, category, **headers):
    url = reverse("suggestion_add", args=[project.pk])
    return client.post(url, {"step": step_name, "category": category}, **headers)


def test_the_page_lists_what_the_demo_plan_still_lacks(chat, viewer_client):
    response = viewer_client.get(reverse("suggestions", args=[chat.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sign in: load data" in body  # no operation serves "Sign in"
    assert "Send a message: save changes" not in body  # sendMessage serves it
    assert reverse("suggestion_add", args=[chat.pk]) not in body  # viewers read only


def test_one_click_adds_the_operation_serving_its_step(chat, editor_client):
    response = add(editor_client, chat, "Sign in", "query", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    operation = Operation.objects.get(project=chat, name="Sign in: load data")
    assert operation.category == "query" and operation.latency == "interactive"
    assert [s.name for s in operation.journey_steps.all()] == ["Sign in"]
    body = response.content.decode()
    assert 'id="suggestion-list"' in body and "<html" not in body  # the list alone
    assert f"?all=operation#operation-{operation.pk}" in body  # edit it on Level 3
    assert "Sign in: load data</strong>" not in body  # no longer offered


def test_without_javascript_adding_redirects_back_with_a_message(chat, editor_client):
    response = add(editor_client, chat, "Sign in", "query")
    assert response.status_code == 302
    assert response["Location"] == reverse("suggestions", args=[chat.pk])
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Added “Sign in: load data”."]


def test_a_taken_or_unknown_suggestion_is_refused_with_a_message(chat, editor_client):
    assert add(editor_client, chat, "Sign in", "query").status_code == 302
    again = add(editor_client, chat, "Sign in", "query", HTTP_HX_REQUEST="true")
    assert again.status_code == 409
    assert "no longer offered" in again.content.decode()
    assert Operation.objects.filter(project=chat, name__startswith="Sign in").count() == 1
    bad = add(editor_client, chat, "Sign in", "teleport")
    assert bad.status_code == 422 and "no longer offered" in bad.content.decode()


def test_viewer_cannot_add_a_suggestion(chat, viewer_client):
    assert add(viewer_client, chat, "Sign in", "query").status_code == 403
    assert not Operation.objects.filter(project=chat, name="Sign in: load data").exists()


def test_adding_refreshes_the_findings_and_logs_the_activity(chat, editor_client):
    add(editor_client, chat, "Sign in", "query")
    chat.refresh_from_db()
    assert chat.activities.first().summary == "added operation “Sign in: load data” (suggested)"
    assert "findings" in chat.summary


def test_the_page_reads_the_plan_in_a_fixed_number_of_queries(
    team, owner, catalogue, owner_client, django_assert_num_queries
):
    small = fill_plan(make_project(team, name="Small", created_by=owner), rows=3)
    large = fill_plan(make_project(team, name="Large", created_by=owner), rows=120)
    assert JourneyStep.objects.filter(project=large).count() == 120
    for project in (small, large):
        # the session with its user and their access, the whole plan in one statement
        with django_assert_num_queries(2):
            owner_client.get(reverse("suggestions", args=[project.pk]))


# --- The link itself, edited like any field -----------------------------------------------


def test_an_operations_form_links_it_to_the_plans_journey_steps(project, editor_client, outsider):
    step = JourneyStep.objects.create(project=project, name="Open chat")
    elsewhere = JourneyStep.objects.create(
        project=make_project(outsider.membership_set.get().team), name="Not ours"
    )
    url = reverse("row_add", args=[project.pk, "operation"])
    form = editor_client.get(url).content.decode()
    assert "Journey steps it serves" in form and "Open chat" in form and "Not ours" not in form
    data = {"add-operation-name": "openChat", "add-operation-category": "query"}
    refused = editor_client.post(url, data | {"add-operation-journey_steps": [elsewhere.pk]})
    assert (
        refused.status_code == 422
        and "Choose journey steps of this plan" in refused.content.decode()
    )
    editor_client.post(url, data | {"add-operation-journey_steps": [step.pk]})
    operation = Operation.objects.get(project=project)
    assert list(operation.journey_steps.all()) == [step]
    level3 = editor_client.get(reverse("workspace_step", args=[project.pk, "3"])).content.decode()
    assert "Journey steps it serves" in level3  # on the operation's card
