"""The evaluation set's plans and the example plans are valid plan documents, and
every expectation names a rule and says why."""

import json

import pytest

from planner.advisor import RULES
from planner.document import validate_document
from tests.planner.advisor_scenarios import EXAMPLES, SCENARIOS, generated_plan, scenarios

# Rule ids the advisor rework adds (agreed between branches); the rest exist today.
AGREED_NEW_RULES = {
    "REC-ISOLATE-INTEGRATIONS",
    "REC-SEPARATE-REALTIME-BATCH",
    "RF-SLOW-CALL-IN-IMMEDIATE",
    "RF-CROSS-BOUNDARY-WRITE",
    "GAP-ENTITY-NO-CONCURRENCY",
    "REC-CIRCUIT-BREAKER",
    "REC-PAYMENT-SAFETY",
    "REC-ENCRYPT-PII",
    "RF-PATTERN-RULED-OUT",
    "REC-LIST-QUERIES",
    "REC-BATCH-OPERATIONS",
    "REC-OBSERVABILITY",
}
EXAMPLE_SLUGS = ["convex-productivity", "realtime-chat", "b2b-saas-django", "payments-marketplace"]


def test_the_set_covers_the_issue():
    slugs = {s.slug for s in scenarios()}
    assert len(slugs) >= 14
    assert set(EXAMPLE_SLUGS) <= slugs
    assert sorted(p.stem for p in EXAMPLES.glob("*.json")) == sorted(EXAMPLE_SLUGS)


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.slug)
def test_scenario_plan_is_a_valid_plan_document(scenario, catalogue):
    assert validate_document(scenario.document()) == []


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.slug)
def test_expectations_name_rules_and_give_reasons(scenario):
    expectations = {**scenario.must_fire, **scenario.must_not_fire}
    assert not set(scenario.must_fire) & set(scenario.must_not_fire)
    for expectation, reason in expectations.items():
        assert expectation.partition("@")[0] in set(RULES) | AGREED_NEW_RULES, expectation
        assert reason.strip(), expectation


def test_generated_plan_is_the_same_for_the_same_seed_and_about_its_size():
    plan = generated_plan(rows=1000, seed=2026)
    assert plan == generated_plan(rows=1000, seed=2026)
    assert plan != generated_plan(rows=1000, seed=7)
    lists = ["journey_steps", "boundaries", "operations", "entities", "relationships"]
    total = sum(len(plan[key]) for key in [*lists, "decisions", "techniques"])
    assert 990 <= total <= 1010


def test_examples_are_complete_plans():
    """What "start from an example" offers: every level answered or skipped with a
    reason, rows in every level it answers, decisions with rationale."""
    for slug in EXAMPLE_SLUGS:
        plan = json.loads((EXAMPLES / f"{slug}.json").read_text(encoding="utf-8"))
        for number, level in plan["levels"].items():
            assert level["status"] in ("complete", "skipped"), (slug, number)
            assert level["status"] != "skipped" or level["skip_reason"].strip()
        assert plan["journey_steps"] and plan["operations"] and plan["entities"], slug
        assert all(d["rationale"].strip() for d in plan["decisions"]), slug
        assert plan["techniques"] and all(q["answer"] for q in plan["core_questions"].values())
        assert not (SCENARIOS / f"{slug}.json").exists()  # referenced, never copied
