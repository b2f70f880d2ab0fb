"""A run of the advisor that starts from an earlier run (`run_rules(plan, previous)`)
finds exactly what a run from nothing finds, whatever changed in between: each rule
runs again when a part it read changed, also through a value worked out by another
rule (`Plan.services`, `failure_policies`), and is spared otherwise."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.advisor import advise, run_rules
from planner.advisor.plan import COMPARED, PARTS, Plan, compared_value
from planner.examples import example_document, example_list
from tests.planner.document_helpers import PATTERNS, TECHNIQUES
from tests.planner.strategies import plan_documents

# The document's keys, each holding one or more of the plan's parts.
DOCUMENT_KEYS = [
    "context",
    "levels",
    "journey_steps",
    "boundaries",
    "operations",
    "entities",
    "relationships",
    "decisions",
    "techniques",
    "custom_entries",
    "core_questions",
    "dismissed_findings",
]


def mixed(document: dict, other: dict, keys: list[str]) -> dict:
    return {**document, **{key: other.get(key) for key in keys}}


def assert_same_as_from_nothing(document: dict, previous) -> object:
    run = run_rules(document, previous)
    assert run.findings == advise(document)
    return run


EXAMPLES = [example_document(e.slug) for e in example_list()]


@pytest.mark.parametrize("key", DOCUMENT_KEYS)
def test_one_part_taken_from_another_plan(key):
    """Every example plan with one part of every other example's: each run starts from
    the previous one, so a rule spared once must still be right later."""
    previous = None
    for document in EXAMPLES:
        for other in EXAMPLES:
            previous = assert_same_as_from_nothing(mixed(document, other, [key]), previous)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=plan_documents(patterns=PATTERNS, techniques=TECHNIQUES),
    second=plan_documents(patterns=PATTERNS, techniques=TECHNIQUES),
    keys=st.lists(st.sampled_from(DOCUMENT_KEYS), max_size=3, unique=True),
)
def test_any_change_to_any_plan(first, second, keys):
    run = assert_same_as_from_nothing(first, None)
    run = assert_same_as_from_nothing(mixed(first, second, keys), run)
    assert_same_as_from_nothing(second, run)


def test_only_the_rules_reading_a_changed_part_run_again():
    document = example_document(example_list()[0].slug)
    run = run_rules(document)
    steps = document["journey_steps"]
    changed = {**document, "journey_steps": [{**steps[0], "data_needed": "x"}, *steps[1:]]}
    again = run_rules(changed, run)
    ran = {rid for rid, kept in again.rules.items() if kept is not run.rules[rid]}
    assert ran == {rid for rid, (reads, _) in run.rules.items() if "journey_steps" in reads}
    assert "GAP-EXTERNAL-NO-FAILURE" not in ran  # reads the services, which are unchanged
    assert 0 < len(ran) < len(run.rules)
    # Unchanged, nothing runs again: the same findings, the very same objects.
    same = run_rules(changed, again)
    assert all(same.rules[rid] is again.rules[rid] for rid in same.rules if rid in ran)
    assert same.findings == again.findings


def test_a_value_worked_out_once_counts_as_read_by_every_rule_that_uses_it():
    """`all_text` is worked out by the first rule that asks; a later rule that reads only
    it has still read the parts it came from."""
    plan = Plan.from_document(example_document(example_list()[0].slug))
    plan.reads = set()
    plan.all_text  # noqa: B018  (worked out here)
    first = set(plan.reads)
    plan.reads = set()
    plan.all_text  # noqa: B018  (kept)
    assert plan.reads == first >= {"levels", "boundaries", "decisions"}
    assert set(PARTS) >= first


def test_the_services_are_compared_between_runs():
    """A rule reading the external services reads `services` itself, worked out from the
    context and the journey steps: an edit of a step that leaves the services as they
    were runs none of those rules again; one that names another service runs them."""
    assert "services" in COMPARED
    document = example_document(example_list()[0].slug)
    plan = Plan.from_document(document)
    plan.reads = set()
    plan.services  # noqa: B018
    assert plan.reads == {"services"}
    assert compared_value(plan, "services")[1] == {"context", "journey_steps"}
    run = run_rules(document)
    readers = {  # the rules reading the services, not the steps themselves
        rid
        for rid, (reads, _) in run.rules.items()
        if "services" in reads and "journey_steps" not in reads
    }
    assert "GAP-EXTERNAL-NO-FAILURE" in readers
    steps = document["journey_steps"]
    edited = {**document, "journey_steps": [{**steps[0], "data_needed": "x"}, *steps[1:]]}
    again = assert_same_as_from_nothing(edited, run)
    assert all(again.rules[rid] is run.rules[rid] for rid in readers)
    named = {**steps[0], "external_services": "Zanzibar Maps"}
    other = assert_same_as_from_nothing({**edited, "journey_steps": [named, *steps[1:]]}, again)
    assert all(other.rules[rid] is not again.rules[rid] for rid in readers)


def test_a_service_named_in_a_journey_step_is_followed():
    """A journey step names a new external service: the rules about services (which read
    the steps only through `services` and `failure_policies`) say so at once."""
    document = example_document(example_list()[0].slug)
    run = run_rules(document)
    steps = document["journey_steps"]
    named = {**steps[0], "external_services": "Zanzibar Maps"}
    after = assert_same_as_from_nothing({**document, "journey_steps": [named, *steps[1:]]}, run)
    assert any("Zanzibar Maps" in f.message for f in after.findings)


def test_an_answer_leaves_the_relationships_failure_sentences_as_worked_out():
    """The relationships' failure sentences are worked out apart from the answers'
    (`relationship_failures`): an answer's edit carries them over from the last run, a
    relationship that now says how it fails works them out again, and every run finds
    what a run from nothing finds."""
    document = example_document("realtime-chat")
    key = "derived_relationship_failures"
    run = run_rules(document)
    assert key in run.worked
    levels = document["levels"]
    answered = {**levels["1"], "answers": {**levels["1"]["answers"], "data_when": "Nightly"}}
    edited = {**document, "levels": {**levels, "1": answered}}
    again = assert_same_as_from_nothing(edited, run)
    assert again.worked[key] is run.worked[key]
    relationships = document["relationships"]
    retried = {**relationships[0], "failure": "Retry with backoff, then queue it"}
    other = assert_same_as_from_nothing(
        {**edited, "relationships": [retried, *relationships[1:]]}, again
    )
    assert other.worked[key] is not again.worked[key]
    assert any("Retry with backoff" in ev["text"] for ev, _ in other.worked[key][0])
