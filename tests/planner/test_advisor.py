"""The advisor's rules, one behaviour per test, and the guide's example scenarios."""

import copy
from pathlib import Path

import pytest

from planner.advisor import (
    KINDS,
    RULES,
    SEVERITIES,
    STEPS,
    Finding,
    advise,
    by_kind,
    counts,
    for_step,
)


def doc(context: dict | None = None, levels: dict | None = None, **lists) -> dict:
    """A plan document: a small, unremarkable production plan unless told otherwise."""
    document = {
        "schema": "backplan/plan",
        "schema_version": 1,
        "project": {"name": "Test plan", "description": ""},
        "context": {
            "product": "Team task tracker",
            "scale": "lt10k",
            "team_size": "6-20",
            "languages": "Python",
            "platform": "django",
            "clients": ["web"],
            "realtime": "none",
            "offline": "none",
            "ai": "none",
            "external_services": "",
            "sensitivity": "pii",
            "stage": "production",
            **(context or {}),
        },
        "levels": {
            str(n): {"status": "in_progress", "skip_reason": "", "answers": {}} for n in range(1, 7)
        },
        "journey_steps": [],
        "boundaries": [],
        "operations": [],
        "entities": [],
        "relationships": [],
        "decisions": [],
        "techniques": [],
        "custom_entries": [],
        "core_questions": {
            key: {"answer": "Answered.", "levels": [4]}
            for key in ("data_integrity", "performance", "failure_isolation", "security")
        },
        "dismissed_findings": [],
    }
    for number, value in (levels or {}).items():
        document["levels"][str(number)].update(value)
    document.update(lists)
    return document


def ids(findings: list[Finding]) -> set[str]:
    """The rules that fire: open or dismissed findings, not those the plan addresses."""
    return {f.rule_id for f in findings if f.status != "addressed"}


def find(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule_id == rule_id and f.status != "addressed"]


def decision(
    pattern: str, status: str = "adopt", problem: str = "", rationale: str = "", revealed_by=None
) -> dict:
    return {
        "pattern": pattern,
        "status": status,
        "problem": problem,
        "rationale": rationale,
        "revealed_by": revealed_by,
    }


# --- The guide's example scenarios ------------------------------------------------------------

PERSONAL_APP = {
    "product": "Personal productivity app",
    "scale": "lt100",
    "team_size": "solo",
    "languages": "TypeScript",
    "platform": "convex",
    "realtime": "some",
    "sensitivity": "pii",
    "stage": "mvp",
}

CHAT_APP = {
    "product": "Real-time chat backend for an offline-capable mobile app with AI integration",
    "scale": "lt1k",
    "team_size": "solo",
    "languages": "TypeScript",
    "platform": "express",
    "clients": ["mobile"],
    "realtime": "core",
    "offline": "core",
    "ai": "core",
    "external_services": "OpenAI API\nExpo push notifications",
    "sensitivity": "pii",
    "stage": "mvp",
}

LARGE_SCALE = {
    "product": "Marketplace",
    "scale": "gt100k",
    "team_size": "20+",
    "platform": "spring",
    "clients": ["web", "mobile", "api"],
    "stage": "scaling",
    "sensitivity": "payments",
}

GUIDE_ELIMINATIONS = {
    "Microservices architectures": "ELIM-MICROSERVICES",
    "Complex distributed systems": "ELIM-DISTRIBUTED",
    "Advanced caching strategies": "ELIM-ADVANCED-CACHING",
    "Elaborate CI/CD pipelines": "ELIM-ELABORATE-CICD",
    "Multi-region deployment": "ELIM-MULTI-REGION",
    "Complex authentication systems": "ELIM-COMPLEX-AUTH",
}
GUIDE_NATURAL_CHOICES = {
    "Simple function-based API design": "REC-FUNCTION-API",
    "Built-in real-time features": "REC-BUILTIN-REALTIME",
    "Basic error handling": "REC-BASIC-ERRORS",
    "Single database with straightforward schema": "REC-SINGLE-DATABASE",
    "Standard authentication patterns": "REC-STANDARD-AUTH",
}


@pytest.mark.parametrize(("guide_text", "rule_id"), GUIDE_ELIMINATIONS.items())
def test_personal_productivity_app_eliminates_what_the_guide_lists(guide_text, rule_id):
    findings = find(advise(doc(PERSONAL_APP)), rule_id)
    assert findings, guide_text
    assert {f.kind for f in findings} == {"elimination"}
    assert {e["name"] for e in findings[0].evidence} >= {"scale", "team_size"}


