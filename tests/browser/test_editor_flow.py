"""The guided editor in a real browser: a whole plan filled in level by level through
the HTMX forms, then two editors saving the same row at once.

Each step: the context form, at least one key question answered (answers save on
change), and a row added through the "Add …" form inside its <details>; Level 6
marks a technique in the checklist; the core questions get an answer. Every
result is checked in the database too. The second test opens the same row in two
browser contexts (two editors of one team): the later, stale save is refused with
the conflict message, nothing is overwritten, and saving again applies it.
"""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, Response, expect

from accounts.models import Role
from planner.models import (
    Boundary,
    CatalogueEntry,
    Context,
    CoreQuestion,
    Decision,
    Entity,
    JourneyStep,
    LevelAnswer,
    Operation,
    Relationship,
    TechniqueChoice,
)
from tests.browser.helpers import axe_check, goto
from tests.conftest import make_project, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# --- Helpers ----------------------------------------------------------------------------


def htmx_post(page: Page, path: str, action: Callable[[], None], status: int = 200) -> Response:
    """Do `action` and wait for the HTMX POST to `path` it sends; check its status."""
    with page.expect_response(
        lambda r: r.url.endswith(path) and r.request.method == "POST"
    ) as info:
        action()
    response = info.value
    assert response.status == status, f"POST {path}: {response.status}\n{response.text()[:1500]}"
    assert response.request.headers.get("hx-request") == "true", "sent without htmx"
    return response


def step(page: Page, live_server, project, name: str) -> None:
    goto(page, live_server.url + reverse("workspace_step", args=[project.pk, name]))


def answer(page: Page, project, level: int, key: str, text: str) -> None:
    """Type an answer and leave the box: the change event saves it."""
    box = page.locator(f"#id_{key}-value")
    box.fill(text)
    path = reverse("answer_save", args=[project.pk, level, key])
    htmx_post(page, path, lambda: box.press("Tab"))
    expect(page.locator(f"#q-{key}")).to_contain_text("Saved.")
    expect(page.locator(f"#id_{key}-value")).to_have_value(text)


def open_add_form(page: Page, kind: str, noun: str):
    section = page.locator(f"#rows-{kind}")
    section.locator("summary", has_text=f"Add {noun}").click()
    return section.locator(f"form[action$='/rows/{kind}/add/']")


def add_row(page: Page, project, kind: str, noun: str, fill: Callable, name: str) -> None:
    form = open_add_form(page, kind, noun)
    fill(form)
    path = reverse("row_add", args=[project.pk, kind])
    htmx_post(page, path, lambda: form.get_by_role("button", name=f"Add {noun}").click())
    expect(page.locator(f"#rows-{kind} article.row-card", has_text=name)).to_be_visible()


def session_cookie(user, live_server) -> dict:
    client = Client()
    client.force_login(user, backend="accounts.lean.UserBackend")
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}


# --- A whole plan, level by level -------------------------------------------------------


