"""Issue 12: per-subject reasoning, findings that close when acted on, one voice on
skipping, platform-aware words, the rest of the guide's rules, and grouped findings."""

import pytest

from planner.advisor import advise, counts, open_findings
from planner.advisor.words import addressed_headline, evidence_label
from planner.levels import LEVELS
from tests.planner.test_advisor import CHAT_APP, PERSONAL_APP, decision, doc, find, ids


def technique(slug: str, status: str = "planned", notes: str = "") -> dict:
    return {"technique": slug, "status": status, "notes": notes}


def op(name: str, category: str = "immediate", boundary: str = "", entities=(), **kw) -> dict:
    return {"name": name, "category": category, "boundary": boundary, "entities": list(entities)}


def addressed(findings, rule_id: str) -> list:
    return [f for f in findings if f.rule_id == rule_id and f.status == "addressed"]


# --- 1. Per-subject reasoning -------------------------------------------------------------


def test_a_retry_about_the_email_provider_does_not_cover_the_payment_provider():
    notes = "Postmark: retry with backoff, three attempts"
    document = doc(
        {"external_services": "Stripe\nPostmark"},
        techniques=[technique("retry-backoff", notes=notes)],
    )
    findings = advise(document)
    assert [f.subject for f in find(findings, "GAP-EXTERNAL-NO-FAILURE")] == ["stripe"]
    (postmark,) = addressed(findings, "GAP-EXTERNAL-NO-FAILURE")
    assert postmark.subject == "postmark"
    assert postmark.addressed_by[0]["kind"] == "technique"
    (breaker,) = find(findings, "REC-CIRCUIT-BREAKER")
    assert "Stripe" in breaker.message and "Postmark" not in breaker.message


def test_an_answer_about_one_service_covers_only_that_service():
    answers = {"external_services": "Stripe times out after 5 s and we show a retry button."}
    findings = advise(
        doc({"external_services": "Stripe\nOpenAI"}, levels={1: {"answers": answers}})
    )
    assert [f.subject for f in find(findings, "GAP-EXTERNAL-NO-FAILURE")] == ["openai"]
    (stripe,) = addressed(findings, "GAP-EXTERNAL-NO-FAILURE")
    assert stripe.addressed_by == (
        {
            "step": "1",
            "kind": "level",
            "name": "external_services",
            "text": answers["external_services"],
        },
    )


@pytest.mark.parametrize("placeholder", ["TBD", "?", "n/a", "todo", " - "])
def test_placeholders_never_count_as_answers(placeholder):
    document = doc(
        relationships=[
            {
                "source": "A",
                "target": "B",
                "cardinality": "1:N",
                "sync": placeholder,
                "failure": placeholder,
            }
        ],
        entities=[
            {"name": "A", "source_of_truth": placeholder},
            {"name": "B", "source_of_truth": "db"},
        ],
    )
    document["core_questions"]["security"]["answer"] = placeholder
    found = ids(advise(document))
    assert {
        "GAP-RELATIONSHIP-NO-SYNC",
        "GAP-RELATIONSHIP-NO-FAILURE",
        "GAP-ENTITY-NO-SOURCE",
        "GAP-CORE-QUESTION",
    } <= found


@pytest.mark.parametrize(
    "problem", ["Photos are uploaded by users", "Uploaded files are big", "It costs nothing"]
)
def test_substrings_do_not_count_as_a_performance_problem(problem):
    document = doc(decisions=[decision("caching", problem=problem)])
    assert "RF-CACHING-NO-PROBLEM" in ids(advise(document))


def test_a_pattern_adopted_for_a_principle_is_a_red_flag():
    for slug in ("cqrs", "event-driven"):
        document = doc(decisions=[decision(slug, problem="Services should not call each other")])
        (finding,) = find(advise(document), "RF-PATTERN-NO-PROBLEM")
        assert "principle" in finding.message