@pytest.mark.parametrize(("guide_text", "rule_id"), GUIDE_NATURAL_CHOICES.items())
def test_personal_productivity_app_favours_what_the_guide_lists(guide_text, rule_id):
    findings = find(advise(doc(PERSONAL_APP)), rule_id)
    assert len(findings) == 1, guide_text
    assert findings[0].kind == "recommendation"


def test_builtin_realtime_names_the_platform():
    (finding,) = find(advise(doc(PERSONAL_APP)), "REC-BUILTIN-REALTIME")
    assert "Convex" in finding.message
    assert {
        "step": "context",
        "kind": "context",
        "name": "platform",
        "text": "Convex",
    } in finding.evidence


@pytest.mark.parametrize("rule_id", GUIDE_ELIMINATIONS.values())
def test_chat_example_filters_out_the_heavy_options(rule_id):
    assert rule_id in ids(advise(doc(CHAT_APP)))


@pytest.mark.parametrize(
    "rule_id", ["REC-BUILTIN-REALTIME", "REC-OFFLINE-SYNC", "REC-AI-BACKGROUND", "REC-FUNCTION-API"]
)
def test_chat_example_makes_the_fitting_options_natural(rule_id):
    assert rule_id in ids(advise(doc(CHAT_APP)))


def test_chat_example_on_express_gets_express_tools_and_is_never_told_to_change_platform():
    (finding,) = find(advise(doc(CHAT_APP)), "REC-BUILTIN-REALTIME")
    assert "Socket.IO" in finding.message
    assert not any(name in finding.message for name in ("Convex", "Supabase", "Firebase"))


def test_chat_example_asks_for_failure_handling_of_its_external_services():
    subjects = {f.subject for f in find(advise(doc(CHAT_APP)), "GAP-EXTERNAL-NO-FAILURE")}
    assert subjects == {"openai api", "expo push notifications"}


def test_chat_example_asks_for_realtime_and_offline_mechanisms():
    assert {"GAP-REALTIME-NO-MECHANISM", "GAP-OFFLINE-NO-SYNC"} <= ids(advise(doc(CHAT_APP)))


def test_large_scale_context_rules_nothing_out():
    found = ids(advise(doc(LARGE_SCALE)))
    assert not {rule_id for rule_id in found if rule_id.startswith("ELIM-")}


@pytest.mark.parametrize(
    "rule_id",
    ["REC-CACHING-AT-SCALE", "REC-READ-REPLICAS", "REC-RATE-LIMITING", "REC-SEPARATE-BOUNDARIES"],
)
def test_large_scale_context_makes_scale_patterns_reasonable(rule_id):
    assert rule_id in ids(advise(doc(LARGE_SCALE)))


def test_large_scale_context_gets_no_small_context_advice():
    found = ids(advise(doc(LARGE_SCALE)))
    assert not found & {"REC-FUNCTION-API", "REC-SINGLE-DATABASE", "REC-BASIC-ERRORS"}
    assert not found & {"SKIP-LEVEL-5", "SKIP-LEVEL-2"}


def test_large_scale_context_accepts_many_boundaries_and_replicas():
    boundaries = [{"name": f"B{i}", "responsibility": "", "reason": "scaling"} for i in range(8)]
    decisions = [decision("read-replicas", problem="Read load saturates the primary")]
    found = ids(advise(doc(LARGE_SCALE, boundaries=boundaries, decisions=decisions)))
    assert not found & {"RF-TOO-MANY-BOUNDARIES", "RF-SCALE-YEARS-AWAY", "RF-MICROSERVICES"}


def test_small_scale_does_not_recommend_scale_patterns():
    found = ids(advise(doc(PERSONAL_APP)))
    assert not found & {"REC-CACHING-AT-SCALE", "REC-READ-REPLICAS", "REC-SEPARATE-BOUNDARIES"}


def test_payments_data_gets_protection_advice_and_no_complex_auth_elimination():
    found = ids(advise(doc({**PERSONAL_APP, "sensitivity": "payments"})))
    assert "REC-PROTECT-SENSITIVE" in found
    assert "ELIM-COMPLEX-AUTH" not in found


def test_third_party_api_clients_get_rate_limiting_advice():
    (finding,) = find(advise(doc({"clients": ["api"]})), "REC-RATE-LIMITING")
    assert finding.evidence[-1]["name"] == "clients"


