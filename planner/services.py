"""Work on a plan that spans several rows or has side effects."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from planner.advisor import Finding, advise
from planner.document import plan_document
from planner.levels import Level
from planner.models import Activity, LevelAnswer, LevelStatus, Project
from planner.versioning import StaleVersion
from planner.workspace import ensure_plan_rows


def project_create(*, team, user: User, name: str, description: str = "") -> Project:
    with transaction.atomic():
        project = Project.objects.create(
            team=team, name=name, description=description, created_by=user
        )
        ensure_plan_rows(project)
        activity_record(project=project, user=user, summary=f"created the project “{name}”")
    return project


def activity_record(*, project: Project, user: User | None, summary: str) -> None:
    """Log a change. It also moves the project's `updated_at`, which marks the cached
    findings as out of date."""
    Activity.objects.create(project=project, user=user, summary=summary[:300])
    project.updated_at = timezone.now()
    Project.objects.filter(pk=project.pk).update(updated_at=project.updated_at)


def level_answer_save(
    *, project: Project, level: Level, key: str, value: str, original: str, version: int, user
) -> LevelAnswer:
    """Save one key question's answer.

    The save names the level's version it was made from. If someone saved the
    level since, the save still goes through when *this* question is exactly as
    the person found it (they edited different questions); otherwise it is
    refused with the current text, so nothing is overwritten unseen.
    """
    LevelAnswer.objects.get_or_create(project=project, level=level.number)
    with transaction.atomic():
        answer = LevelAnswer.objects.select_for_update().get(project=project, level=level.number)
        current = answer.answers.get(key, "")
        if answer.version != version and current != original and current != value:
            raise StaleVersion(answer)
        answer.answers = {**answer.answers, key: value}
        if answer.status == LevelStatus.NOT_STARTED and value.strip():
            answer.status = LevelStatus.IN_PROGRESS
        answer.version += 1
        answer.save(update_fields=["answers", "status", "version"])
        activity_record(
            project=project, user=user, summary=f"answered “{key}” in level {level.number}"
        )
    return answer


def level_status_set(
    *, project: Project, level: Level, action: str, reason: str, user
) -> LevelAnswer:
    """Mark a level complete, reopen it or skip it. Rules are checked by the caller's form
    (never-skip, reason required) and by the caller's check of what completion
    still needs (`Plan.missing_for_completion`)."""
    LevelAnswer.objects.get_or_create(project=project, level=level.number)
    with transaction.atomic():
        answer = LevelAnswer.objects.select_for_update().get(project=project, level=level.number)
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
        activity_record(
            project=project,
            user=user,
            summary=f"set level {level.number} to {answer.get_status_display().lower()}",
        )
    return answer


def level_touch(*, project: Project, level_number: int) -> None:
    """A row was added or changed: a level nobody had started is now in progress."""
    LevelAnswer.objects.filter(
        project=project, level=level_number, status=LevelStatus.NOT_STARTED
    ).update(status=LevelStatus.IN_PROGRESS)


SEVERITIES = ["high", "medium", "low", "info"]


def plan_findings(project: Project, *, fresh: bool = False) -> list[Finding]:
    """The advisor's findings for the plan as it is stored now.

    They are cached on the project, stamped with the `updated_at` they were
    computed for; every save moves `updated_at` (activity_record), so a page
    recomputes them only when the plan changed since. `fresh` skips the cache.
    """
    stamp = project.updated_at.isoformat()
    cached = project.findings_cache or {}
    if not fresh and cached.get("at") == stamp:
        return [finding_from_dict(item) for item in cached["items"]]
    findings = advise(plan_document(project))
    project.findings_cache = {"at": stamp, "items": [f.as_dict() for f in findings]}
    Project.objects.filter(pk=project.pk).update(findings_cache=project.findings_cache)
    return findings


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
    )


def finding_totals(findings: list) -> dict[str, int]:
    totals = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        if not finding.is_dismissed:
            totals[finding.severity] = totals.get(finding.severity, 0) + 1
    return totals


def summary_refresh(plan, findings: list) -> None:
    """Keep the dashboard's one-line view of the project in step with the plan."""
    summary = {
        "percent": plan.percent_done(),
        "steps": [[s.step, s.status] for s in plan.progress()],
        "findings": finding_totals(findings),
    }
    if summary != plan.project.summary:
        Project.objects.filter(pk=plan.project.pk).update(summary=summary)
        plan.project.summary = summary
