"""Step pages from the cache: fresh per-response secrets, and every change on the next GET."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role, Team
from planner.models import CatalogueEntry, Dismissal, Entity, JourneyStep, LevelAnswer
from planner.services import plan_findings
from planner.workspace import ensure_plan_rows

HTMX = {"HTTP_HX_REQUEST": "true"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
NONCE = re.compile(r'nonce="([^"]+)"')


def step_url(project, step: str = "1", query: str = "") -> str:
    return reverse("workspace_step", args=[project.pk, step]) + query


def get(client, url: str) -> tuple[str, int]:
    """The page's HTML and the number of queries it ran."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def without_secrets(html: str) -> str:
    return NONCE.sub('nonce="-"', TOKEN.sub("token", html))


def tokens(html: str) -> set[str]:
    return {a or b for a, b in TOKEN.findall(html)}


def answer(client, project, value: str, level: int = 1, key: str = "data_when"):
    current = LevelAnswer.objects.filter(project=project, level=level).first()
    version, original = (current.version, current.answers.get(key, "")) if current else (1, "")
    data = {f"{key}-value": value, f"{key}-original": original, f"{key}-version": version}
    return client.post(reverse("answer_save", args=[project.pk, level, key]), data, **HTMX)


@pytest.mark.parametrize("step", ["context", "1", "4", "6", "core"])
def test_a_second_get_comes_from_the_cache_with_fresh_secrets(
    step, project, editor_client, catalogue
):
    first, uncached = get(editor_client, step_url(project, step))
    second, cached = get(editor_client, step_url(project, step))
    assert cached <= 1 < uncached  # the session with its user, their access and teams
    assert without_secrets(second) == without_secrets(first)
    assert tokens(second) and tokens(second).isdisjoint(tokens(first))
    assert set(NONCE.findall(second)).isdisjoint(NONCE.findall(first))