def test_self_hosted_database_at_thousands_of_users_gets_connection_pooling():
    assert "REC-CONNECTION-POOLING" in ids(advise(doc({"scale": "lt10k", "platform": "django"})))
    assert "REC-CONNECTION-POOLING" not in ids(
        advise(doc({"scale": "lt10k", "platform": "convex"}))
    )


# --- Red flags (the guide's "You're overengineering") ------------------------------------------


def test_red_flag_microservices_adopted_for_a_simple_application():
    document = doc(PERSONAL_APP, decisions=[decision("microservices", problem="Separate deploys")])
    (finding,) = find(advise(document), "RF-MICROSERVICES")
    assert finding.kind == "red_flag" and finding.severity == "high"
    assert {"decision", "context"} <= {e["kind"] for e in finding.evidence}


def test_red_flag_too_many_boundaries_for_a_solo_developer():
    boundaries = [{"name": n, "responsibility": "", "reason": "failure_isolation"} for n in "ABCD"]
    (finding,) = find(advise(doc(PERSONAL_APP, boundaries=boundaries)), "RF-TOO-MANY-BOUNDARIES")
    assert "4 boundaries" in finding.message
    assert finding.severity == "medium"
    assert [e["name"] for e in finding.evidence if e["kind"] == "boundary"] == list("ABCD")


def test_many_more_boundaries_than_the_budget_is_a_high_red_flag():
    boundaries = [{"name": f"S{i}", "reason": "scaling"} for i in range(5)]
    (finding,) = find(advise(doc(PERSONAL_APP, boundaries=boundaries)), "RF-TOO-MANY-BOUNDARIES")
    assert finding.severity == "high"


def test_external_integration_boundaries_do_not_count_against_the_budget():
    boundaries = [
        {"name": "Chat core", "reason": "core"},
        {"name": "Assistant", "reason": "external"},
        {"name": "Notifications", "reason": "external"},
    ]
    assert "RF-TOO-MANY-BOUNDARIES" not in ids(advise(doc(PERSONAL_APP, boundaries=boundaries)))


def test_two_boundaries_are_fine_for_a_solo_developer():
    boundaries = [{"name": n, "responsibility": "", "reason": "external"} for n in "AB"]
    assert "RF-TOO-MANY-BOUNDARIES" not in ids(advise(doc(PERSONAL_APP, boundaries=boundaries)))


def test_red_flag_caching_adopted_with_no_performance_problem():
    document = doc(decisions=[decision("caching", problem="Makes things robust")])
    (finding,) = find(advise(document), "RF-CACHING-NO-PROBLEM")
    assert finding.subject == "caching"
    assert finding.evidence[0]["kind"] == "decision" and "robust" in finding.evidence[0]["text"]


def test_caching_with_a_recorded_performance_problem_is_not_flagged():
    slow = decision("caching", problem="Dashboard query takes 3 seconds at peak load")
    linked = decision(
        "cdn-edge-caching", problem="Assets", revealed_by={"kind": "operation", "name": "x"}
    )
    read = [{"name": "x", "category": "query"}]
    assert "RF-CACHING-NO-PROBLEM" not in ids(
        advise(doc(decisions=[slow, linked], operations=read))
    )


def test_caching_linked_to_a_write_or_a_costless_photo_upload_is_still_flagged():
    write = [{"name": "Uploaded photos", "category": "immediate"}]
    linked = decision(
        "caching",
        problem="Uploaded photos costs nothing to keep",
        revealed_by={"kind": "operation", "name": "Uploaded photos"},
    )
    assert "RF-CACHING-NO-PROBLEM" in ids(advise(doc(decisions=[linked], operations=write)))


def test_red_flag_elaborate_auth_for_low_stakes_data():
    document = doc(
        {"sensitivity": "none"},
        levels={2: {"answers": {"auth_separate": "Yes, a dedicated identity service"}}},
        boundaries=[
            {"name": "Identity", "responsibility": "Login and roles", "reason": "security"}
        ],
        decisions=[decision("custom-auth-service", problem="Roles")],
    )
    (finding,) = find(advise(document), "RF-ELABORATE-AUTH")
    kinds = [(e["kind"], e["name"]) for e in finding.evidence]
    assert ("level", "auth_separate") in kinds and ("boundary", "Identity") in kinds
    assert ("decision", "custom-auth-service") in kinds


def test_separate_auth_is_not_flagged_for_health_data():
    document = doc(
        {"sensitivity": "health"},
        levels={2: {"answers": {"auth_separate": "Yes"}}},
    )
    assert "RF-ELABORATE-AUTH" not in ids(advise(document))