def test_a_whole_plan_filled_in_level_by_level(page, live_server, log_in, csp_errors, catalogue):
    owner = make_user("planner@example.com", name="Pat Planner")
    project = make_project(make_team("Acme", owner=owner), name="Chat backend", created_by=owner)
    log_in(owner)

    # Context
    step(page, live_server, project, "context")
    axe_check(page)
    page.fill("#id_product", "A chat app for small clinics, with an AI summary of threads.")
    page.select_option("#id_scale", "lt1k")
    page.select_option("#id_team_size", "2-5")
    page.select_option("#id_stage", "mvp")
    page.fill("#id_languages", "Python, TypeScript")
    page.select_option("#id_platform", "django")
    page.check("input[name=clients][value=web]")
    page.check("input[name=clients][value=mobile]")
    page.select_option("#id_realtime", "core")
    page.select_option("#id_offline", "none")
    page.select_option("#id_ai", "some")
    page.select_option("#id_sensitivity", "health")
    page.fill("#id_external_services", "OpenAI\nPostmark")
    htmx_post(
        page,
        reverse("context_save", args=[project.pk]),
        lambda: page.get_by_role("button", name="Save context").click(),
    )
    expect(page.locator("#context-form")).to_contain_text("Saved.")
    expect(page.locator("#plan-sidebar a[href$='/step/context/']")).to_contain_text("5/5")
    context = Context.objects.get(project=project)
    assert (context.scale, context.platform, context.sensitivity) == ("lt1k", "django", "health")
    assert context.clients == ["web", "mobile"]

    # Level 1: API requirements mapping
    step(page, live_server, project, "1")
    axe_check(page)
    answer(page, project, 1, "data_when", "The thread list on open; new messages as they come.")
    answer(page, project, 1, "realtime_vs_polling", "Real-time for messages, polling for lists.")

    def journey(form):
        form.get_by_label("Journey step").fill("Open a conversation")
        form.get_by_label("Data the frontend needs, and when").fill("Last 50 messages")
        form.locator("select[name$='-timing']").select_option("fast")
        form.locator("select[name$='-updates']").select_option("realtime")

    add_row(page, project, "journey_step", "journey step", journey, "Open a conversation")

    # Level 2: boundaries
    step(page, live_server, project, "2")
    answer(page, project, 2, "auth_separate", "No: the framework's auth is enough.")

    def boundary(form):
        form.locator("input[name$='-name']").fill("Core")
        form.locator("[name$='-responsibility']").fill("Conversations and messages")
        form.locator("select[name$='-reason']").select_option("core")

    add_row(page, project, "boundary", "boundary", boundary, "Core")

    # Level 3: operations
    step(page, live_server, project, "3")
    answer(page, project, 3, "responsibilities", "Sending, listing and summarising messages.")

    def operation(form):
        form.locator("input[name$='-name']").fill("sendMessage")
        form.locator("select[name$='-category']").select_option("immediate")
        form.locator("select[name$='-boundary']").select_option(label="Core")
        form.locator("[name$='-trigger']").fill("The user presses Send")

    add_row(page, project, "operation", "operation", operation, "sendMessage")

    # Level 4: entities and a relationship
    step(page, live_server, project, "4")
    answer(page, project, 4, "source_of_truth", "PostgreSQL tables; the app caches nothing.")
    for name in ("Conversation", "Message"):

        def entity(form, name=name):
            form.locator("input[name$='-name']").fill(name)
            form.locator("[name$='-source_of_truth']").fill(f"{name.lower()}s table")
            form.locator("select[name$='-boundary']").select_option(label="Core")

        add_row(page, project, "entity", "entity", entity, name)

    # Adding an entity swaps only the entity list: the relationship form's entity
    # choices are those of page load, so load the step again (reported to the lead).
    step(page, live_server, project, "4")

    def relationship(form):
        form.locator("select[name$='-source']").select_option(label="Conversation")
        form.locator("select[name$='-target']").select_option(label="Message")
        form.locator("select[name$='-cardinality']").select_option("1:N")
        form.locator("[name$='-sync']").fill("Written in one transaction")
        form.locator("[name$='-failure']").fill("The transaction rolls back")

    add_row(page, project, "relationship", "relationship", relationship, "Conversation")
    axe_check(page)

    # Level 5: a pattern decision
    step(page, live_server, project, "5")
    answer(page, project, 5, "problems_revealed", "AI summaries take seconds.")
    jobs = CatalogueEntry.objects.get(slug="background-jobs", team=None)

    def decision(form):
        form.locator("select[name$='-entry']").select_option(str(jobs.pk))
        form.locator("select[name$='-status']").select_option("adopt")
        form.locator("[name$='-problem']").fill("AI summaries are too slow to wait for")
        form.locator("[name$='-rationale']").fill("A queue keeps the request fast")
        form.locator("select[name$='-revealed_by']").select_option(label="sendMessage")

    add_row(page, project, "decision", "decision", decision, jobs.name)

    # Level 6: the techniques checklist
    step(page, live_server, project, "6")
    answer(page, project, 6, "notes", "Validation at the API edge; retries for OpenAI.")
    validation = CatalogueEntry.objects.get(slug="input-validation", team=None)
    card = page.locator(f"#technique-{validation.pk}")
    save_path = reverse("technique_save", args=[project.pk, validation.pk])
    # Each change saves: first the status, then the note (from the version just saved).
    htmx_post(page, save_path, lambda: card.locator("select").select_option("in_place"))
    expect(card.locator(".badge", has_text="Already in place")).to_be_visible()
    card.locator("textarea").fill("Django forms on every endpoint")
    htmx_post(page, save_path, lambda: card.locator("textarea").press("Tab"))
    expect(card).to_contain_text("Saved.")
    axe_check(page)

    # The core questions
    step(page, live_server, project, "core")
    form = page.locator("#core-security")
    form.locator("textarea").fill("Each clinic sees only its own conversations.")
    form.locator("input[type=checkbox][value='2']").check()
    form.locator("input[type=checkbox][value='6']").check()
    htmx_post(
        page,
        reverse("core_save", args=[project.pk, "security"]),
        lambda: form.get_by_role("button", name="Save answer").click(),
    )
    expect(page.locator("#core-security")).to_contain_text("Saved.")
    expect(page.locator("#plan-sidebar a[href$='/step/core/']")).to_contain_text("1/4")
    axe_check(page)

    # Everything is in the database, linked as entered.
    answers = {a.level: a.answers for a in LevelAnswer.objects.filter(project=project)}
    assert answers[1]["data_when"].startswith("The thread list")
    assert answers[1]["realtime_vs_polling"].startswith("Real-time")
    assert answers[2]["auth_separate"].startswith("No")
    assert answers[3]["responsibilities"].startswith("Sending")
    assert answers[4]["source_of_truth"].startswith("PostgreSQL")
    assert answers[5]["problems_revealed"] == "AI summaries take seconds."
    assert answers[6]["notes"].startswith("Validation")
    for number in range(1, 7):
        assert LevelAnswer.objects.get(project=project, level=number).status == "in_progress"
    journey_step = JourneyStep.objects.get(project=project)
    assert (journey_step.name, journey_step.timing, journey_step.updates) == (
        "Open a conversation",
        "fast",
        "realtime",
    )
    core = Boundary.objects.get(project=project)
    assert core.reason == "core"
    send = Operation.objects.get(project=project)
    assert (send.name, send.boundary, send.trigger) == (
        "sendMessage",
        core,
        "The user presses Send",
    )
    assert set(Entity.objects.filter(project=project).values_list("name", "boundary")) == {
        ("Conversation", core.pk),
        ("Message", core.pk),
    }
    link = Relationship.objects.get(project=project)
    assert (link.source.name, link.target.name, link.cardinality) == (
        "Conversation",
        "Message",
        "1:N",
    )
    decision_row = Decision.objects.get(project=project)
    assert (decision_row.entry, decision_row.status, decision_row.operation) == (
        jobs,
        "adopt",
        send,
    )
    choice = TechniqueChoice.objects.get(project=project, entry=validation)
    assert (choice.status, choice.notes) == ("in_place", "Django forms on every endpoint")
    security = CoreQuestion.objects.get(project=project, key="security")
    assert security.answer.startswith("Each clinic") and security.levels == [2, 6]
    assert csp_errors == []


