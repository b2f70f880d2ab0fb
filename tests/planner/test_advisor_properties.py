"""The advisor never raises, whatever plan document it is given."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.advisor import KINDS, SEVERITIES, STEPS, advise, counts

ENUM_VALUES = [
    "",
    "lt100",
    "lt1k",
    "lt10k",
    "lt100k",
    "gt100k",
    "solo",
    "2-5",
    "6-20",
    "20+",
    "convex",
    "django",
    "supabase",
    "none",
    "some",
    "core",
    "pii",
    "payments",
    "prototype",
    "mvp",
    "adopt",
    "reject",
    "defer",
    "complete",
    "skipped",
    "in_progress",
    "realtime",
    "immediate",
    "background",
    "query",
    "organisation",
    "security",
    "1:N",
    "N:M",
    "merge",
    "caching",
    "microservices",
    "multi-region",
    "planned",
    "fast",
    "async",
    "bogus",
]
NAMES = ["A", "B", "Core", "Message", "", "Ghost"]

junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
value = st.sampled_from(ENUM_VALUES) | st.sampled_from(NAMES) | st.text(max_size=30) | junk
names = st.lists(st.sampled_from(NAMES) | junk, max_size=4)


def row(fields: list[str]):
    return st.dictionaries(
        st.sampled_from([*fields, "entities", "revealed_by", "offline", "extra"]),
        value | names | st.fixed_dictionaries({"kind": value, "name": value}),
        max_size=len(fields) + 2,
    )


def rows(fields: list[str]):
    return st.lists(row(fields) | junk, max_size=6) | junk


CONTEXT_KEYS = [
    "product",
    "scale",
    "team_size",
    "languages",
    "platform",
    "clients",
    "realtime",
    "offline",
    "ai",
    "external_services",
    "sensitivity",
    "stage",
]

documents = st.fixed_dictionaries(
    {},
    optional={
        "schema": st.just("backplan/plan") | junk,
        "schema_version": st.just(1) | junk,
        "context": st.dictionaries(st.sampled_from(CONTEXT_KEYS), value | names, max_size=12)
        | junk,
        "levels": st.dictionaries(
            st.sampled_from(["1", "2", "3", "4", "5", "6", "7", "x"]),
            st.fixed_dictionaries(
                {},
                optional={
                    "status": value,
                    "skip_reason": value,
                    "answers": st.dictionaries(
                        value.filter(lambda v: isinstance(v, str)), value, max_size=3
                    )
                    | junk,
                },
            )
            | junk,
            max_size=7,
        )
        | junk,
        "journey_steps": rows(["name", "data_needed", "timing", "updates", "external_services"]),
        "boundaries": rows(["name", "responsibility", "reason"]),
        "operations": rows(["name", "category", "boundary", "trigger", "latency"]),
        "entities": rows(["name", "source_of_truth", "boundary", "concurrency"]),
        "relationships": rows(["source", "target", "cardinality", "sync", "failure"]),
        "decisions": rows(["pattern", "status", "problem", "rationale"]),
        "techniques": rows(["technique", "status", "notes"]),
        "custom_entries": rows(["slug", "name"]),
        "core_questions": st.dictionaries(
            value.filter(lambda v: isinstance(v, str)),
            st.fixed_dictionaries({}, optional={"answer": value, "levels": junk}) | junk,
            max_size=5,
        )
        | junk,
        "dismissed_findings": rows(["key", "reason"]),
    },
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_advise_never_raises_on_odd_plan_documents(document):
    findings = advise(document)
    for finding in findings:
        assert finding.kind in KINDS and finding.severity in SEVERITIES and finding.level in STEPS
        json.dumps(finding.as_dict())
    assert sum(counts(findings).values()) <= len(findings)


@settings(max_examples=100, deadline=None)
@given(junk)
def test_advise_never_raises_on_anything_at_all(anything):
    advise(anything)