def test_the_csrf_token_of_a_cached_page_is_valid_for_a_save(project, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    get(client, step_url(project))
    html, queries = get(client, step_url(project))
    assert queries <= 2
    token = next(iter(tokens(html)))
    response = client.post(
        reverse("answer_save", args=[project.pk, 1, "data_when"]),
        {"data_when-value": "On open", "data_when-original": "", "data_when-version": 1},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert LevelAnswer.objects.get(project=project, level=1).answers["data_when"] == "On open"


def test_the_csp_nonce_of_a_cached_page_matches_its_header(project, viewer_client):
    viewer_client.get(step_url(project))
    response = viewer_client.get(step_url(project))
    nonces = set(NONCE.findall(response.content.decode()))
    assert len(nonces) == 1
    assert f"'nonce-{nonces.pop()}'" in response["Content-Security-Policy"]


def test_pages_are_private_to_the_browser(project, viewer_client):
    for _ in range(2):  # uncached, then cached
        response = viewer_client.get(step_url(project))
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache"}
        assert {"Cookie", "HX-Request"} <= set(re.split(r",\s*", response["Vary"]))


def test_another_users_row_shows_on_the_next_get(project, owner_client, editor_client):
    get(owner_client, step_url(project))
    editor_client.post(
        reverse("row_add", args=[project.pk, "journey_step"]),
        {
            "add-journey_step-name": "Open chat",
            "add-journey_step-timing": "fast",
            "add-journey_step-updates": "realtime",
        },
        **HTMX,
    )
    assert JourneyStep.objects.filter(project=project, name="Open chat").exists()
    html, _ = get(owner_client, step_url(project))
    assert "Open chat" in html


def test_another_users_answer_shows_on_the_next_get(project, owner_client, editor_client):
    get(owner_client, step_url(project))
    assert answer(editor_client, project, "Messages load on open").status_code == 200
    html, _ = get(owner_client, step_url(project))
    assert "Messages load on open" in html


def test_a_role_change_shows_on_the_next_get(project, team, editor, owner_client, editor_client):
    html, _ = get(editor_client, step_url(project))
    assert "Mark complete" in html and "<fieldset disabled>" not in html
    membership = Membership.objects.get(team=team, user=editor)
    owner_client.post(reverse("member_role", args=[team.pk, membership.pk]), {"role": Role.VIEWER})
    assert Membership.objects.get(pk=membership.pk).role == Role.VIEWER
    html, _ = get(editor_client, step_url(project))
    assert "Mark complete" not in html and "<fieldset disabled>" in html


def test_a_team_technique_shows_in_the_checklist_on_the_next_get(
    project, team, editor_client, catalogue
):
    get(editor_client, step_url(project, "6"))
    CatalogueEntry.objects.create(
        team=team, slug="our-retries", name="Our retry budget", kind="technique",
        category="Error handling", summary="How we retry.",
    )  # fmt: skip
    html, _ = get(editor_client, step_url(project, "6"))
    assert "Our retry budget" in html


def test_a_dismissal_and_its_restore_show_on_the_next_get(project, editor_client):
    ensure_plan_rows(project)
    Entity.objects.create(project=project, name="Invoice")
    key = next(f.key for f in plan_findings(project) if "Invoice" in f.subject)
    url = step_url(project, "4")
    dismiss = reverse("finding_dismiss", args=[project.pk])
    get(editor_client, url)
    html, queries = get(editor_client, url)
    assert "· dismissed" not in html and queries <= 2
    # follow: the findings page shows the flash message, so the step page has none.
    editor_client.post(dismiss, {"key": key, "reason": "From Stripe"}, follow=True)
    assert Dismissal.objects.filter(project=project, finding_key=key).exists()
    html, _ = get(editor_client, url)
    assert "· dismissed" in html
    editor_client.post(dismiss, {"key": key, "restore": "1"}, follow=True)
    assert not Dismissal.objects.exists()
    html, _ = get(editor_client, url)
    assert "· dismissed" not in html


def test_an_archive_renders_the_page_anew(project, owner_client):
    # The step page shows nothing of the archived state; the key moves all the same.
    get(owner_client, step_url(project))
    _, cached = get(owner_client, step_url(project))
    settings_url = reverse("project_settings", args=[project.pk])
    owner_client.post(settings_url, {"archive": "1"}, follow=True)  # the message: dashboard
    _, after_archive = get(owner_client, step_url(project))
    assert cached <= 2 < after_archive


def test_roles_never_see_each_others_page(project, editor_client, viewer_client):
    for step, query in [("1", ""), ("1", "?all=boundary"), ("context", "")]:
        url = step_url(project, step, query)
        for _ in range(2):
            editor_html, _ = get(editor_client, url)
            viewer_html, _ = get(viewer_client, url)
            assert "vera@example.com" in viewer_html and "vera@example.com" not in editor_html
            assert "bob@example.com" in editor_html and "bob@example.com" not in viewer_html
            assert "<fieldset disabled>" in viewer_html
            assert "<fieldset disabled>" not in editor_html


def test_show_all_is_its_own_page(project, editor_client):
    JourneyStep.objects.bulk_create(
        [JourneyStep(project=project, name=f"Step {i:02}") for i in range(30)]
    )
    short, _ = get(editor_client, step_url(project))
    full, _ = get(editor_client, step_url(project, query="?all=journey_step"))
    again, queries = get(editor_client, step_url(project, query="?all=journey_step"))
    assert "Step 29" not in short and "Step 29" in full and queries <= 2
    assert without_secrets(again) == without_secrets(full)


def test_a_flash_message_is_shown_once_and_never_cached(project, editor_client):
    get(editor_client, step_url(project))
    # Another team of the editor's: a message to show, and nothing on this page changed.
    editor_client.post(reverse("team_create"), {"name": "Side project"})
    with_message, queries = get(editor_client, step_url(project))
    assert "Team “Side project” created" in with_message and queries > 3
    assert "Side project</option>" in with_message  # the navigation is never cached either
    html, queries = get(editor_client, step_url(project))
    assert "created" not in html and queries <= 2
    assert "Side project</option>" in html


def test_htmx_requests_are_not_cached(project, editor_client):
    get(editor_client, step_url(project))
    with CaptureQueriesContext(connection) as captured:
        assert editor_client.get(step_url(project), **HTMX).status_code == 200
    assert len(captured) > 3


def test_the_navigation_follows_the_users_teams_address_and_current_team(
    project, team, editor, editor_client
):
    """The navigation bar has its own cache entry: a new team, a renamed team, a team
    switch and a changed address show on the next GET."""
    url = step_url(project)
    get(editor_client, url)
    html, _ = get(editor_client, url)
    assert "team-switcher" not in html  # one team: no switcher
    other = Team.objects.create(name="Second team")
    Membership.objects.create(team=other, user=editor, role=Role.OWNER)
    html, _ = get(editor_client, url)
    assert f'<option value="{other.pk}">Second team</option>' in html
    other.name = "Renamed team"
    other.save()
    html, _ = get(editor_client, url)
    assert "Renamed team" in html and "Second team" not in html
    editor_client.post(reverse("switch_team"), {"team": other.pk})
    html, _ = get(editor_client, url)
    assert f'<option value="{other.pk}" selected>Renamed team</option>' in html
    editor.email = "robert@example.com"
    editor.save()
    html, _ = get(editor_client, url)
    assert "robert@example.com" in html and "bob@example.com" not in html
    token = tokens(html)
    assert token and all(len(t) == 64 for t in token)  # filled in, never a placeholder


def test_the_findings_page_is_cached_and_follows_every_change(
    project, editor_client, viewer_client
):
    """The findings page comes from the cache too; a save, a dismissal and its restore,
    and a role each show on the next GET."""
    ensure_plan_rows(project)
    Entity.objects.create(project=project, name="Invoice")
    url = reverse("findings", args=[project.pk])
    get(editor_client, url)
    html, queries = get(editor_client, url)
    assert "Invoice" in html and queries <= 2
    key = next(f.key for f in plan_findings(project) if "Invoice" in f.subject)
    dismiss = reverse("finding_dismiss", args=[project.pk])
    editor_client.post(dismiss, {"key": key, "reason": "From Stripe"})
    html, _ = get(editor_client, url)
    assert "From Stripe" in html.split('id="dismissed"')[1]
    editor_client.post(dismiss, {"key": key, "restore": "1"})
    html, _ = get(editor_client, url)
    assert 'id="dismissed"' not in html
    # A viewer gets a page without the editor's buttons, never the editor's copy.
    assert "Dismiss…" in html
    assert "Dismiss…" not in get(viewer_client, url)[0]
    # A change to the plan shows at once.
    editor_client.post(
        reverse("row_add", args=[project.pk, "entity"]),
        {"add-entity-name": "Ledger", "add-entity-source_of_truth": "db"},
    )
    assert "Ledger" in get(editor_client, url)[0]