# --- Two editors, one row -----------------------------------------------------------------


def test_two_editors_save_the_same_row_and_nothing_is_lost(
    page, browser, live_server, log_in, csp_errors
):
    alice = make_user("alice@example.com", name="Alice")
    bob = make_user("bob@example.com", name="Bob")
    team = make_team("Acme", owner=alice, **{Role.EDITOR: bob})
    project = make_project(team, name="Chat backend", created_by=alice)
    row = Boundary.objects.create(
        project=project, name="Core", responsibility="Everything", reason="core"
    )
    url = live_server.url + reverse("workspace_step", args=[project.pk, "2"])
    edit_path = reverse("row_edit", args=[project.pk, "boundary", row.pk])
    responsibility = f"#id_boundary-{row.pk}-responsibility"

    log_in(alice)
    goto(page, url)
    other_context = browser.new_context()
    other_context.add_cookies([session_cookie(bob, live_server)])
    other = other_context.new_page()
    other.set_default_timeout(10_000)
    try:
        goto(other, url)
        # Both open the same row for editing.
        for p in (page, other):
            with p.expect_response(lambda r: r.url.endswith(edit_path)):
                p.locator(f"#boundary-{row.pk}").get_by_role("link", name="Edit").click()
            expect(p.locator(responsibility)).to_be_visible()

        # Alice saves first; she also renames the boundary.
        page.fill(responsibility, "Conversations and messages")
        page.fill(f"#id_boundary-{row.pk}-name", "Chat core")
        htmx_post(
            page,
            edit_path,
            lambda: page.get_by_role("button", name="Save boundary").click(),
        )
        expect(page.locator(f"article#boundary-{row.pk}")).to_contain_text(
            "Conversations and messages"
        )

        # Bob's save is made from the old version and changes the same field: refused,
        # with Alice's words shown for that field only.
        other.fill(responsibility, "Messages only; billing moves out")
        htmx_post(
            other,
            edit_path,
            lambda: other.get_by_role("button", name="Save boundary").click(),
            status=409,
        )
        alert = other.locator(f"form#boundary-{row.pk} [role=alert]")
        expect(alert).to_contain_text("Someone else saved this")
        expect(alert).to_contain_text("Conversations and messages")
        expect(alert).not_to_contain_text("Chat core")
        expect(other.locator(responsibility)).to_have_value("Messages only; billing moves out")
        row.refresh_from_db()
        assert row.responsibility == "Conversations and messages" and row.version == 2
        axe_check(other)

        # Saving again applies Bob's words deliberately and keeps Alice's new name.
        htmx_post(
            other,
            edit_path,
            lambda: other.get_by_role("button", name="Save boundary").click(),
        )
        expect(other.locator(f"article#boundary-{row.pk}")).to_contain_text(
            "Messages only; billing moves out"
        )
        row.refresh_from_db()
        assert row.responsibility == "Messages only; billing moves out" and row.version == 3
        assert row.name == "Chat core" and row.reason == "core"
    finally:
        other_context.close()
    assert csp_errors == []


