"""Work on a plan that spans several rows or has side effects."""

import hashlib
import json
from contextlib import nullcontext
from functools import cache

from django.db import connection, transaction

from accounts import lean
from accounts.models import User
from planner import activity, registry
from planner.advisor import ADVISOR_VERSION, Finding, Run, counts, run_rules
from planner.document import advisor_plan
from planner.improvements import improvements_sync
from planner.levels import Level
from planner.models import (
    Context,
    LevelAnswer,
    LevelStatus,
    Project,
    ProjectFindings,
)
from planner.versioning import StaleVersion, save_versioned
from planner.workspace import ensure_plan_rows, load_plan, percent_done


def project_create(*, team, user: User, name: str, description: str = "") -> Project:
    with transaction.atomic():
        project = Project.objects.create(
            team=team, name=name, description=description, created_by=user
        )
        ensure_plan_rows(project)
        activity.record(project=project, user=user, summary=f"created the project “{name}”")
    return project


def level_locked(project: Project, number: int) -> LevelAnswer:
    """The level's answer row, locked for this transaction (created if it was missing)."""
    return level_row(project, number, lock=True)


def level_row(project: Project, number: int, *, lock: bool = False) -> LevelAnswer:
    """The level's answer row as it stands (created if it was missing). One plain
    statement (`accounts.lean`): every answer save reads it."""
    locks = lock and connection.features.has_select_for_update
    sql = _level_sql() + (" FOR UPDATE" if locks else "")
    found = lean.fetch(sql, [project.pk, number])
    if not found:
        ensure_plan_rows(project)
        found = lean.fetch(sql, [project.pk, number])
    (answer,) = lean.instances(found[0], LevelAnswer)
    return answer


@cache
def _level_sql() -> str:
    return (
        f"SELECT {lean.columns(LevelAnswer, 'a')} FROM {lean.table(LevelAnswer)} a "  # noqa: S608
        "WHERE a.project_id = %s AND a.level = %s"
    )


STATUS_FIELDS = ("status", "skip_reason")


def level_answer_save(
    *, project: Project, level: Level, key: str, value: str, original: str, version: int, user
) -> LevelAnswer:
    """Save one key question's answer.

    The save names the level's version it was made from. If someone saved the
    level since, the save still goes through when *this* question is exactly as
    the person found it (they edited different questions); otherwise it is
    refused with the current text, so nothing is overwritten unseen.

    The level is written only at the version just read (`save_versioned`: the answer,
    its log entry and the plan's version in one statement, no lock held); a save
    landing in between sends it round again, to read and decide afresh. The last
    round waits for the row's lock, so a busy level still takes every save.
    """
    question = next((q.label for q in level.questions if q.key == key), key)
    for attempt in range(ANSWER_ATTEMPTS):
        locked = attempt == ANSWER_ATTEMPTS - 1
        with transaction.atomic() if locked else nullcontext():
            answer = level_row(project, level.number, lock=locked)
            current, read = answer.answers.get(key, ""), answer.version
            if read != version and current != original and current != value:
                raise StaleVersion(answer)
            answer.answers = {**answer.answers, key: value}
            if answer.status == LevelStatus.NOT_STARTED and value.strip():
                answer.status = LevelStatus.IN_PROGRESS
            logged = activity.entry(
                project=project,
                user=user,
                summary=f"answered “{question}” in Level {level.number}",
                step=level.step,
                target=question,
                changes=activity.diff({question: current}, {question: value}),
            )
            try:
                save_versioned(answer, read, ["answers", "status"], logged)
            except StaleVersion:
                continue
            return answer


ANSWER_ATTEMPTS = 3