@pytest.mark.parametrize("slug", ["multi-region", "read-replicas"])
def test_red_flag_planning_for_scale_years_away(slug):
    document = doc({"stage": "mvp", "scale": "lt1k"}, decisions=[decision(slug, problem="Growth")])
    (finding,) = find(advise(document), "RF-SCALE-YEARS-AWAY")
    assert finding.subject == slug
    assert "MVP" in finding.message


def test_red_flags_about_one_decision_are_said_once():
    """Sharding at an MVP is ruled out by the context (high) and scale years away
    (medium): one red flag says both, with the evidence of both."""
    document = doc(
        {"stage": "mvp", "scale": "lt1k"}, decisions=[decision("sharding", problem="Growth")]
    )
    flags = [f for f in advise(document) if f.kind == "red_flag" and f.subject == "sharding"]
    (flag,) = flags
    assert flag.rule_id == "RF-PATTERN-RULED-OUT" and flag.also == ("RF-SCALE-YEARS-AWAY",)
    assert flag.message.endswith("Also a red flag here: planning for scale years away.")
    assert {ev["name"] for ev in flag.evidence} >= {"stage", "scale"}
    # Dismissed, the next one speaks for itself.
    dismissed = {**document, "dismissed_findings": [{"key": flag.key, "reason": "Known"}]}
    (scale,) = find(advise(dismissed), "RF-SCALE-YEARS-AWAY")
    assert scale.is_open and scale.also == () and "MVP" in scale.message


def test_red_flag_prototype_claiming_huge_scale():
    (finding,) = find(advise(doc({"stage": "prototype", "scale": "gt100k"})), "RF-SCALE-YEARS-AWAY")
    assert finding.subject == "context-scale"


def test_red_flag_separate_boundaries_whose_operations_always_touch_the_same_entities():
    boundaries = [
        {"name": "Orders", "responsibility": "", "reason": "performance"},
        {"name": "Billing", "responsibility": "", "reason": "scaling"},
    ]
    operations = [
        {
            "name": "placeOrder",
            "category": "immediate",
            "boundary": "Orders",
            "entities": ["Order", "Invoice"],
        },
        {"name": "listOrders", "category": "query", "boundary": "Orders", "entities": ["Order"]},
        {
            "name": "charge",
            "category": "immediate",
            "boundary": "Billing",
            "entities": ["Order", "Invoice"],
        },
    ]
    entities = [{"name": n, "source_of_truth": "db"} for n in ("Order", "Invoice")]
    document = doc(boundaries=boundaries, operations=operations, entities=entities)
    (finding,) = find(advise(document), "RF-SEPARATE-BUT-TOGETHER")
    assert finding.subject == "Billing+Orders"
    assert {e["name"] for e in finding.evidence} == {"placeOrder", "listOrders", "charge"}


def test_boundaries_that_all_touch_one_entity_are_one_cluster_and_one_finding():
    # Issue 12: the old check skipped exactly the entity every boundary touches, and
    # reported pairs (2,959 of them on a large plan); now one finding per cluster.
    boundaries = [{"name": f"B{i}", "reason": "scaling"} for i in range(8)]
    operations = [
        {"name": f"op{i}", "category": "immediate", "boundary": f"B{i}", "entities": ["User"]}
        for i in range(8)
    ]
    entities = [{"name": "User", "source_of_truth": "db"}]
    document = doc(boundaries=boundaries, operations=operations, entities=entities)
    (finding,) = find(advise(document), "RF-SEPARATE-BUT-TOGETHER")
    assert finding.subject == "+".join(f"B{i}" for i in range(8))
    assert "User" in finding.message


def test_boundaries_with_their_own_data_are_not_flagged_as_together():
    boundaries = [{"name": "Chat", "reason": "core"}, {"name": "AI", "reason": "external"}]
    operations = [
        {"name": "send", "category": "immediate", "boundary": "Chat", "entities": ["Message"]},
        {
            "name": "summarise",
            "category": "background",
            "boundary": "AI",
            "entities": ["Message", "Summary"],
        },
        {"name": "usage", "category": "query", "boundary": "AI", "entities": ["Usage"]},
    ]
    entities = [{"name": n, "source_of_truth": "db"} for n in ("Message", "Summary", "Usage")]
    document = doc(boundaries=boundaries, operations=operations, entities=entities)
    assert "RF-SEPARATE-BUT-TOGETHER" not in ids(advise(document))