def test_a_principle_is_a_problem_for_a_light_pattern_or_when_it_names_a_row():
    problem = "Users should not wait for the AI reply"
    document = doc(decisions=[decision("background-jobs", problem=problem)])
    assert "RF-PATTERN-NO-PROBLEM" not in ids(advise(document))
    ops = [op("Checkout")]
    problem = "Checkout should not wait for the warehouse"
    document = doc(operations=ops, decisions=[decision("event-driven", problem=problem)])
    assert "RF-PATTERN-NO-PROBLEM" not in ids(advise(document))


# --- 2. Findings converge ---------------------------------------------------------------


def test_acting_on_a_recommendation_moves_it_to_addressed():
    context = {"scale": "gt100k", "team_size": "20+", "clients": ["web", "api"]}
    before = advise(doc(context))
    assert "REC-RATE-LIMITING" in ids(before)
    after = advise(doc(context, decisions=[decision("rate-limiting", problem="Public API abuse")]))
    assert "REC-RATE-LIMITING" not in ids(after)
    (finding,) = addressed(after, "REC-RATE-LIMITING")
    assert finding.status == "addressed" and finding.subject == "rate-limiting"
    assert finding.addressed_by[0] == {
        "step": "5",
        "kind": "decision",
        "name": "rate-limiting",
        "text": "Adopt: Public API abuse",
    }
    assert finding.as_dict()["status"] == "addressed"
    assert finding.as_dict()["addressed_by"] == [dict(finding.addressed_by[0])]
    assert counts(after)["info"] == counts(before)["info"] - 1


def test_a_rejection_with_a_reason_answers_a_recommendation_and_respects_an_elimination():
    rejected = decision("caching", status="reject", rationale="Queries are indexed and fast")
    findings = advise(doc({"scale": "gt100k", "team_size": "20+"}, decisions=[rejected]))
    (rec,) = addressed(findings, "REC-CACHING-AT-SCALE")
    assert rec.addressed_by[0]["text"].startswith("Reject:")
    small = advise(doc({"scale": "lt100", "team_size": "solo"}, decisions=[rejected]))
    assert addressed(small, "ELIM-ADVANCED-CACHING")


def test_encryption_planned_addresses_the_pii_recommendation():
    findings = advise(doc(techniques=[technique("encryption")]))
    assert "REC-ENCRYPT-PII" not in ids(findings)
    assert addressed(findings, "REC-ENCRYPT-PII")


def test_answered_core_questions_are_addressed_and_blank_ones_open():
    document = doc()
    document["core_questions"]["security"]["answer"] = ""
    findings = advise(document)
    assert [f.subject for f in find(findings, "GAP-CORE-QUESTION")] == ["security"]
    assert len(addressed(findings, "GAP-CORE-QUESTION")) == 3


def test_a_ruled_out_pattern_adopted_anyway_is_a_red_flag_by_the_stakes():
    small = {"scale": "lt100", "team_size": "solo"}
    (flag,) = find(
        advise(doc(small, decisions=[decision("saga", problem="Orders")])), "RF-PATTERN-RULED-OUT"
    )
    assert flag.subject == "saga" and flag.severity == "high"
    linked = decision(
        "caching",
        problem="Search takes 3 seconds",
        revealed_by={"kind": "operation", "name": "Search"},
    )
    findings = advise(doc(small, operations=[op("Search", "query")], decisions=[linked]))
    (flag,) = find(findings, "RF-PATTERN-RULED-OUT")
    assert flag.subject == "caching" and flag.severity == "low"
    # Microservices have their own red flag: not said twice.
    findings = advise(doc(small, decisions=[decision("microservices", problem="x")]))
    assert "RF-MICROSERVICES" in ids(findings) and "RF-PATTERN-RULED-OUT" not in ids(findings)


FINISHED_ANSWERS = {
    lvl.number: {q.key: f"Answered for {q.key}." for q in lvl.questions} for lvl in LEVELS
}


