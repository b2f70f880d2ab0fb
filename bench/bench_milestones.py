"""Milestone creation and compare of two 200-row plans, on PostgreSQL, in process.

    .venv/bin/python bench/bench_milestones.py [--runs 10] [--rows 200]

Drops and recreates the database BENCH_DB (default `backplan_milestones`) on BENCH_PG
(default postgres://postgres@127.0.0.1:5432), builds one plan with `--rows` rows in
every list (`bench.common.build_large_plan`), saves a milestone, changes the plan (a
tenth of the rows renamed, a field changed in another tenth, rows added and removed,
words changed in long answers of ~1,500 words, decisions' statuses changed) and saves a
second one. Then it times,
with DEBUG off (issue 10's target: each under 300 ms):

- `milestone_create` (the service) and the POST that saves a milestone (whole request);
- `plan_diff` of the two milestones (the engine alone);
- the compare page: milestone against milestone, and milestone against the current plan
  (the live plan read and its findings, then the diff and the page);
- the compare Markdown.

Results: bench/results/bench_milestones.json.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    bench_environment,
    build_large_plan,
    measure,
    recreate_database,
    report,
    setup_django,
)

DB_NAME = os.environ.get("BENCH_DB", "backplan_milestones")
bench_environment(DB_NAME, CONN_MAX_AGE="60")


def change_plan(project, rows: int) -> None:
    """What a few weeks of work do to a plan: renames, edits, rows in and out, answers."""
    from planner.models import Decision, Entity, JourneyStep, LevelAnswer

    tenth = max(1, rows // 10)
    for entity in Entity.objects.filter(project=project).order_by("pk")[:tenth]:
        entity.name = f"{entity.name} (renamed)"
        entity.save(update_fields=["name"])
    steps = JourneyStep.objects.filter(project=project).order_by("-pk")
    for step in steps[:tenth]:
        step.data_needed = "Messages and their senders, newest first, " + step.data_needed
        step.save(update_fields=["data_needed"])
    JourneyStep.objects.filter(pk__in=[s.pk for s in steps[tenth : 2 * tenth]]).delete()
    JourneyStep.objects.bulk_create(
        [JourneyStep(project=project, name=f"New step {i}") for i in range(tenth)]
    )
    for decision in Decision.objects.filter(project=project)[:tenth]:
        decision.status = "defer"
        decision.save(update_fields=["status"])
    for level in LevelAnswer.objects.filter(project=project):
        level.answers = {
            key: value.replace("every screen", "each screen and widget", 3)
            for key, value in level.answers.items()
        }
        level.save(update_fields=["answers"])


def fill_answers(project) -> None:
    """Long answers (~1,500 words each) to every key question, so answers diff word by word."""
    from planner.levels import LEVELS
    from planner.models import LevelAnswer

    text = "We load every screen from the cache first, then refresh it from the server. " * 100
    for level in LEVELS:
        LevelAnswer.objects.filter(project=project, level=level.number).update(
            answers={q.key: text for q in level.questions}
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()
    recreate_database(DB_NAME)
    setup_django()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from planner.changes_markdown import changes_markdown
    from planner.milestones import CURRENT, milestone_create, milestone_side
    from planner.models import Milestone
    from planner.plan_diff import plan_diff

    project, editor = build_large_plan(args.rows)
    client = Client()
    client.force_login(editor, backend="accounts.lean.UserBackend")
    fill_answers(project)
    first = milestone_create(project=project, user=editor, name="Review 1")
    change_plan(project, args.rows)
    second = milestone_create(project=project, user=editor, name="Review 2")
    count = iter(range(10**6))
    new_url = reverse("milestone_new", args=[project.pk])
    compare = reverse("compare", args=[project.pk])
    both = f"{compare}?old={first.pk}&new={second.pk}"
    live = f"{compare}?old={first.pk}&new={CURRENT}"
    markdown = reverse("compare_markdown", args=[project.pk]) + f"?old={first.pk}&new={second.pk}"

    def ok(response):
        assert response.status_code in (200, 302), response.content[:300]
        return response

    targets = {
        "milestone_create (service)": lambda: milestone_create(
            project=project, user=editor, name=f"Bench {next(count)}"
        ),
        "POST milestone (request)": lambda: ok(
            client.post(new_url, {"name": f"Bench {next(count)}"})
        ),
        "plan_diff (engine)": lambda: plan_diff(milestone_side(first), milestone_side(second)),
        "GET compare milestone/milestone": lambda: ok(client.get(both)),
        "GET compare milestone/current": lambda: ok(client.get(live)),
        "GET compare Markdown": lambda: ok(client.get(markdown)),
    }
    diff = plan_diff(milestone_side(first), milestone_side(second))
    queries = {}
    for name, fn in targets.items():
        with CaptureQueriesContext(connection) as captured:
            fn()
        queries[name] = len(captured)
    timings = [measure(name, fn, runs=args.runs) for name, fn in targets.items()]
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    path = report(
        "bench_milestones",
        timings,
        rows=args.rows,
        queries=queries,
        diff_counts=diff["counts"],
        markdown_kb=round(len(changes_markdown(diff)) / 1024),
        milestones=Milestone.objects.filter(project=project).count(),
    )
    for name, n in queries.items():
        print(f"{name:<40} {n} queries")
    print(f"diff: {diff['counts']}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