def level_status_set(
    *, project: Project, level: Level, action: str, reason: str, user
) -> LevelAnswer:
    """Mark a level complete, reopen it or skip it. Rules are checked by the caller's form
    (never-skip, reason required) and by the caller's check of what completion
    still needs (`Plan.missing_for_completion`)."""
    with transaction.atomic():
        answer = level_locked(project, level.number)
        before = activity.snapshot(answer, STATUS_FIELDS)
        if action == "complete":
            answer.status, answer.skip_reason = LevelStatus.COMPLETE, ""
        elif action == "skip":
            answer.status, answer.skip_reason = LevelStatus.SKIPPED, reason.strip()
        else:
            answer.status = (
                LevelStatus.IN_PROGRESS if any(answer.answers.values()) else LevelStatus.NOT_STARTED
            )
            answer.skip_reason = ""
        answer.version += 1
        answer.save(update_fields=["status", "skip_reason", "version"])
        activity.record(
            project=project,
            user=user,
            summary=f"set level {level.number} to {answer.get_status_display().lower()}",
            step=level.step,
            target=f"Level {level.number}",
            changes=activity.diff(before, activity.snapshot(answer, STATUS_FIELDS)),
        )
    return answer


def level_touch(*, project: Project, level_number: int) -> None:
    """A row was added or changed: a level nobody had started is now in progress."""
    LevelAnswer.objects.filter(
        project=project, level=level_number, status=LevelStatus.NOT_STARTED
    ).update(status=LevelStatus.IN_PROGRESS)


# The context step also shows what the context filter concluded, wherever it applies.
CONTEXT_FILTER_KINDS = ("elimination", "recommendation")


def panel_findings(findings: list[Finding], step: str) -> list[Finding]:
    """The findings the advisor panel of `step` shows, most severe first."""
    return [
        f
        for f in findings
        if f.level == step or (step == "context" and f.kind in CONTEXT_FILTER_KINDS)
    ]


def findings_stamp(project: Project) -> str:
    """Stored findings are current while the plan and the advisor are both unchanged."""
    return f"{project.updated_at.isoformat()}|{ADVISOR_VERSION}"


# The advisor's last run on each plan this process saw, with each step's findings and
# the digest of their JSON. The next run on the plan runs again only the rules that
# read a changed part (`advisor.run_rules`): sound from any earlier run, whoever saved
# since. The dictionary starts afresh when it is full.
_ADVISED: dict[int, tuple[Run, dict[str, tuple[list[Finding], str]]]] = {}
ADVISED_KEPT = 200


def findings_refresh(plan) -> list[Finding]:
    """Run the advisor on the plan as stored now and keep the findings, one row per step,
    stamped with the project's `updated_at`; the dashboard summary follows."""
    project = plan.project
    if len(_ADVISED) >= ADVISED_KEPT and project.pk not in _ADVISED:
        _ADVISED.clear()
    run, before = _ADVISED.get(project.pk, (None, {}))
    run = run_rules(advisor_plan(project, plan.parts), run)
    findings = run.findings
    by_step, texts = {}, {}
    for step in registry.STEPS:
        found = panel_findings(findings, step)
        kept = before.get(step)
        if kept is not None and kept[0] == found:  # the same findings: the same digest
            by_step[step] = kept
        else:
            texts[step] = findings_json(found)
            by_step[step] = (found, digest(texts[step]))
    findings_write(project.pk, findings_stamp(project), by_step, texts)
    _ADVISED[project.pk] = (run, by_step)
    summary_refresh(plan, findings)
    if project.tracks_improvements:
        improvements_sync(project.pk, [f.as_dict() for f in findings])
    return findings


def findings_json(findings: list[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings])


def digest(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def findings_write(
    project_id: int,
    stamp: str,
    by_step: dict[str, tuple[list[Finding], str]],
    texts: dict[str, str] | None = None,
) -> None:
    """Store each step's findings, given with their digest, under `stamp` (`texts`: the
    JSON of those made already). A step whose row has the same digest only has its
    stamp moved: one small UPDATE for all of them, the JSON not sent again. The others
    are written whole in one upsert (plain SQL: `bulk_create` sends rows as arrays on
    PostgreSQL, and quoting the findings into an array literal cost more than the
    advisor itself)."""
    texts = texts or {}
    q = connection.ops.quote_name
    table = q(ProjectFindings._meta.db_table)
    project, step, at, items, digest_ = map(q, ("project_id", "step", "at", "items", "digest"))
    with connection.cursor() as cursor:
        pairs = ", ".join(["(%s, %s)"] * len(by_step))
        cursor.execute(
            f"UPDATE {table} SET {at} = %s WHERE {project} = %s "  # noqa: S608
            f"AND ({step}, {digest_}) IN (VALUES {pairs}) RETURNING {step}",
            [stamp, project_id, *(v for s, (_, d) in by_step.items() for v in (s, d))],
        )
        moved = {found for (found,) in cursor.fetchall()}
        written = [s for s in by_step if s not in moved]
        if not written:
            return
        params = []
        for name in written:
            found, sign = by_step[name]
            text = texts.get(name) or findings_json(found)
            params += [project_id, name, stamp, text, sign]
        rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(written))
        cursor.execute(
            f"INSERT INTO {table} ({project}, {step}, {at}, {items}, {digest_}) "  # noqa: S608
            f"VALUES {rows} ON CONFLICT ({project}, {step}) DO UPDATE SET {at} = excluded.{at}, "
            f"{items} = excluded.{items}, {digest_} = excluded.{digest_}",
            params,
        )


