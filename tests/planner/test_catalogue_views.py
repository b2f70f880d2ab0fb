"""The catalogue pages: browse, search, filter, and a team's own entries."""

import pytest
from django.urls import reverse

from planner.models import CatalogueEntry, Decision
from tests.conftest import client_for, make_team, make_user

HTMX = {"HTTP_HX_REQUEST": "true"}
LIST = reverse("catalogue")


def own_entry(team, name="Our queue", **extra) -> CatalogueEntry:
    values = {
        "slug": name.lower().replace(" ", "-"),
        "kind": "pattern",
        "category": "Scaling",
        "summary": "A queue we run ourselves.",
        "problems": "Slow imports",
        **extra,
    }
    return CatalogueEntry.objects.create(team=team, name=name, **values)


def entry_data(**overrides) -> dict:
    return {
        "name": "Tenant sharding by region",
        "kind": "pattern",
        "category": "Scaling",
        "summary": "Put each region's tenants in their own database.",
        "problems": "Residency rules",
        "when_to_use": "",
        "when_not_to": "",
        "complexity": "high",
        "builtin_platforms": ["supabase"],
        **overrides,
    }


def names(response) -> list[str]:
    return [e.name for e in response.context["entries"]]


# --- List, search, filters --------------------------------------------------------------------


def test_list_shows_the_shared_catalogue_and_our_own_entries(catalogue, team, owner_client):
    own_entry(team)
    response = owner_client.get(LIST)
    assert response.status_code == 200
    assert len(response.context["entries"]) == catalogue + 1
    page = response.content.decode()
    assert "Circuit breakers" in page and "Our queue" in page
    assert "<html" in page


def test_list_requires_login(client, catalogue):
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_list_hides_other_teams_entries(catalogue, team, outsider_client):
    own_entry(team, name="Acme secret sauce")
    assert "Acme secret sauce" not in names(outsider_client.get(LIST))
    assert "Acme secret sauce" not in names(outsider_client.get(LIST, {"q": "secret"}))


def test_search_matches_name_summary_and_problems(catalogue, owner_client):
    assert "Circuit breakers" in names(owner_client.get(LIST, {"q": "circuit"}))
    assert "Idempotency keys" in names(owner_client.get(LIST, {"q": "double charges"}))
    assert "Query optimisation" in names(owner_client.get(LIST, {"q": "N+1"}))
    assert names(owner_client.get(LIST, {"q": "zzz-nothing"})) == []


@pytest.mark.parametrize(
    ("params", "included", "excluded"),
    [
        ({"kind": "technique"}, "Retry with exponential backoff", "Circuit breakers"),
        ({"category": "Resilience"}, "Circuit breakers", "Caching strategies"),
        ({"complexity": "high"}, "Microservices", "Rate limiting"),
        ({"platform": "convex"}, "Built-in real-time subscriptions", "Circuit breakers"),
        (
            {"platform": "firebase", "kind": "pattern"},
            "Offline sync with conflict resolution",
            "Encryption at rest and in transit",
        ),
    ],
)
def test_filters_narrow_the_list(catalogue, owner_client, params, included, excluded):
    found = names(owner_client.get(LIST, params))
    assert included in found and excluded not in found


def test_source_filter_shows_only_our_entries(catalogue, team, owner_client):
    own_entry(team)
    assert names(owner_client.get(LIST, {"source": "team"})) == ["Our queue"]
    assert "Our queue" not in names(owner_client.get(LIST, {"source": "shared"}))


def test_invalid_filter_values_are_ignored_not_errors(catalogue, owner_client):
    response = owner_client.get(LIST, {"kind": "bogus", "q": "circuit"})
    assert response.status_code == 200
    assert names(response) == ["Circuit breakers"]