def finished_plan() -> dict:
    """A chat product with payments, planned from the guide and acting on its advice."""
    context = {
        "product": "Team chat with paid plans",
        "scale": "lt10k",
        "team_size": "2-5",
        "platform": "django",
        "stage": "production",
        "realtime": "core",
        "sensitivity": "payments",
        "external_services": "Stripe\nPostmark",
        "clients": ["web"],
    }
    levels = {n: {"status": "complete", "answers": FINISHED_ANSWERS[n]} for n in range(1, 7)}
    return doc(
        context,
        levels=levels,
        journey_steps=[
            {
                "name": "Read messages",
                "timing": "fast",
                "updates": "realtime",
                "data_needed": "Last 50 messages",
                "external_services": "",
            },
            {
                "name": "Upgrade plan",
                "timing": "async",
                "updates": "none",
                "external_services": "Stripe",
            },
        ],
        boundaries=[
            {"name": "Core", "responsibility": "Chat and accounts", "reason": "core"},
            {"name": "Billing", "responsibility": "Stripe payments", "reason": "external"},
            {"name": "Mail", "responsibility": "Postmark email", "reason": "external"},
        ],
        operations=[
            op("Send message", "immediate", "Core", ["Message"]),
            op("Watch room", "realtime", "Core", ["Message"]),
            op("Charge with Stripe", "background", "Billing", ["Invoice"]),
            op("Send Postmark digest", "background", "Mail", ["Message"]),
        ],
        entities=[
            {
                "name": "Message",
                "source_of_truth": "messages table",
                "boundary": "Core",
                "concurrency": "append_only",
            },
            {
                "name": "Invoice",
                "source_of_truth": "Stripe",
                "boundary": "Billing",
                "concurrency": "locking",
            },
        ],
        relationships=[
            {
                "source": "Invoice",
                "target": "Message",
                "cardinality": "1:N",
                "sync": "Same transaction",
                "failure": "Rolled back and retried",
            },
        ],
        decisions=[
            decision("database-transactions", problem="Invoice and credits change together"),
            decision(
                "transactional-outbox",
                problem="Charge with Stripe after commit",
                revealed_by={"kind": "operation", "name": "Charge with Stripe"},
            ),
            decision(
                "background-jobs",
                problem="Send Postmark digest takes minutes",
                revealed_by={"kind": "operation", "name": "Send Postmark digest"},
            ),
            decision(
                "connection-pooling",
                problem="Watch room holds connections",
                revealed_by={"kind": "operation", "name": "Watch room"},
            ),
            decision(
                "realtime-subscriptions",
                problem="Read messages live",
                revealed_by={"kind": "journey_step", "name": "Read messages"},
            ),
        ],
        techniques=[
            technique(slug)
            for slug in (
                "idempotency-keys",
                "retry-backoff",
                "encryption",
                "auth-middleware",
                "logging-monitoring",
                "input-validation",
                "batch-operations",
            )
        ],
    )


def test_a_finished_plan_that_acted_on_everything_has_no_open_findings():
    findings = advise(finished_plan())
    assert [f.key for f in open_findings(findings)] == []
    assert counts(findings) == {"high": 0, "medium": 0, "low": 0, "info": 0}
    assert len([f for f in findings if f.status == "addressed"]) >= 10
    assert all(f.addressed_by for f in findings)


# --- 3. One voice on skipping -----------------------------------------------------------------


@pytest.mark.parametrize(
    "context",
    [
        {"scale": "lt100k", "platform": "supabase"},
        {"scale": "gt100k", "platform": "firebase"},
        {"scale": "lt1k", "sensitivity": "payments"},
        {"scale": "lt1k", "sensitivity": "health"},
    ],
)
def test_scale_payments_or_health_withdraw_the_level_5_skip(context):
    entities = [{"name": "Note", "source_of_truth": "db"}]
    assert "SKIP-LEVEL-5" not in ids(advise(doc(context, entities=entities)))


def test_an_open_finding_that_asks_for_level_5_work_withdraws_the_skip_until_acted_on():
    context = {"scale": "lt1k", "team_size": "solo", "clients": ["web", "api"]}
    findings = advise(doc(context))
    assert "REC-RATE-LIMITING" in ids(findings) and "SKIP-LEVEL-5" not in ids(findings)
    limited = [decision("rate-limiting", problem="Partners call the API in bursts")]
    findings = advise(doc(context, decisions=limited))
    assert "REC-RATE-LIMITING" not in ids(findings) and "SKIP-LEVEL-5" in ids(findings)


