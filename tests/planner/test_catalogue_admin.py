"""Staff curate the shared catalogue in the admin; every planner model is registered."""

from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from planner.models import CatalogueEntry
from tests.conftest import client_for, make_user


def staff_client(db):
    return client_for(make_user("staff@example.com", is_staff=True, is_superuser=True))


def test_every_planner_model_is_registered():
    missing = [
        m.__name__
        for m in apps.get_app_config("planner").get_models()
        if m not in admin.site._registry
    ]
    assert not missing


def test_staff_list_filter_and_search_the_catalogue(catalogue, db):
    client = staff_client(db)
    url = reverse("admin:planner_catalogueentry_changelist")
    assert client.get(url).status_code == 200
    response = client.get(url, {"kind__exact": "technique", "owner": "shared", "q": "retry"})
    assert response.status_code == 200
    assert [e.slug for e in response.context["cl"].result_list] == ["retry-backoff"]


def test_staff_edit_a_shared_entry(catalogue, db):
    client = staff_client(db)
    entry = CatalogueEntry.objects.get(slug="caching", team=None)
    url = reverse("admin:planner_catalogueentry_change", args=[entry.pk])
    assert client.get(url).status_code == 200
    data = {
        "name": entry.name,
        "slug": entry.slug,
        "team": "",
        "kind": entry.kind,
        "category": entry.category,
        "complexity": entry.complexity,
        "summary": "Sharper words.",
        "problems": entry.problems,
        "when_to_use": entry.when_to_use,
        "when_not_to": entry.when_not_to,
        "builtin_platforms": '["convex"]',
        "from_guide": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert CatalogueEntry.objects.get(pk=entry.pk).summary == "Sharper words."


def test_admin_pages_of_every_planner_model_load(db, project):
    client = staff_client(db)
    for model in apps.get_app_config("planner").get_models():
        url = reverse(f"admin:planner_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, model.__name__


def test_non_staff_cannot_reach_the_admin(catalogue, owner_client):
    response = owner_client.get(reverse("admin:planner_catalogueentry_changelist"))
    assert response.status_code == 302