def test_red_flag_pattern_adopted_with_no_problem_it_solves():
    (finding,) = find(advise(doc(decisions=[decision("cqrs")])), "RF-PATTERN-NO-PROBLEM")
    assert finding.subject == "cqrs" and "CQRS" in finding.message


def test_red_flag_pattern_adopted_because_it_is_a_best_practice():
    document = doc(decisions=[decision("event-driven", problem="It is a best practice")])
    assert "RF-PATTERN-NO-PROBLEM" in ids(advise(document))


def test_pattern_with_a_linked_problem_or_rejected_is_not_flagged():
    decisions = [
        decision("cqrs", revealed_by={"kind": "operation", "name": "report"}),
        decision("saga", status="reject"),
        decision("background-jobs", problem="Summaries take 10 s"),
    ]
    assert "RF-PATTERN-NO-PROBLEM" not in ids(advise(doc(decisions=decisions)))


def test_red_flag_boundary_only_for_code_organisation():
    boundaries = [{"name": "Utils", "responsibility": "Helpers", "reason": "organisation"}]
    (finding,) = find(advise(doc(boundaries=boundaries)), "RF-ORGANISATION-BOUNDARY")
    assert finding.subject == "Utils"
    assert finding.evidence[0] == {
        "step": "2",
        "kind": "boundary",
        "name": "Utils",
        "text": "Code organisation only",
    }


# --- Gaps ---------------------------------------------------------------------------------------


def test_gap_entity_without_source_of_truth():
    entities = [
        {"name": "Message", "source_of_truth": ""},
        {"name": "User", "source_of_truth": "users"},
    ]
    (finding,) = find(advise(doc(entities=entities)), "GAP-ENTITY-NO-SOURCE")
    assert finding.subject == "Message" and finding.level == "4" and finding.severity == "high"


def test_gap_relationship_without_sync_or_failure_story():
    entities = [{"name": "A", "source_of_truth": "db"}, {"name": "B", "source_of_truth": "db"}]
    rels = [{"source": "A", "target": "B", "cardinality": "1:N", "sync": "", "failure": ""}]
    findings = advise(doc(entities=entities, relationships=rels))
    assert [f.subject for f in find(findings, "GAP-RELATIONSHIP-NO-SYNC")] == ["A -> B"]
    assert [f.subject for f in find(findings, "GAP-RELATIONSHIP-NO-FAILURE")] == ["A -> B"]
    rels[0].update(sync="Same transaction", failure="Rolled back")
    assert not ids(advise(doc(entities=entities, relationships=rels))) & {
        "GAP-RELATIONSHIP-NO-SYNC",
        "GAP-RELATIONSHIP-NO-FAILURE",
    }


def test_gap_operation_without_a_boundary_when_the_plan_has_boundaries():
    boundaries = [{"name": "Core", "reason": "core"}]
    ops = [
        {"name": "a", "category": "query", "boundary": None, "entities": []},
        {"name": "b", "category": "query", "boundary": "Ghost", "entities": []},
        {"name": "c", "category": "query", "boundary": "Core", "entities": []},
    ]
    findings = find(advise(doc(boundaries=boundaries, operations=ops)), "GAP-OPERATION-NO-BOUNDARY")
    assert [f.subject for f in findings] == ["a", "b"]
    assert "does not exist" in findings[1].message


def test_operations_need_no_boundary_when_level_2_is_skipped():
    ops = [{"name": "a", "category": "query", "boundary": None, "entities": []}]
    document = doc(levels={2: {"status": "skipped", "skip_reason": "MVP"}}, operations=ops)
    assert "GAP-OPERATION-NO-BOUNDARY" not in ids(advise(document))


def test_level_2_in_progress_without_boundaries_gets_one_low_gap():
    ops = [{"name": "a", "category": "query", "entities": []}, {"name": "b", "category": "query"}]
    (finding,) = find(advise(doc(operations=ops)), "GAP-OPERATION-NO-BOUNDARY")
    assert finding.subject == "level-2" and finding.severity == "low"


def test_gap_external_service_without_failure_handling_from_context_and_journey():
    steps = [
        {"name": "Pay", "timing": "fast", "updates": "none", "external_services": "Stripe, Mailgun"}
    ]
    document = doc({"external_services": "Stripe\nOpenAI"}, journey_steps=steps)
    findings = find(advise(document), "GAP-EXTERNAL-NO-FAILURE")
    assert [f.subject for f in findings] == ["mailgun", "openai", "stripe"]
    mailgun = findings[0]
    assert mailgun.evidence[0] == {
        "step": "1",
        "kind": "journey_step",
        "name": "Pay",
        "text": "Stripe, Mailgun",
    }