def step_findings(plan, step: str) -> list[Finding]:
    """What the advisor panel of `step` shows."""
    return steps_findings(plan, [step])[step]


def steps_findings(plan, steps: list[str]) -> dict[str, list[Finding]]:
    """What the advisor panels of `steps` show, read in one query: the stored rows when
    they are as recent as the plan (and the summary holds the totals), otherwise
    everything is recomputed."""
    project = plan.project
    stamp = findings_stamp(project)
    rows = ProjectFindings.objects.filter(project=project, step__in=steps, at=stamp)
    stored = dict(rows.values_list("step", "items"))
    if len(stored) == len(set(steps)) and "findings" in project.summary:
        return {step: [finding_from_dict(item) for item in stored[step]] for step in steps}
    found = findings_refresh(plan)
    return {step: panel_findings(found, step) for step in steps}


def context_findings(project: Project) -> list[Finding]:
    """The context filter's conclusions for the whole plan (the context step's panel),
    for a page that has no loaded plan: one query while they are as recent as the plan."""
    rows = ProjectFindings.objects.filter(project=project, step="context")
    items = rows.filter(at=findings_stamp(project)).values_list("items", flat=True).first()
    if items is not None:
        return [finding_from_dict(item) for item in items]
    return panel_findings(plan_findings(project), "context")


def plan_findings(project: Project) -> list[Finding]:
    """Every finding of the plan (the findings page), from the stored rows when they are
    as recent as the plan; otherwise recomputed and stored."""
    stamp = findings_stamp(project)
    rows = ProjectFindings.objects.filter(project=project).values_list("step", "at", "items")
    rows = list(rows)
    if len(rows) == len(registry.STEPS) and all(at == stamp for _, at, _ in rows):
        items = [item for step, _, items in rows for item in items if item["level"] == step]
        return sorted(map(finding_from_dict, items), key=Finding.sort_key)
    # The summary needs counts, not rows: the context step loads none of the lists.
    return findings_refresh(load_plan(project, "context"))


def finding_from_dict(item: dict) -> Finding:
    return Finding(
        rule_id=item["rule_id"],
        kind=item["kind"],
        severity=item["severity"],
        level=item["level"],
        message=item["message"],
        evidence=tuple(item["evidence"]),
        action=item["action"],
        subject=item["subject"],
        dismissed=item.get("dismissed"),
        addressed_by=tuple(item.get("addressed_by") or ()),
        also=tuple(item.get("also") or ()),
    )


def context_values(project: Project) -> dict:
    """The plan's context as stored, every field (one query): the findings page says it
    once above the findings and starts its what-if panel from it."""
    names = [field.name for field in registry.CONTEXT_FIELDS]
    values = Context.objects.filter(project=project).values(*names).first()
    return values or dict.fromkeys(names, "")


def finding_totals(findings: list) -> dict[str, int]:
    """Open findings per severity (the advisor's own count)."""
    return counts(findings)


def summary_refresh(plan, findings: list) -> None:
    """Keep the dashboard's one-line view of the project in step with the plan."""
    steps = plan.progress()
    summary = {
        "percent": percent_done(steps),
        "steps": [[s.step, s.status] for s in steps],
        "findings": finding_totals(findings),
    }
    if summary != plan.project.summary:
        Project.objects.filter(pk=plan.project.pk).update(summary=summary)
        plan.project.summary = summary