def test_no_finding_asks_for_work_in_a_level_the_skip_advice_calls_skippable():
    for context in (PERSONAL_APP, CHAT_APP, {"scale": "lt1k", "team_size": "solo"}):
        findings = advise(doc(context))
        skippable = {f.level for f in findings if f.rule_id in ("SKIP-LEVEL-2", "SKIP-LEVEL-5")}
        for f in open_findings(findings):
            if f.kind in ("recommendation", "gap", "red_flag"):
                assert f.level not in skippable, f.key
                assert not any(f"in Level {n}" in f.action for n in skippable), f.key


def test_skip_never_is_not_said_for_a_completed_level():
    document = doc(PERSONAL_APP, levels={1: {"status": "complete"}})
    assert [f.level for f in find(advise(document), "SKIP-NEVER")] == ["4"]


def test_an_empty_level_1_or_4_with_later_levels_filled_is_a_never_skip_gap():
    document = doc(operations=[op("Save")])
    gaps = {f.level: f for f in find(advise(document), "GAP-NEVER-SKIP")}
    gap = gaps["1"]
    assert gap.severity == "medium" and "empty" in gap.message
    # Level 4 has nothing after it filled in: only the gentle "not started yet" nudge.
    assert gaps["4"].severity == "low" and "not started" in gaps["4"].message
    document = doc(
        journey_steps=[{"name": "Open"}],
        operations=[op("Save")],
        decisions=[decision("background-jobs", problem="Save is slow")],
    )
    gaps = {f.level: f for f in find(advise(document), "GAP-NEVER-SKIP")}
    assert list(gaps) == ["4"] and gaps["4"].severity == "medium"


# --- 4. Platform-aware --------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["convex", "supabase", "firebase"])
def test_reactive_platforms_need_no_realtime_mechanism(platform):
    steps = [{"name": "Chat", "updates": "realtime"}]
    findings = advise(
        doc({"platform": platform, "realtime": "core", "team_size": "solo"}, journey_steps=steps)
    )
    assert "GAP-REALTIME-NO-MECHANISM" not in ids(findings)
    assert "REC-BUILTIN-REALTIME" in ids(findings)


@pytest.mark.parametrize(
    ("platform", "tool"),
    [
        ("django", "Django Channels"),
        ("rails", "Action Cable"),
        ("spring", "Spring WebSocket"),
        ("convex", "reactive queries"),
    ],
)
def test_recommendations_name_the_teams_own_platform_tools(platform, tool):
    findings = advise(doc({"platform": platform, "realtime": "core", "team_size": "2-5"}))
    (finding,) = find(findings, "REC-BUILTIN-REALTIME")
    assert tool in finding.message
    others = {"Convex", "Supabase", "Firebase"} - {platform.capitalize()}
    assert not any(name in f.message + f.action for f in findings for name in others)


# --- 5. The rest of the guide -------------------------------------------------------------


def production(**lists) -> dict:
    """A plan where Level 2 matters: production, 6-20 engineers, background work."""
    return doc({"external_services": "Stripe"}, **lists)


def test_integration_called_from_two_boundaries_or_without_its_own():
    boundaries = [{"name": "Core", "reason": "core"}, {"name": "Shop", "reason": "scaling"}]
    ops = [
        op("Charge with Stripe", "background", "Shop"),
        op("Refund via Stripe", "background", "Core"),
    ]
    (finding,) = find(
        advise(production(boundaries=boundaries, operations=ops)), "REC-ISOLATE-INTEGRATIONS"
    )
    assert finding.subject == "stripe" and "no boundary of its own" in finding.message
    boundaries.append({"name": "Payments", "responsibility": "Stripe", "reason": "external"})
    (finding,) = find(
        advise(production(boundaries=boundaries, operations=ops)), "REC-ISOLATE-INTEGRATIONS"
    )
    assert "also called from 2 boundaries: Core and Shop" in finding.message
    ops = [op("Charge with Stripe", "background", "Payments")]
    findings = advise(production(boundaries=boundaries, operations=ops))
    assert addressed(findings, "REC-ISOLATE-INTEGRATIONS")