@pytest.mark.parametrize(
    "handled",
    [
        {"decisions": [decision("circuit-breaker", problem="Stripe outages")]},
        {"techniques": [{"technique": "retry-backoff", "status": "planned", "notes": ""}]},
        {"levels": {2: {"answers": {"external_isolated": "Yes, with a 5 s timeout"}}}},
    ],
)
def test_external_service_with_failure_handling_is_not_a_gap(handled):
    document = doc({"external_services": "Stripe"}, levels=handled.pop("levels", None), **handled)
    assert "GAP-EXTERNAL-NO-FAILURE" not in ids(advise(document))


def test_gap_realtime_need_without_mechanism():
    steps = [{"name": "Chat", "updates": "realtime"}]
    (finding,) = find(advise(doc(journey_steps=steps)), "GAP-REALTIME-NO-MECHANISM")
    assert finding.evidence[0]["name"] == "Chat"
    ops = [{"name": "watch", "category": "realtime", "entities": []}]
    assert "GAP-REALTIME-NO-MECHANISM" not in ids(advise(doc(journey_steps=steps, operations=ops)))
    pubsub = [decision("pubsub-fanout", problem="Live chat")]
    assert "GAP-REALTIME-NO-MECHANISM" not in ids(
        advise(doc(journey_steps=steps, decisions=pubsub))
    )


def test_gap_offline_need_without_sync_story():
    steps = [{"name": "Draft", "offline": True}]
    assert "GAP-OFFLINE-NO-SYNC" in ids(advise(doc(journey_steps=steps)))
    answered = {1: {"answers": {"offline_sync": "Drafts queue locally and replay in order"}}}
    assert "GAP-OFFLINE-NO-SYNC" not in ids(advise(doc(levels=answered, journey_steps=steps)))
    adopted = [decision("offline-sync", problem="Field use")]
    assert "GAP-OFFLINE-NO-SYNC" not in ids(advise(doc(journey_steps=steps, decisions=adopted)))


def test_gap_core_question_unanswered():
    document = doc()
    document["core_questions"]["security"]["answer"] = "  "
    del document["core_questions"]["performance"]
    findings = find(advise(document), "GAP-CORE-QUESTION")
    assert [f.subject for f in findings] == ["performance", "security"]
    assert all(f.level == "core" for f in findings)


@pytest.mark.parametrize("number", [1, 4])
def test_gap_never_skip_level_skipped(number):
    document = doc(levels={number: {"status": "skipped", "skip_reason": "No time"}})
    found = {f.subject: f for f in find(advise(document), "GAP-NEVER-SKIP")}
    finding = found[f"level-{number}"]
    assert finding.level == str(number) and finding.severity == "high"
    assert finding.evidence[0]["text"] == "Skipped: No time"


def test_skipping_level_2_or_5_is_not_a_never_skip_gap():
    document = doc(
        levels={
            2: {"status": "skipped", "skip_reason": "MVP"},
            5: {"status": "skipped", "skip_reason": "Small"},
        }
    )
    never_skip = find(advise(document), "GAP-NEVER-SKIP")
    # Only the empty Levels 1 and 4 are nudged ("not started yet", low), never 2 or 5.
    assert {f.subject for f in never_skip} == {"level-1", "level-4"}
    assert {f.severity for f in never_skip} == {"low"}


def test_a_started_plan_is_nudged_to_start_levels_1_and_4_but_an_empty_one_is_not():
    started = {f.subject: f for f in find(advise(doc()), "GAP-NEVER-SKIP")}
    assert set(started) == {"level-1", "level-4"}
    assert "not started yet" in started["level-1"].message
    blank = doc(context={"scale": "", "team_size": "", "platform": "", "stage": ""})
    assert find(advise(blank), "GAP-NEVER-SKIP") == []


def test_gap_skip_without_reason():
    (finding,) = find(advise(doc(levels={5: {"status": "skipped"}})), "GAP-SKIP-NO-REASON")
    assert finding.subject == "level-5" and finding.level == "5"


def test_gap_level_marked_complete_with_required_answers_missing():
    answers = {"source_of_truth": "db", "sync": "", "partial_failure": "Rolled back"}
    document = doc(levels={4: {"status": "complete", "answers": answers}})
    (finding,) = find(advise(document), "GAP-LEVEL-INCOMPLETE")
    assert finding.level == "4"
    assert {e["name"] for e in finding.evidence} == {"sync", "concurrent_updates", "entities"}
    assert "denormalization" not in finding.message  # optional question


