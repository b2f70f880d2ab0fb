"""The advisor's evaluation set: scenario plans and what must (and must not) fire on them.

Each scenario is `tests/advisor_scenarios/<slug>.expect.json`:

    {"title": "...",
     "plan": "planner/examples/realtime-chat.json",   # optional: else <slug>.json beside it
     "generate": {"rows": 1000, "seed": 2026},        # optional: a plan built here instead
     "max_open": 0, "max_findings": 300,              # optional limits
     "must_fire": {"RULE-ID": "why", "RULE-ID@Stripe": "why"},
     "must_not_fire": {"RULE-ID": "why"}}

"RULE-ID@word" narrows an expectation to findings that mention the word (in their
subject, message or evidence), for per-subject reasoning: the payment provider's
gap, not the email provider's. A must-fire id counts whatever the finding's status
(an addressed recommendation still shows the advisor reasoned about it); a
must-not-fire id is a forbidden hit only when such a finding is open.

Used by `tests/planner/test_advisor_scenarios.py` and `bench/advisor_eval.py`.
"""

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from planner.advisor import Finding
from planner.what_if import finding_status

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "advisor_scenarios"
EXAMPLES = ROOT / "planner" / "examples"


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    source: str  # where the plan comes from, for messages
    must_fire: dict[str, str]
    must_not_fire: dict[str, str]
    max_open: int | None = None
    max_findings: int | None = None
    generate: dict = field(default_factory=dict)

    def document(self) -> dict:
        if self.generate:
            return generated_plan(**self.generate)
        return json.loads((ROOT / self.source).read_text(encoding="utf-8"))


def scenarios() -> list[Scenario]:
    found = []
    for path in sorted(SCENARIOS.glob("*.expect.json")):
        slug = path.name.removesuffix(".expect.json")
        spec = json.loads(path.read_text(encoding="utf-8"))
        source = spec.get("plan") or str((SCENARIOS / f"{slug}.json").relative_to(ROOT))
        if spec.get("generate"):
            source = f"generated {spec['generate']}"
        found.append(
            Scenario(
                slug,
                spec["title"],
                source,
                spec["must_fire"],
                spec["must_not_fire"],
                spec.get("max_open"),
                spec.get("max_findings"),
                spec.get("generate", {}),
            )
        )
    return found


# --- Judging the advisor's findings ------------------------------------------------------


def mentions(finding: Finding, word: str) -> bool:
    """The finding names `word`: in its subject, message, suggestion or evidence."""
    said = [
        finding.subject,
        finding.message,
        finding.action,
        *(str(v) for e in finding.evidence for v in e.values()),
    ]
    return word.lower() in " ".join(said).lower()


def hits(findings: list[Finding], expectation: str) -> list[Finding]:
    rule_id, _, word = expectation.partition("@")
    # A red flag folded into another about the same subject is said by that one.
    return [
        f for f in findings if rule_id in (f.rule_id, *f.also) and (not word or mentions(f, word))
    ]


@dataclass(frozen=True)
class Outcome:
    hit: int  # must-fire expectations met
    missing: list[str]  # must-fire expectations with no finding
    forbidden: list[str]  # must-not-fire expectations with an open finding
    findings: int
    open: int
    problems: list[str]  # everything wrong, one line each


def judge(scenario: Scenario, findings: list[Finding]) -> Outcome:
    missing = [e for e in scenario.must_fire if not hits(findings, e)]
    forbidden = [
        e
        for e in scenario.must_not_fire
        if any(finding_status(f) == "open" for f in hits(findings, e))
    ]
    open_count = sum(finding_status(f) == "open" for f in findings)
    problems = [f"missing {e}: {scenario.must_fire[e]}" for e in missing]
    problems += [f"forbidden {e}: {scenario.must_not_fire[e]}" for e in forbidden]
    if scenario.max_open is not None and open_count > scenario.max_open:
        keys = ", ".join(f.key for f in findings if finding_status(f) == "open")
        problems.append(f"{open_count} open findings, at most {scenario.max_open}: {keys}")
    if scenario.max_findings is not None and len(findings) > scenario.max_findings:
        problems.append(f"{len(findings)} findings, at most {scenario.max_findings}")
    hit = len(scenario.must_fire) - len(missing)
    return Outcome(hit, missing, forbidden, len(findings), open_count, problems)


# --- The generated plan --------------------------------------------------------------------

SHARES = {  # rows per list for a 1,000-row plan
    "journey_steps": 150,
    "boundaries": 30,
    "operations": 400,
    "entities": 250,
    "relationships": 146,
    "decisions": 12,
    "techniques": 12,
}
REASONS = ["core", "performance", "scaling", "failure_isolation", "security"]
INTEGRATIONS = ["Stripe", "Postmark"]
CATEGORIES = ["immediate", "query", "query", "background", "realtime", "maintenance"]
CONCURRENCY = ["last_write", "optimistic", "locking", "append_only"]
DECISIONS = [
    "background-jobs",
    "database-transactions",
    "connection-pooling",
    "modular-monolith",
    "rate-limiting",
    "event-driven",
    "dead-letter-queue",
    "full-text-search",
    "api-gateway",
    "cdn-edge-caching",
    "pubsub-fanout",
    "read-replicas",
]
TECHNIQUES = [
    "input-validation",
    "auth-middleware",
    "injection-xss-prevention",
    "lazy-loading",
    "feature-flags",
    "webhook-signatures",
    "api-rate-limiting",
    "graceful-degradation",
    "standard-auth",
    "optimistic-concurrency",
    "encryption",
    "ci-cd-pipeline",
]