def test_realtime_and_batch_work_in_one_boundary():
    boundaries = [{"name": "Core", "reason": "core"}]
    ops = [op("Watch feed", "realtime", "Core"), op("Nightly export", "maintenance", "Core")]
    (finding,) = find(
        advise(production(boundaries=boundaries, operations=ops)), "REC-SEPARATE-REALTIME-BATCH"
    )
    assert finding.subject == "Core" and "Watch feed" in finding.message


def test_an_external_call_or_slow_work_inside_an_immediate_operation():
    steps = [{"name": "Pay", "timing": "fast", "external_services": "Stripe"}]
    ops = [op("Charge with Stripe"), op("Build report"), op("Search", "query")]
    ops[1]["latency"] = "seconds"
    findings = advise(production(journey_steps=steps, operations=ops))
    flags = {f.subject: f for f in find(findings, "RF-SLOW-CALL-IN-IMMEDIATE")}
    assert set(flags) == {"stripe", "slow-work"}
    assert {e["name"] for e in flags["stripe"].evidence} == {"Charge with Stripe", "Pay"}
    assert "Build report" in flags["slow-work"].message
    assert "Django's tasks framework" in flags["stripe"].action


def test_one_operation_writing_entities_of_two_boundaries():
    boundaries = [{"name": "Orders", "reason": "core"}, {"name": "Stock", "reason": "scaling"}]
    entities = [
        {"name": "Order", "boundary": "Orders", "source_of_truth": "db"},
        {"name": "Item", "boundary": "Stock", "source_of_truth": "db"},
    ]
    ops = [
        op("Place order", "immediate", "Orders", ["Order", "Item"]),
        op("Show order", "query", "Orders", ["Order", "Item"]),
    ]
    (finding,) = find(
        advise(doc(boundaries=boundaries, entities=entities, operations=ops)),
        "RF-CROSS-BOUNDARY-WRITE",
    )
    assert finding.subject == "Orders+Stock" and finding.message.startswith("Place order writes")


def test_entity_without_a_concurrency_strategy():
    entities = [
        {"name": "Doc", "source_of_truth": "db"},
        {"name": "Log", "source_of_truth": "db", "concurrency": "append_only"},
    ]
    (gap,) = find(advise(doc(entities=entities)), "GAP-ENTITY-NO-CONCURRENCY")
    assert gap.subject == "Doc" and gap.level == "4"


def test_payment_plans_need_idempotency_transactions_and_an_outbox():
    (finding,) = find(advise(doc({"external_services": "Stripe"})), "REC-PAYMENT-SAFETY")
    assert (
        "idempotency keys, database transactions and a transactional outbox are" in finding.message
    )
    assert "transaction.atomic" in finding.action
    partly = doc(
        {"sensitivity": "payments"},
        techniques=[technique("idempotency-keys")],
        decisions=[decision("database-transactions", problem="Orders")],
    )
    (finding,) = find(advise(partly), "REC-PAYMENT-SAFETY")
    assert "a transactional outbox is not planned" in finding.message


def test_level_6_techniques_from_plan_facts():
    ops = [op("List orders", "query"), op("Nightly export", "maintenance"), op("Save", "immediate")]
    findings = advise(doc(operations=ops))
    (lists,) = find(findings, "REC-LIST-QUERIES")
    (batch,) = find(findings, "REC-BATCH-OPERATIONS")
    (logs,) = find(findings, "REC-OBSERVABILITY")
    assert lists.subject == "query-optimization" and "List orders" in lists.message
    assert batch.subject == "batch-operations" and "Nightly export" in batch.message
    assert logs.subject == "logging-monitoring"
    planned = advise(
        doc(
            operations=ops,
            techniques=[
                technique("query-optimization"),
                technique("batch-operations"),
                technique("logging-monitoring"),
            ],
        )
    )
    assert not {"REC-LIST-QUERIES", "REC-BATCH-OPERATIONS", "REC-OBSERVABILITY"} & ids(planned)