def test_complete_level_with_everything_answered_is_fine():
    answers = {"responsibilities": "Core does it all"}
    ops = [{"name": "x", "category": "query"}]
    document = doc(levels={3: {"status": "complete", "answers": answers}}, operations=ops)
    assert "GAP-LEVEL-INCOMPLETE" not in ids(advise(document))


def test_gap_boundary_without_reason():
    (finding,) = find(
        advise(doc(boundaries=[{"name": "Core", "reason": ""}])), "GAP-BOUNDARY-NO-REASON"
    )
    assert finding.subject == "Core"


def test_gap_context_missing_names_the_blank_fields():
    (finding,) = find(advise(doc({"scale": "", "stage": ""})), "GAP-CONTEXT-MISSING")
    assert finding.level == "context"
    assert {e["name"] for e in finding.evidence} == {"scale", "stage"}


def test_gap_dangling_names_in_relationships_operations_and_decisions():
    document = doc(
        entities=[{"name": "A", "source_of_truth": "db"}],
        relationships=[
            {"source": "A", "target": "Ghost", "cardinality": "1:N", "sync": "x", "failure": "y"}
        ],
        operations=[{"name": "op", "category": "query", "entities": ["Nope"]}],
        decisions=[decision("no-such-pattern", problem="x")],
        custom_entries=[{"slug": "our-own", "name": "Ours"}],
    )
    document["decisions"].append(decision("our-own", problem="x"))
    subjects = {f.subject for f in find(advise(document), "GAP-DANGLING-NAME")}
    assert subjects == {"A -> Ghost:target", "op:Nope", "pattern:no-such-pattern"}


# --- Skip advice (the guide's "When to skip levels") --------------------------------------------


@pytest.mark.parametrize(
    ("context", "lists", "reason"),
    [
        ({"stage": "prototype"}, {}, "prototype"),
        ({"stage": "mvp"}, {}, "MVP"),
        ({"product": "Simple CRUD admin for recipes"}, {}, "simple CRUD"),
        (
            {},
            {
                "operations": [
                    {"name": "a", "category": "query"},
                    {"name": "b", "category": "immediate"},
                ]
            },
            "same performance",
        ),
    ],
)
def test_skip_level_2_when_the_guide_allows(context, lists, reason):
    (finding,) = find(advise(doc(context, **lists)), "SKIP-LEVEL-2")
    assert finding.kind == "skip_advice" and reason in finding.message


def test_no_level_2_skip_advice_for_a_production_plan_with_background_work():
    ops = [{"name": "a", "category": "background"}]
    assert "SKIP-LEVEL-2" not in ids(advise(doc(operations=ops)))


@pytest.mark.parametrize(
    ("context", "lists", "reason"),
    [
        ({"scale": "lt1k"}, {}, "fewer than 1,000"),
        ({"platform": "supabase"}, {}, "Supabase handles"),
        ({"platform": "firebase"}, {}, "Firebase handles"),
        (
            {"scale": "lt1k"},
            {"entities": [{"name": "Note", "source_of_truth": "db"}]},
            "data is simple (1 entity, no many-to-many)",
        ),
    ],
)
def test_skip_level_5_when_the_guide_allows(context, lists, reason):
    (finding,) = find(advise(doc(context, **lists)), "SKIP-LEVEL-5")
    assert reason in finding.message


def test_no_level_5_skip_advice_for_complex_data_at_scale():
    entities = [{"name": f"E{i}", "source_of_truth": "db"} for i in range(8)]
    assert "SKIP-LEVEL-5" not in ids(advise(doc({"scale": "lt100k"}, entities=entities)))


def test_skip_advice_never_for_levels_1_and_4():
    findings = find(advise(doc(PERSONAL_APP)), "SKIP-NEVER")
    assert [f.level for f in findings] == ["1", "4"]


def test_skip_advice_disappears_once_the_level_is_skipped():
    document = doc(PERSONAL_APP, levels={5: {"status": "skipped", "skip_reason": "Convex"}})
    assert "SKIP-LEVEL-5" not in ids(advise(document))


# --- The engine: order, keys, dismissals, helpers -----------------------------------------------


