"""Traceability: the chains from the journey to the decisions, and the orphans."""

import pytest
from django.urls import reverse

from planner.importing import plan_import
from planner.models import Operation
from planner.traceability import plan_trace
from tests.conftest import make_project
from tests.planner.document_helpers import demo, minimal
from tests.planner.plans import fill_plan

ENTRIES = {
    "background-jobs": {"name": "Background job processing", "category": "Scaling"},
    "caching": {"name": "Caching", "category": "Scaling"},
    "microservices": {"name": "Microservices", "category": "Architecture"},
    "retry-backoff": {"name": "Retry with backoff", "category": "Error handling"},
    "batch-operations": {"name": "Batch operations", "category": "Scaling"},
}


def small_plan() -> dict:
    return minimal(
        journey_steps=[{"name": "Send"}, {"name": "Sign in"}],
        operations=[
            {
                "name": "send",
                "category": "immediate",
                "entities": ["Message"],
                "journey_steps": ["Send"],
            },
            {
                "name": "notify",
                "category": "background",
                "entities": ["User"],
                "journey_steps": ["Send"],
            },
            {"name": "purge", "category": "maintenance", "entities": [], "journey_steps": []},
        ],
        entities=[{"name": "Message"}, {"name": "User"}, {"name": "Audit"}],
        relationships=[{"source": "User", "target": "Message", "cardinality": "1:N"}],
        decisions=[
            {
                "pattern": "background-jobs",
                "status": "adopt",
                "revealed_by": {"kind": "operation", "name": "notify"},
            },
            {
                "pattern": "caching",
                "status": "reject",
                "revealed_by": {"kind": "journey_step", "name": "Send"},
            },
            {"pattern": "microservices", "status": "defer", "revealed_by": None},
        ],
        techniques=[
            {"technique": "batch-operations", "status": "planned"},
            {"technique": "retry-backoff", "status": "in_place"},
        ],
    )


def names(nodes) -> list[str]:
    return [n.name for n in nodes]


def test_a_step_leads_to_its_operations_entities_decisions_and_techniques():
    trace = plan_trace(small_plan(), ENTRIES, {("operation", "send"): "/edit/send"})
    send, sign_in = trace.steps
    assert [o.operation.name for o in send.operations] == ["send", "notify"]
    first, second = send.operations
    assert (first.operation.note, first.operation.url) == ("Immediate user operation", "/edit/send")
    assert names(first.entities) == ["Message"]
    assert names(second.decisions) == ["Background job processing"]
    assert [(d.name, d.note) for d in send.decisions] == [("Caching", "Reject")]
    # Techniques of the category of the chain's decisions (Scaling), not the others.
    assert [(t.name, t.note) for t in send.techniques] == [("Batch operations", "Planned")]
    assert sign_in.operations == [] and sign_in.techniques == []


def test_orphans_are_what_hangs_from_nothing():
    orphans = plan_trace(small_plan(), ENTRIES, {}).orphans
    assert {kind: names(nodes) for kind, nodes in orphans.items()} == {
        "operation": ["purge"],
        "entity": ["Audit"],
        "decision": ["Microservices"],
        "journey_step": ["Sign in"],
    }


def test_a_relationship_between_an_operations_entities_leads_to_its_decisions():
    plan = small_plan()
    plan["operations"][0]["entities"] = ["User", "Message"]
    plan["decisions"][0]["revealed_by"] = {"kind": "relationship", "name": "User -> Message"}
    send = plan_trace(plan, ENTRIES, {}).steps[0]
    assert names(send.operations[0].decisions) == ["Background job processing"]


# --- The page ---------------------------------------------------------------------------


@pytest.fixture
def chat(team, owner, catalogue):
    return plan_import(team=team, document=demo(), user=owner, name="Chat")


def test_viewers_see_the_chains_with_links_to_the_editor(chat, viewer_client):
    response = viewer_client.get(reverse("trace", args=[chat.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    send = Operation.objects.get(project=chat, name="sendMessage")
    level3 = reverse("workspace_step", args=[chat.pk, "3"])
    assert f'href="{level3}?all=operation#operation-{send.pk}"' in body
    # The demo's maintenance job serves no step; "Sign in" has no operation.
    assert "Operations that serve no journey step" in body and "purgeStaleSummaries" in body
    assert "Journey steps no operation serves" in body
    assert "Decisions revealed by nothing" in body and "Microservices" in body


def test_user_text_is_escaped(team, owner, catalogue, owner_client):
    document = minimal(journey_steps=[{"name": "<script>alert(1)</script>"}])
    project = plan_import(team=team, document=document, user=owner)
    body = owner_client.get(reverse("trace", args=[project.pk])).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert(1)" in body


def test_the_page_reads_the_plan_in_a_fixed_number_of_queries(
    team, owner, catalogue, owner_client, django_assert_num_queries
):
    for rows in (3, 120):
        project = fill_plan(make_project(team, name=f"Plan {rows}", created_by=owner), rows=rows)
        # the session with its user and their access, the whole plan in one statement
        with django_assert_num_queries(2):
            assert owner_client.get(reverse("trace", args=[project.pk])).status_code == 200
