"""The improvement plan: open findings the team tracks as work (`ImprovementItem`).

An item follows its finding: `improvements_sync` runs wherever the findings are
refreshed after a save (`services.findings_refresh`) and, in one UPDATE, closes the
items whose finding is no longer open (addressed, dismissed or no longer produced) and
reopens those it closed when their finding is open again. An item a person marked
done stays done.
"""

import csv
import io
from collections.abc import Iterable

from django.db.models import Case, Q, Value, When

from planner.markdown import escape_markdown
from planner.models import ImprovementItem, Project

Status = ImprovementItem.Status
CSV_COLUMNS = ["Finding", "Level", "Severity", "Owner", "Due", "Status", "Note", "Key"]


def finding_status(finding: dict) -> str:
    """ "open", "addressed" or "dismissed" (findings before the advisor kept a status
    have only `dismissed`)."""
    return finding.get("status") or ("dismissed" if finding["dismissed"] else "open")


def open_keys(findings: Iterable[dict]) -> list[str]:
    return [f["key"] for f in findings if finding_status(f) == "open"]


def improvements_sync(project_id: int, findings: list[dict]) -> int:
    """Close the items whose finding is no longer open, reopen the ones closed that way
    whose finding is open again. One statement; returns how many items moved."""
    keys = open_keys(findings)
    is_open = Q(finding_key__in=keys)
    moved = ImprovementItem.objects.filter(project_id=project_id).filter(
        (Q(closed_by_plan=True) & is_open) | (Q(status__in=[Status.OPEN, Status.DOING]) & ~is_open)
    )
    if not keys:  # `IN ()` cannot be written: nothing is open, so everything closes
        return moved.update(status=Status.DONE, closed_by_plan=True)
    return moved.update(
        status=Case(When(is_open, then=Value(Status.OPEN)), default=Value(Status.DONE)),
        closed_by_plan=Case(When(is_open, then=Value(False)), default=Value(True)),
    )


def item_track(*, project: Project, finding: dict, user) -> ImprovementItem:
    """Track an open finding (or return the item that already tracks it)."""
    item, _ = ImprovementItem.objects.get_or_create(
        project=project,
        finding_key=finding["key"],
        defaults={
            "title": finding["message"],
            "step": finding["level"],
            "severity": finding["severity"],
            "created_by": user,
        },
    )
    return item


def item_row(item: ImprovementItem, step_titles: dict[str, str]) -> list[str]:
    return [
        item.title,
        step_titles.get(item.step, item.step),
        item.severity,
        str(item.owner) if item.owner else "",
        item.due.isoformat() if item.due else "",
        item.get_status_display(),
        item.note,
        item.finding_key,
    ]


def items_csv(items: Iterable[ImprovementItem], step_titles: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in items:
        # A cell starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow([defused(cell) for cell in item_row(item, step_titles)])
    return out.getvalue()


def defused(cell: str) -> str:
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def items_markdown(
    project: Project, items: Iterable[ImprovementItem], step_titles: dict[str, str]
) -> str:
    """A Markdown checklist: one box per item, ticked when done."""
    lines = [f"# Improvement plan: {escape_markdown(project.name)}", ""]
    for item in items:
        title, level, severity, owner, due, status, note, _ = item_row(item, step_titles)
        box = "x" if item.status == Status.DONE else " "
        facts = (
            [level, severity, status]
            + [f"owner {owner}"] * bool(owner)
            + [f"due {due}"] * bool(due)
        )
        line = f"- [{box}] {one_line(title)} ({escape_markdown(', '.join(facts))})"
        lines.append(line + (f"  \n  {one_line(note)}" if note else ""))
    if len(lines) == 2:
        lines.append("_Nothing tracked yet._")
    return "\n".join(lines) + "\n"


def one_line(text: str) -> str:
    return escape_markdown(" ".join(text.split()))