def test_htmx_filter_returns_only_the_results_fragment(catalogue, owner_client):
    response = owner_client.get(LIST, {"q": "circuit"}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="catalogue-results"')
    assert "Circuit breakers" in page and "<html" not in page and "<form" not in page


def test_list_wrong_method(owner_client):
    assert owner_client.post(LIST).status_code == 405


def test_list_query_count_does_not_grow_with_entries(
    catalogue, team, owner_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8) as small:
        owner_client.get(LIST)
    for i in range(40):
        own_entry(team, name=f"Ours {i}", builtin_platforms=["convex"])
    with django_assert_max_num_queries(8) as large:
        response = owner_client.get(LIST, {"platform": "convex"})
    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(response.context["entries"]) > 40


# --- Detail -------------------------------------------------------------------------


def test_detail_shows_a_shared_entry(catalogue, viewer_client):
    entry = CatalogueEntry.objects.get(slug="circuit-breaker", team=None)
    response = viewer_client.get(reverse("catalogue_entry", args=[entry.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert entry.summary in page and "From the guide" in page and "Edit" not in page


def test_detail_of_our_entry_offers_edit_to_editors_only(team, editor_client, viewer_client):
    entry = own_entry(team, builtin_platforms=["convex"])
    url = reverse("catalogue_entry", args=[entry.pk])
    page = editor_client.get(url).content.decode()
    assert "Convex" in page and reverse("catalogue_entry_edit", args=[entry.pk]) in page
    assert (
        reverse("catalogue_entry_edit", args=[entry.pk])
        not in viewer_client.get(url).content.decode()
    )


def test_other_teams_entry_is_404(team, outsider_client):
    entry = own_entry(team)
    for name in ("catalogue_entry", "catalogue_entry_edit", "catalogue_entry_delete"):
        # Whatever the method: a 405 would tell an outsider that the entry exists.
        assert outsider_client.get(reverse(name, args=[entry.pk])).status_code == 404
        assert outsider_client.post(reverse(name, args=[entry.pk])).status_code == 404
    assert CatalogueEntry.objects.filter(pk=entry.pk).exists()


def test_missing_entry_is_404(db, owner_client):
    assert owner_client.get(reverse("catalogue_entry", args=[999999])).status_code == 404


def test_detail_wrong_method(catalogue, owner_client):
    entry = CatalogueEntry.objects.get(slug="caching", team=None)
    assert owner_client.post(reverse("catalogue_entry", args=[entry.pk])).status_code == 405


# --- Create -------------------------------------------------------------------------

CREATE = reverse("catalogue_entry_create")


def test_editor_creates_an_entry_with_a_generated_slug(team, owner, editor_client):
    response = editor_client.post(CREATE, entry_data())
    entry = CatalogueEntry.objects.get(team=team)
    assert response.status_code == 302 and response["Location"] == reverse(
        "catalogue_entry", args=[entry.pk]
    )
    assert entry.slug == "tenant-sharding-by-region"
    assert entry.builtin_platforms == ["supabase"] and not entry.from_guide


def test_create_form_renders_for_editors(team, editor_client):
    response = editor_client.get(CREATE)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_name"' in page and 'list="category-options"' in page


def test_slug_is_unique_per_team_and_never_shadows_a_shared_entry(catalogue, team, editor_client):
    editor_client.post(CREATE, entry_data(name="Caching"))
    # a second team entry whose name slugifies the same way
    editor_client.post(CREATE, entry_data(name="Caching!"))
    slugs = sorted(CatalogueEntry.objects.filter(team=team).values_list("slug", flat=True))
    assert slugs == ["caching-2", "caching-3"]


def test_same_slug_is_fine_in_another_team(team, editor_client, outsider):
    other = outsider.teams.get()
    own_entry(other, name="Tenant sharding by region", slug="tenant-sharding-by-region")
    editor_client.post(CREATE, entry_data())
    assert CatalogueEntry.objects.get(team=team).slug == "tenant-sharding-by-region"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"summary": ""}, "summary", "This field is required."),
        ({"kind": "nonsense"}, "kind", "Select a valid choice."),
        ({"builtin_platforms": ["mainframe"]}, "builtin_platforms", "Select a valid choice."),
        ({"name": "!!!"}, "name", "Use at least one letter or digit"),
        ({"name": "x" * 121}, "name", "at most 120 characters"),
    ],
)
def test_invalid_entry_shows_the_error_at_the_field(team, editor_client, overrides, field, message):
    response = editor_client.post(CREATE, entry_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert (
        f'id="error_1_id_{field}"' in response.content.decode()
        or "invalid-feedback" in response.content.decode()
    )
    assert not CatalogueEntry.objects.filter(team=team).exists()


def test_duplicate_name_in_the_team_is_refused(team, editor_client):
    own_entry(team, name="Tenant sharding by region")
    response = editor_client.post(CREATE, entry_data(name="tenant sharding BY region"))
    assert "already has an entry with this name" in response.context["form"].errors["name"][0]


def test_viewer_cannot_create(team, viewer_client):
    assert viewer_client.get(CREATE).status_code == 403
    assert viewer_client.post(CREATE, entry_data()).status_code == 403
    assert not CatalogueEntry.objects.filter(team=team).exists()


def test_viewer_sees_no_add_button(catalogue, team, viewer_client, editor_client):
    assert CREATE not in viewer_client.get(LIST).content.decode()
    assert CREATE in editor_client.get(LIST).content.decode()


def test_create_wrong_method(team, editor_client):
    assert editor_client.put(CREATE).status_code == 405


def test_entry_goes_to_the_current_team(team, editor, editor_client):
    from accounts.teams import SESSION_KEY

    second = make_team("Second", owner=editor)
    session = editor_client.session
    session[SESSION_KEY] = second.pk
    session.save()
    editor_client.post(CREATE, entry_data())
    assert CatalogueEntry.objects.get(name="Tenant sharding by region").team == second


# --- Edit -------------------------------------------------------------------------


def test_editor_edits_our_entry_and_the_slug_stays(team, editor_client):
    entry = own_entry(team, name="Our queue", slug="our-queue")
    url = reverse("catalogue_entry_edit", args=[entry.pk])
    assert editor_client.get(url).status_code == 200
    response = editor_client.post(url, entry_data(name="Our better queue"))
    entry.refresh_from_db()
    assert response.status_code == 302
    assert entry.name == "Our better queue" and entry.slug == "our-queue"


def test_edit_keeps_its_own_name_valid(team, editor_client):
    entry = own_entry(team, name="Tenant sharding by region")
    response = editor_client.post(
        reverse("catalogue_entry_edit", args=[entry.pk]), entry_data(summary="New words")
    )
    assert response.status_code == 302


def test_invalid_edit_shows_errors(team, editor_client):
    entry = own_entry(team)
    response = editor_client.post(
        reverse("catalogue_entry_edit", args=[entry.pk]), entry_data(category="")
    )
    assert response.status_code == 200 and "category" in response.context["form"].errors


def test_viewer_cannot_edit(team, viewer_client):
    entry = own_entry(team)
    url = reverse("catalogue_entry_edit", args=[entry.pk])
    assert viewer_client.get(url).status_code == 403
    assert viewer_client.post(url, entry_data(name="Hijacked")).status_code == 403
    entry.refresh_from_db()
    assert entry.name == "Our queue"


def test_shared_entries_are_not_editable_in_the_app(catalogue, owner_client):
    entry = CatalogueEntry.objects.get(slug="caching", team=None)
    assert owner_client.get(reverse("catalogue_entry_edit", args=[entry.pk])).status_code == 403
    assert owner_client.post(reverse("catalogue_entry_delete", args=[entry.pk])).status_code == 403


# --- Delete -------------------------------------------------------------------------


def test_editor_deletes_an_unused_entry(team, editor_client):
    entry = own_entry(team)
    url = reverse("catalogue_entry_delete", args=[entry.pk])
    assert "Delete entry" in editor_client.get(url).content.decode()
    response = editor_client.post(url)
    assert response.status_code == 302 and response["Location"] == LIST
    assert not CatalogueEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_an_entry_a_decision_uses_explains_instead_of_failing(
    team, project, editor_client
):
    entry = own_entry(team)
    Decision.objects.create(project=project, entry=entry, problem="Slow imports")
    url = reverse("catalogue_entry_delete", args=[entry.pk])
    page = editor_client.get(url).content.decode()
    assert "cannot be deleted while plans use it" in page and project.name in page
    response = editor_client.post(url)
    assert response.status_code == 409
    assert project.name in response.content.decode()
    assert CatalogueEntry.objects.filter(pk=entry.pk).exists()


def test_viewer_cannot_delete(team, viewer_client):
    entry = own_entry(team)
    assert viewer_client.post(reverse("catalogue_entry_delete", args=[entry.pk])).status_code == 403
    assert CatalogueEntry.objects.filter(pk=entry.pk).exists()


def test_delete_wrong_method(team, editor_client):
    entry = own_entry(team)
    assert editor_client.put(reverse("catalogue_entry_delete", args=[entry.pk])).status_code == 405


def test_member_of_the_entrys_team_can_open_it_from_another_current_team(team, editor):
    entry = own_entry(team)
    make_team("Side project", owner=editor)
    client = client_for(editor)
    assert client.get(reverse("catalogue_entry", args=[entry.pk])).status_code == 200


def test_user_without_a_team_sees_the_shared_catalogue(catalogue):
    client = client_for(make_user("lonely@example.com"))
    response = client.get(LIST)
    assert response.status_code == 200 and len(response.context["entries"]) == catalogue
    assert client.get(CREATE).status_code == 404