# --- Deleting a row -----------------------------------------------------------------------


def test_deleting_a_row_updates_the_section_count_in_place(page, live_server, log_in, csp_errors):
    alice = make_user("alice@example.com", name="Alice")
    project = make_project(make_team("Acme", owner=alice), name="Chat backend", created_by=alice)
    core, billing = (Boundary.objects.create(project=project, name=n) for n in ("Core", "Billing"))
    log_in(alice)
    step(page, live_server, project, "2")
    badge = page.locator("#rows-title-boundary .badge")
    expect(badge).to_have_text("2")
    page.once("dialog", lambda dialog: dialog.accept())
    htmx_post(
        page,
        reverse("row_delete", args=[project.pk, "boundary", core.pk]),
        lambda: page.locator(f"#boundary-{core.pk}").get_by_role("button", name="Delete").click(),
    )
    expect(badge).to_have_text("1")
    expect(page.locator(f"#boundary-{core.pk}")).to_have_count(0)
    expect(page.locator(f"#boundary-{billing.pk}")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    htmx_post(
        page,
        reverse("row_delete", args=[project.pk, "boundary", billing.pk]),
        lambda: (
            page.locator(f"#boundary-{billing.pk}").get_by_role("button", name="Delete").click()
        ),
    )
    expect(badge).to_have_text("0")
    expect(page.locator("#rows-boundary")).to_contain_text("No boundaries yet.")
    assert csp_errors == []


# --- Long names -----------------------------------------------------------------------------

LONG_NAME = "Payment" * 17 + "X"  # 120 characters, no break opportunity


@pytest.mark.parametrize("width", [390, 1280])
def test_a_long_unbroken_name_wraps_instead_of_widening_the_page(page, live_server, log_in, width):
    alice = make_user("alice@example.com", name="Alice")
    project = make_project(make_team("Acme", owner=alice), name=LONG_NAME, created_by=alice)
    Boundary.objects.create(project=project, name=LONG_NAME, responsibility=LONG_NAME)
    Entity.objects.create(project=project, name=LONG_NAME)  # no source of truth: a finding
    log_in(alice)
    page.set_viewport_size({"width": width, "height": 900})
    for path in [
        reverse("workspace_step", args=[project.pk, "2"]),
        reverse("workspace_step", args=[project.pk, "4"]),
        reverse("findings", args=[project.pk]),
        reverse("dashboard"),
    ]:
        goto(page, live_server.url + path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{path} is {scroll_width} px wide at {width} px"