def test_red_flags_and_row_gaps_grow_at_most_linearly_with_the_plan():
    n = 300
    boundaries = [{"name": f"B{i}", "reason": "scaling"} for i in range(n)]
    entities = [{"name": f"E{i}", "boundary": f"B{i}"} for i in range(n)]
    ops = [op(f"op{i}", "immediate", f"B{i}", ["E0", f"E{i}"]) for i in range(n)]
    rels = [{"source": f"E{i}", "target": f"E{i + 1}", "cardinality": "1:N"} for i in range(n - 1)]
    findings = advise(
        doc(boundaries=boundaries, entities=entities, operations=ops, relationships=rels)
    )
    per_rule = {}
    for f in findings:
        per_rule[f.rule_id] = per_rule.get(f.rule_id, 0) + 1
    assert per_rule["RF-SEPARATE-BUT-TOGETHER"] == 1
    assert per_rule["GAP-ENTITY-NO-SOURCE"] == 1  # grouped: "300 entities have no …"
    assert per_rule["GAP-RELATIONSHIP-NO-SYNC"] == 1
    assert len(findings) < 60
    (grouped,) = find(findings, "GAP-ENTITY-NO-SOURCE")
    assert grouped.message.startswith("300 entities have no single source of truth: E0, E1")
    assert "and 290 more" in grouped.message


# --- 6. Plain words -----------------------------------------------------------------------


def test_evidence_reads_as_labels_not_keys():
    assert (
        evidence_label({"step": "context", "kind": "context", "name": "team_size"}) == "Team size"
    )
    label = evidence_label({"step": "2", "kind": "level", "name": "auth_separate"})
    assert label.startswith("Level 2 · ") and "auth_separate" not in label
    assert evidence_label({"step": "5", "kind": "decision", "name": "cqrs"}) == (
        "Decision · CQRS (separate reads and writes)"
    )
    assert evidence_label({"step": "4", "kind": "entity", "name": "Order"}) == "Entity · Order"


def test_messages_lead_with_their_point_not_the_context():
    findings = advise(doc({"scale": "lt10k", "team_size": "2-5"}))
    assert not [f.key for f in findings if f.message.startswith(("1,000", "2 – 5", "Fewer"))]


def test_level_incomplete_reads_as_a_sentence():
    document = doc(levels={1: {"status": "complete"}})
    (gap,) = find(advise(document), "GAP-LEVEL-INCOMPLETE")
    assert "is missing" not in gap.message and "it has no journey steps" in gap.message
    assert "_" not in gap.message


def test_custom_patterns_are_named_by_their_name():
    document = doc(decisions=[decision("kafka-bus", problem="Services should not call each other")])
    document["custom_entries"] = [
        {"slug": "kafka-bus", "name": "Kafka event bus", "kind": "pattern"}
    ]
    (finding,) = find(advise(document), "RF-PATTERN-NO-PROBLEM")
    assert finding.message.startswith("Kafka event bus is adopted")


def test_an_addressed_finding_is_headed_by_what_it_was_about():

    answers = {"external_services": "Stripe times out after 5 s and we show a retry button."}
    findings = advise(doc({"external_services": "Stripe"}, levels={1: {"answers": answers}}))
    (stripe,) = addressed(findings, "GAP-EXTERNAL-NO-FAILURE")
    assert addressed_headline(stripe.rule_id, stripe.subject, stripe.evidence) == (
        "External service without failure handling: Stripe"
    )
    (core,) = [f for f in addressed(findings, "GAP-CORE-QUESTION") if f.subject == "security"]
    assert addressed_headline(core.rule_id, core.subject, core.evidence) == (
        "Core question unanswered: Security boundaries"
    )