def test_findings_are_sorted_by_severity_level_rule_and_subject():
    findings = advise(doc(CHAT_APP))
    keys = [
        (SEVERITIES.index(f.severity), STEPS.index(f.level), f.rule_id, f.subject) for f in findings
    ]
    assert keys == sorted(keys)
    assert len({f.key for f in findings}) == len(findings)


def test_advice_is_deterministic():
    document = doc(CHAT_APP, boundaries=[{"name": n, "reason": "organisation"} for n in "DCBA"])
    assert [f.as_dict() for f in advise(document)] == [
        f.as_dict() for f in advise(copy.deepcopy(document))
    ]


def test_advise_does_not_change_the_document():
    document = doc(CHAT_APP, decisions=[decision("caching")])
    before = copy.deepcopy(document)
    advise(document)
    assert document == before


def test_dismissed_findings_carry_the_reason_and_leave_the_counts():
    document = doc(decisions=[decision("cqrs")])
    document["dismissed_findings"] = [
        {"key": "RF-PATTERN-NO-PROBLEM:cqrs", "reason": "Reporting needs it"}
    ]
    findings = advise(document)
    (finding,) = find(findings, "RF-PATTERN-NO-PROBLEM")
    assert finding.dismissed == "Reporting needs it" and finding.is_dismissed
    medium = [f for f in findings if f.severity == "medium" and f.status != "addressed"]
    assert counts(findings)["medium"] == len(medium) - 1


def test_a_dismissal_without_reason_still_reads_as_dismissed():
    document = doc(decisions=[decision("cqrs")])
    document["dismissed_findings"] = [{"key": "RF-PATTERN-NO-PROBLEM:cqrs", "reason": ""}]
    (finding,) = find(advise(document), "RF-PATTERN-NO-PROBLEM")
    assert finding.dismissed


def test_counts_has_every_severity():
    assert counts([]) == {"high": 0, "medium": 0, "low": 0, "info": 0}


def test_for_step_and_by_kind():
    findings = advise(doc(CHAT_APP))
    assert for_step(findings, 1) == [f for f in findings if f.level == "1"]
    assert {f.level for f in for_step(findings, "core")} <= {"core"}
    grouped = by_kind(findings)
    assert list(grouped) == KINDS and sum(map(len, grouped.values())) == len(findings)


def test_as_dict_has_the_contract_keys():
    (finding,) = find(advise(doc(decisions=[decision("cqrs")])), "RF-PATTERN-NO-PROBLEM")
    data = finding.as_dict()
    assert {
        "rule_id",
        "kind",
        "severity",
        "level",
        "message",
        "evidence",
        "action",
        "key",
        "dismissed",
    } <= set(data)
    assert data["key"] == "RF-PATTERN-NO-PROBLEM:cqrs"
    assert data["evidence"] == [
        {"step": "5", "kind": "decision", "name": "cqrs", "text": "Adopt: (no problem recorded)"}
    ]
    assert hash(finding) == hash(finding)


def test_every_rule_is_declared_sensibly():
    for rule_id, rule in RULES.items():
        assert rule.kind in KINDS and rule.severity in SEVERITIES and rule.level in STEPS
        assert rule.title and rule.message and rule.action, rule_id
        prefix = {
            "elimination": "ELIM-",
            "recommendation": "REC-",
            "red_flag": "RF-",
            "gap": "GAP-",
            "skip_advice": "SKIP-",
        }
        assert rule_id.startswith(prefix[rule.kind])


def test_every_rule_has_a_test():
    source = "".join(p.read_text() for p in Path(__file__).parent.glob("test_advisor*.py"))
    untested = [rule_id for rule_id in RULES if f'"{rule_id}"' not in source]
    assert not untested


def test_context_labels_match_the_models():
    from planner import models
    from planner.advisor.plan import LABELS

    for key, choices in [
        ("scale", models.ScaleBand),
        ("team_size", models.TeamSize),
        ("platform", models.Platform),
        ("sensitivity", models.Sensitivity),
        ("stage", models.Stage),
        ("need", models.Need),
    ]:
        assert LABELS[key] == dict(choices.choices), key


def test_every_finding_names_its_evidence_in_the_contract_shape():
    findings = advise(
        doc(
            CHAT_APP,
            boundaries=[{"name": "Utils", "reason": "organisation"}],
            decisions=[decision("caching")],
        )
    )
    for finding in findings:
        for item in finding.evidence:
            assert set(item) == {"step", "kind", "name", "text"}
            assert item["step"] in STEPS
            assert all(isinstance(v, str) for v in item.values())
