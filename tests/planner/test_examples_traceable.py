"""The example plans a team can start from are fully traced: every operation serves a
journey step, every step is served, every decision was revealed by a row; and each one
still validates and round-trips through import and export exactly."""

import json

import pytest

from planner.catalogue_data import BY_SLUG
from planner.document import plan_document
from planner.importing import plan_import
from planner.traceability import plan_trace
from tests.planner.advisor_scenarios import EXAMPLES

SLUGS = sorted(path.stem for path in EXAMPLES.glob("*.json"))


def example(slug: str) -> dict:
    return json.loads((EXAMPLES / f"{slug}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("slug", SLUGS)
def test_an_example_has_no_orphans(slug):
    trace = plan_trace(example(slug), BY_SLUG, {})
    assert {kind: [n.name for n in nodes] for kind, nodes in trace.orphans.items() if nodes} == {}
    assert all(step.operations for step in trace.steps)


@pytest.mark.parametrize("slug", SLUGS)
def test_an_example_round_trips_exactly(slug, team, owner, catalogue):
    document = example(slug)
    project = plan_import(team=team, document=document, user=owner)
    assert plan_document(project) == document
