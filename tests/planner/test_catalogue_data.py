"""The shared catalogue carries everything the guide names, and loads idempotently."""

import pytest
from django.core.management import call_command

from planner.catalogue import load_catalogue
from planner.catalogue_data import ENTRIES
from planner.models import CatalogueEntry, Platform

GUIDE_PATTERNS = {
    "event-driven": "Event-driven architecture",
    "cqrs": "CQRS (Command Query Responsibility Segregation)",
    "background-jobs": "Background job processing",
    "database-transactions": "Database transactions",
    "caching": "Caching strategies",
    "connection-pooling": "Connection pooling",
    "circuit-breaker": "Circuit breakers",
    "rate-limiting": "Rate limiting",
}
GUIDE_TECHNIQUES = {
    "query-optimization": "Query optimization (indexes, avoiding N+1 queries)",
    "batch-operations": "Batch operations",
    "lazy-loading": "Lazy loading",
    "input-validation": "Input validation and sanitization",
    "graceful-degradation": "Graceful degradation",
    "retry-backoff": "Retry logic with exponential backoff",
    "logging-monitoring": "Comprehensive logging and monitoring",
    "auth-middleware": "Authentication and authorization middleware",
    "encryption": "Data encryption (at rest and in transit)",
    "injection-xss-prevention": "SQL injection and XSS prevention",
    "api-rate-limiting": "API rate limiting and abuse prevention",
}
EXTRAS = [
    "idempotency-keys",
    "transactional-outbox",
    "optimistic-concurrency",
    "offline-sync",
    "read-replicas",
    "pubsub-fanout",
    "saga",
    "webhook-signatures",
    "cdn-edge-caching",
    "feature-flags",
    "microservices",
    "multi-region",
]


@pytest.mark.parametrize(("slug", "guide_name"), GUIDE_PATTERNS.items())
def test_catalogue_has_each_level_5_pattern_of_the_guide(catalogue, slug, guide_name):
    entry = CatalogueEntry.objects.get(team=None, slug=slug)
    assert entry.kind == "pattern" and entry.from_guide, guide_name


@pytest.mark.parametrize(("slug", "guide_name"), GUIDE_TECHNIQUES.items())
def test_catalogue_has_each_level_6_technique_of_the_guide(catalogue, slug, guide_name):
    entry = CatalogueEntry.objects.get(team=None, slug=slug)
    assert entry.kind == "technique" and entry.from_guide, guide_name


@pytest.mark.parametrize("slug", EXTRAS)
def test_catalogue_has_the_agreed_extras(catalogue, slug):
    assert not CatalogueEntry.objects.get(team=None, slug=slug).from_guide


def test_only_the_guide_entries_are_marked_from_guide(catalogue):
    from_guide = set(CatalogueEntry.objects.filter(from_guide=True).values_list("slug", flat=True))
    assert from_guide == set(GUIDE_PATTERNS) | set(GUIDE_TECHNIQUES)
    assert CatalogueEntry.objects.filter(from_guide=False).count() >= 10


def test_every_entry_is_complete_and_valid():
    platforms = set(Platform.values)
    slugs = [e["slug"] for e in ENTRIES]
    assert len(slugs) == len(set(slugs))
    for entry in ENTRIES:
        for field in ("name", "category", "summary", "problems", "when_to_use", "when_not_to"):
            assert entry[field].strip(), (entry["slug"], field)
        assert entry["complexity"] in {"low", "medium", "high"}
        assert set(entry["builtin_platforms"]) <= platforms, entry["slug"]
        assert len(entry["summary"]) <= 2000 and len(entry["name"]) <= 120


def test_bundled_platforms_provide_realtime_and_transactions():
    by_slug = {e["slug"]: e for e in ENTRIES}
    for slug in ("realtime-subscriptions", "database-transactions"):
        assert {"convex", "supabase", "firebase"} <= set(by_slug[slug]["builtin_platforms"])


def test_load_catalogue_is_idempotent_and_restores_edited_text(db):
    first = load_catalogue()
    CatalogueEntry.objects.filter(slug="caching").update(summary="changed by hand")
    assert load_catalogue() == first
    assert CatalogueEntry.objects.filter(team=None).count() == first == len(ENTRIES)
    assert CatalogueEntry.objects.get(slug="caching").summary != "changed by hand"


def test_load_catalogue_leaves_team_entries_alone(db):
    from tests.conftest import make_team

    team = make_team("Own")
    CatalogueEntry.objects.create(
        team=team, slug="caching", name="Our caching", kind="pattern", category="x", summary="ours"
    )
    load_catalogue()
    assert CatalogueEntry.objects.get(team=team, slug="caching").name == "Our caching"


def test_load_catalogue_command(db, capsys):
    call_command("load_catalogue")
    assert f"{len(ENTRIES)} shared entries" in capsys.readouterr().out
    assert CatalogueEntry.objects.count() == len(ENTRIES)


def test_loading_an_unchanged_catalogue_again_moves_no_team_version(db):
    from tests.conftest import make_team

    load_catalogue()
    team = make_team("Own")
    version = team.catalogue_version
    load_catalogue()
    team.refresh_from_db()
    assert team.catalogue_version == version
    CatalogueEntry.objects.filter(slug="caching").update(summary="changed by hand")
    load_catalogue()
    team.refresh_from_db()
    assert team.catalogue_version == version + 1
