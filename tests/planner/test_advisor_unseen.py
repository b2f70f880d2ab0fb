"""What plans outside the evaluation set showed: each fix made at the rule's root, one
small plan each (pure, no database)."""

from planner.advisor import advise, open_findings
from planner.advisor.plan import Plan
from planner.templatetags.advisor import headline
from tests.planner.test_advisor import decision, doc, find, ids
from tests.planner.test_advisor_guide import addressed, op, technique


def services(context_services: str, step_services: str = "") -> list[str]:
    steps = [{"name": "Pay", "timing": "fast", "external_services": step_services}]
    plan = Plan.from_document(doc({"external_services": context_services}, journey_steps=steps))
    return [name for name, _ in plan.services]


def test_placeholders_and_notes_in_a_list_of_services_are_no_services():
    assert services("Stripe, n/a") == ["Stripe"]
    assert services("Stripe\n-\n—", "todo, Stripe") == ["Stripe"]
    assert services("Stripe - payments, Mailgun – email") == ["Mailgun", "Stripe"]
    assert services("Stripe (payments; cards)") == ["Stripe"]


def test_a_service_from_the_context_cites_its_own_name_not_the_whole_list():
    findings = advise(doc({"external_services": "Twilio\nPagerDuty"}))
    (gap,) = [f for f in find(findings, "GAP-EXTERNAL-NO-FAILURE") if f.subject == "pagerduty"]
    assert [e["text"] for e in gap.evidence] == ["PagerDuty"]


def test_the_failure_gap_asks_for_the_story_and_the_circuit_breaker_for_the_mechanism():
    findings = advise(doc({"external_services": "PagerDuty"}))
    (gap,) = find(findings, "GAP-EXTERNAL-NO-FAILURE")
    (breaker,) = find(findings, "REC-CIRCUIT-BREAKER")
    assert "Say in Level 1 what happens when PagerDuty fails" in gap.action
    assert "circuit breaker" not in gap.action and "circuit breaker" in breaker.message
    assert gap.level == "1" and breaker.level == "5"


def test_an_answer_that_says_retried_with_backoff_is_the_mechanism_for_that_service_only():
    answers = {"external_services": "Twilio SMS is retried three times with backoff."}
    findings = advise(doc({"external_services": "Twilio\nPagerDuty"}, {1: {"answers": answers}}))
    (breaker,) = find(findings, "REC-CIRCUIT-BREAKER")
    assert breaker.message.startswith("PagerDuty can be slow or down")
    assert "Twilio" not in breaker.message


def test_a_pattern_adopted_to_learn_it_is_a_pattern_without_a_problem():
    document = doc(decisions=[decision("event-driven", problem="To learn Kafka for my CV.")])
    (finding,) = find(advise(document), "RF-PATTERN-NO-PROBLEM")
    assert "to learn it" in finding.message and "dismiss" in finding.message


def test_many_addressed_findings_of_one_rule_are_one_finding():
    names = [f"Partner {i}" for i in range(20)]
    answers = {"external_services": "Every partner call times out after 5 s and is retried."}
    document = doc({"external_services": "\n".join(names)}, {1: {"answers": answers}})
    (grouped,) = addressed(advise(document), "GAP-EXTERNAL-NO-FAILURE")
    assert grouped.subject == "many-services-addressed"
    assert grouped.message.startswith("20 services, each covered already: Partner 0")
    assert [e["name"] for e in grouped.addressed_by] == ["external_services"]


def test_a_service_that_calls_the_operation_is_no_slow_call_while_the_user_waits():
    operations = [
        op("ingestReading", entities=["Reading"]) | {"trigger": "AWS IoT Core forwards a reading"},
        op("onPaid", entities=["Reading"]) | {"trigger": "Stripe webhook: payment succeeded"},
        op("charge", entities=["Reading"]) | {"trigger": "User pays with Stripe"},
    ]
    document = doc({"external_services": "AWS IoT Core\nStripe"}, operations=operations)
    (finding,) = find(advise(document), "RF-SLOW-CALL-IN-IMMEDIATE")
    assert finding.subject == "stripe" and "(charge)" in finding.message


def test_an_operation_is_a_slow_call_once_not_again_as_slow_work():
    sms = op("sendSms", entities=["Alert"]) | {"trigger": "Text via Twilio", "latency": "seconds"}
    document = doc({"external_services": "Twilio"}, operations=[sms])
    assert [f.subject for f in find(advise(document), "RF-SLOW-CALL-IN-IMMEDIATE")] == ["twilio"]