def generated_plan(rows: int = 1000, seed: int = 2026) -> dict:
    """A big organisation's plan of about `rows` rows, the same for the same seed: a
    100k+ user Django product built by 20+ engineers, a boundary per domain (and one
    per integration), operations touching one or two entities of their boundary and
    every fifth one an entity of the next boundary too, every tenth entity without a
    concurrency strategy."""
    rng = random.Random(seed)
    scale = rows / sum(SHARES.values())
    n = {key: max(1, round(count * scale)) for key, count in SHARES.items()}
    owned = [f"Domain {i}" for i in range(max(2, n["boundaries"] - len(INTEGRATIONS)))]
    boundaries = [(name, REASONS[i % len(REASONS)]) for i, name in enumerate(owned)]
    boundaries += [(name, "external") for name in INTEGRATIONS]
    entities = [
        {
            "name": f"Entity {i}",
            "description": f"Records of kind {i}.",
            "source_of_truth": f"table_{i}",
            "boundary": owned[i % len(owned)],
            "concurrency": "" if i % 10 == 0 else rng.choice(CONCURRENCY),
            "denormalized": "",
        }
        for i in range(n["entities"])
    ]
    by_boundary = {name: [e["name"] for e in entities if e["boundary"] == name] for name in owned}
    operations = []
    for i in range(n["operations"]):
        boundary = owned[i % len(owned)]
        touched = rng.sample(by_boundary[boundary], rng.randint(1, 2))
        if i % 5 == 0:  # now and then a write reaches into the next boundary
            touched.append(rng.choice(by_boundary[owned[(i + 1) % len(owned)]]))
        category = rng.choice(CATEGORIES)
        trigger = "Nightly batch over all rows" if category == "background" else "A user action"
        operations.append(
            {
                "name": f"listItems{i}" if category == "query" else f"op{i}",
                "category": category,
                "boundary": boundary,
                "trigger": trigger,
                "latency": "interactive" if category in ("immediate", "query") else "deferred",
                "entities": sorted(set(touched), key=lambda name: int(name.split()[1])),
            }
        )
    pairs = set()
    while len(pairs) < min(n["relationships"], n["entities"] - 1):
        a, b = rng.sample(range(n["entities"]), 2)
        pairs.add((min(a, b), max(a, b)))
    return {
        "schema": "backplan/plan",
        "schema_version": 1,
        "project": {"name": f"Generated plan ({rows} rows, seed {seed})", "description": ""},
        "context": {
            "product": "A marketplace for local services: bookings, payments and reviews.",
            "scale": "gt100k",
            "team_size": "20+",
            "languages": "Python",
            "platform": "django",
            "clients": ["web", "mobile", "api"],
            "realtime": "some",
            "offline": "none",
            "ai": "none",
            "external_services": "\n".join(INTEGRATIONS),
            "sensitivity": "pii",
            "stage": "production",
        },
        "levels": {
            str(level): {"status": "in_progress", "skip_reason": "", "answers": {}}
            for level in range(1, 7)
        },
        "journey_steps": [
            {
                "name": f"Step {i}",
                "data_needed": "The records on this screen.",
                "timing": "async" if i % 7 == 0 else "fast",
                "offline": False,
                "updates": "realtime" if i % 11 == 0 else "none",
                "external_services": "Postmark" if i % 7 == 0 else "",
            }
            for i in range(n["journey_steps"])
        ],
        "boundaries": [
            {"name": name, "responsibility": f"The {name.lower()} side.", "reason": reason}
            for name, reason in boundaries
        ],
        "operations": operations,
        "entities": entities,
        "relationships": [
            {
                "source": f"Entity {a}",
                "target": f"Entity {b}",
                "cardinality": rng.choice(["1:1", "1:N", "N:M"]),
                "sync": "Written in one transaction.",
                "failure": "Rolled back together.",
            }
            for a, b in sorted(pairs)
        ],
        "decisions": [
            {
                "pattern": slug,
                "status": "adopt",
                "problem": f"Operation {operations[i]['name']} is slow under load.",
                "rationale": "Measured at p95.",
                "revealed_by": {"kind": "operation", "name": operations[i]["name"]},
            }
            for i, slug in enumerate(DECISIONS[: n["decisions"]])
        ],
        "techniques": [
            {"technique": slug, "status": "planned", "notes": ""}
            for slug in TECHNIQUES[: n["techniques"]]
        ],
        "custom_entries": [],
        "core_questions": {
            key: {"answer": "Answered in the levels.", "levels": [4]}
            for key in ("data_integrity", "performance", "failure_isolation", "security")
        },
        "dismissed_findings": [],
    }