def test_boundaries_that_only_read_shared_data_do_not_always_work_together():
    boundaries = [{"name": "Ingestion", "reason": "scaling"}, {"name": "Dashboards", "reason": ""}]
    operations = [
        op("ingest", "immediate", "Ingestion", ["Reading"]),
        op("live", "realtime", "Dashboards", ["Reading"]),
        op("rollup", "background", "Dashboards", ["Reading"]),
    ]
    entities = [{"name": "Reading", "source_of_truth": "db", "boundary": "Ingestion"}]
    document = doc(boundaries=boundaries, operations=operations, entities=entities)
    assert "RF-SEPARATE-BUT-TOGETHER" not in ids(advise(document))


def test_words_agree_with_their_counts():
    one = doc(operations=[op("listQueue", "query", entities=["Ticket"])])
    (lists,) = find(advise(one), "REC-LIST-QUERIES")
    assert lists.message.startswith("listQueue lists data.")
    solo = doc({"team_size": "solo", "scale": "lt100"}, decisions=[decision("microservices")])
    (flag,) = find(advise(solo), "RF-MICROSERVICES")
    assert "adopted with a solo developer and fewer than 100" in flag.message


def test_no_generic_tool_is_named_twice_for_a_platform_the_advisor_does_not_know():
    document = doc({"platform": "other", "sensitivity": "payments"})
    (payment,) = find(advise(document), "REC-PAYMENT-SAFETY")
    assert "database transactions and" in payment.action
    assert "(database transactions)" not in payment.action


def test_a_recommendation_the_platform_builds_in_is_addressed_by_the_platform():
    document = doc({"platform": "convex", "scale": "lt100k"})
    (caching,) = addressed(advise(document), "REC-CACHING-AT-SCALE")
    assert [e["text"] for e in caching.addressed_by] == ["Convex"]
    reactive = doc({"platform": "firebase", "scale": "gt100k"})
    assert "REC-READ-REPLICAS" not in {f.rule_id for f in advise(reactive)}
    assert "REC-READ-REPLICAS" in ids(advise(doc({"scale": "gt100k"})))


def test_a_planned_retry_naming_no_service_still_covers_every_service():
    # The circuit-breaker recommendation closes on a planned retry with no service named.
    document = doc(
        {"external_services": "Stripe"}, techniques=[technique("retry-backoff", notes="All.")]
    )
    assert "REC-CIRCUIT-BREAKER" not in {f.rule_id for f in open_findings(advise(document))}


def test_a_note_to_self_is_a_placeholder_however_long_and_a_real_answer_is_not():
    plan = Plan.from_document(
        doc(
            levels={
                1: {"answers": {"data_when": "TODO: ask Bob", "fast_vs_async": "n.a."}},
                4: {"answers": {"sync": "TBD - after the pilot", "source_of_truth": "To do: pg"}},
                2: {"answers": {"updated_together": "To do lists and items, together."}},
            }
        )
    )
    assert plan.levels["1"].answers == {"data_when": "", "fast_vs_async": ""}
    assert plan.levels["4"].answers == {"sync": "", "source_of_truth": ""}
    assert plan.levels["2"].answer("updated_together") == "To do lists and items, together."


def test_a_group_of_addressed_findings_is_headed_by_its_count_and_names():
    names = [f"Partner {i}" for i in range(20)]
    answers = {"external_services": "Every partner call times out after 5 s and is retried."}
    document = doc({"external_services": "\n".join(names)}, {1: {"answers": answers}})
    (grouped,) = addressed(advise(document), "GAP-EXTERNAL-NO-FAILURE")
    assert headline(grouped) == (
        "External service without failure handling — 20 services, each covered already: "
        "Partner 0, Partner 1, Partner 10, Partner 11, Partner 12, Partner 13, Partner 14, "
        "Partner 15, Partner 16, Partner 17 and 10 more."
    )
    (observability,) = find(advise(document), "REC-OBSERVABILITY")
    assert [e["name"] for e in observability.evidence][-1] == "external_services"
    assert "Partner 19" in observability.evidence[-1]["text"]


def test_a_plural_entry_name_takes_a_plural_verb():
    early = doc({"stage": "prototype", "scale": "lt100"}, decisions=[decision("read-replicas")])
    (flag,) = find(advise(early), "RF-SCALE-YEARS-AWAY")
    assert flag.message.startswith("Read replicas are adopted")
    # Its other red flag about the same decision is said by it, once.
    assert flag.also == ("RF-PATTERN-NO-PROBLEM",)
    assert flag.message.endswith("Also a red flag here: a pattern with no problem to solve.")
    assert not find(advise(early), "RF-PATTERN-NO-PROBLEM")
    later = doc({"stage": "scaling", "scale": "gt100k"}, decisions=[decision("read-replicas")])
    (motive,) = find(advise(later), "RF-PATTERN-NO-PROBLEM")
    assert motive.message.startswith("Read replicas are adopted with no problem recorded")
