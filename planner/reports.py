"""Share links and PDF reports: the services, and the plan as the reader sees it.

`plan_view(document)` turns a plan document (docs/plan-document.md) into plain
display data — labels instead of codes, level titles and questions from
`planner.levels`, rows as tables, findings grouped by severity — so the share
page, the PDF and the Markdown export show the same plan the same way, and the
templates need nothing beyond `if` and `for`.

The services keep the rules of share links (token shown once, stored hashed,
one indexed lookup per visit, uses counted atomically) and of reports (one per
exact plan document, rendered in the background, cached, retried when failed or
stuck).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from accounts.models import new_token, token_hash
from planner import levels as method
from planner.models import (
    BoundaryReason,
    CatalogueEntry,
    ClientKind,
    CoreQuestionKey,
    Entity,
    LevelStatus,
    Need,
    Operation,
    Platform,
    Project,
    Relationship,
    Report,
    ScaleBand,
    Sensitivity,
    ShareLink,
    Stage,
    TeamSize,
    Timing,
    Updates,
)
from planner.registry import STEP_TITLES

# --- The plan as the reader sees it ------------------------------------------------

CONTEXT_LABELS: list[tuple[str, str, dict[str, str]]] = [
    ("product", "Product", {}),
    ("scale", "User scale", dict(ScaleBand.choices)),
    ("team_size", "Team size", dict(TeamSize.choices)),
    ("languages", "Languages", {}),
    ("platform", "Framework or platform", dict(Platform.choices)),
    ("clients", "Clients", dict(ClientKind.choices)),
    ("realtime", "Real-time needs", dict(Need.choices)),
    ("offline", "Offline needs", dict(Need.choices)),
    ("ai", "AI / LLM integration", dict(Need.choices)),
    ("external_services", "External services", {}),
    ("sensitivity", "Data sensitivity", dict(Sensitivity.choices)),
    ("stage", "Stage", dict(Stage.choices)),
]

SEVERITIES: list[tuple[str, str]] = [
    ("high", "High"),
    ("medium", "Medium"),
    ("low", "Low"),
    ("info", "For information"),
]

FINDING_KINDS = {
    "recommendation": "Recommendation",
    "elimination": "Ruled out",
    "red_flag": "Red flag",
    "gap": "Gap",
    "skip_advice": "Skip advice",
}

DECISION_STATUS = {"adopt": "Adopted", "reject": "Rejected", "defer": "Deferred"}
TECHNIQUE_STATUS = {
    "planned": "Planned",
    "in_place": "Already in place",
    "not_needed": "Not needed",
}
REVEALED_BY_KIND = {
    "journey_step": "journey step",
    "operation": "operation",
    "entity": "entity",
    "relationship": "relationship",
}


CHUNK_ROWS = 25


@dataclass
class Table:
    """Rows of one list answer, ready to print: a caption, headings and text cells."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    empty: str = "None recorded."
    widths: list[str] = field(default_factory=list)  # CSS classes, one per column

    @property
    def headings(self) -> list[tuple[str, str]]:
        widths = self.widths + [""] * (len(self.columns) - len(self.widths))
        return list(zip(self.columns, widths, strict=False))

    @property
    def chunks(self) -> list[list[list[str]]]:
        """The rows in runs of CHUNK_ROWS. WeasyPrint lays out a table that spans many
        pages in time that grows with the page count, so long lists print as a series
        of shorter tables (each with its header) instead of one."""
        return [self.rows[i : i + CHUNK_ROWS] for i in range(0, len(self.rows), CHUNK_ROWS)] or [[]]


@dataclass
class LevelView:
    number: int
    anchor: str
    title: str
    intro: str
    status: str
    status_code: str
    skip_reason: str
    answers: list[tuple[str, str]]  # (question, answer)
    tables: list[Table] = field(default_factory=list)
    decisions: list[dict[str, str]] = field(default_factory=list)
    diagrams: list[tuple[str, str]] = field(default_factory=list)  # (caption, safe SVG)


def _label(choices: dict[str, str], value: Any) -> str:
    if value in (None, ""):
        return ""
    return choices.get(value, str(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def pretty_slug(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ").strip().capitalize()


def catalogue_names(document: dict) -> dict[str, str]:
    """Names of the catalogue entries a document uses: its own entries, then the shared ones.

    One query whatever the plan's size. A slug nobody knows is shown prettified.
    """
    slugs = {d.get("pattern", "") for d in document.get("decisions") or []}
    slugs |= {t.get("technique", "") for t in document.get("techniques") or []}
    slugs.discard("")
    names = {slug: pretty_slug(slug) for slug in slugs}
    if slugs:
        shared = CatalogueEntry.objects.filter(team=None, slug__in=slugs).values_list(
            "slug", "name"
        )
        names.update(dict(shared))
    for entry in document.get("custom_entries") or []:
        if entry.get("slug") and entry.get("name"):
            names[entry["slug"]] = entry["name"]
    return names


def document_hash(document: dict) -> str:
    """The documents engineer's hash when available; the same canonical sha256 otherwise."""
    try:
        from planner.document import document_hash as canonical_hash
    except ImportError:
        canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()
    return canonical_hash(document)


def plan_document_for(project: Project) -> dict:
    from planner.document import plan_document

    return plan_document(project)


def advise(document: dict) -> list:
    """The advisor's findings, or none while the advisor is not installed."""
    try:
        from planner.advisor import advise as run_advisor
    except ImportError:
        return []
    return list(run_advisor(document))


def _finding_dict(finding: Any) -> dict[str, Any]:
    get = finding.get if isinstance(finding, dict) else lambda k, d=None: getattr(finding, k, d)
    evidence = []
    for item in get("evidence", ()) or ():
        name = item.get("name", "")
        step = item.get("step", "")
        where = STEP_TITLES.get(str(step), str(step))
        evidence.append({"where": where, "name": name, "text": item.get("text", "")})
    return {
        "rule_id": get("rule_id", ""),
        "kind": FINDING_KINDS.get(get("kind", ""), get("kind", "")),
        "severity": get("severity", "info"),
        "step": STEP_TITLES.get(str(get("level", "")), str(get("level", ""))),
        "message": get("message", ""),
        "action": get("action", ""),
        "subject": get("subject", ""),
        "dismissed": get("dismissed", None),
        "evidence": evidence,
    }


def findings_view(findings: list) -> dict[str, Any]:
    """Open findings grouped by severity (most serious first), and the dismissed ones."""
    items = [_finding_dict(f) for f in findings]
    open_items = [f for f in items if f["dismissed"] is None]
    groups = []
    for code, label in SEVERITIES:
        members = [f for f in open_items if f["severity"] == code]
        if members:
            groups.append({"severity": code, "label": label, "items": members})
    return {
        "groups": groups,
        "dismissed": [f for f in items if f["dismissed"] is not None],
        "counts": {
            code: sum(1 for f in open_items if f["severity"] == code) for code, _ in SEVERITIES
        },
        "total": len(open_items),
    }


def _context_view(document: dict) -> list[tuple[str, str]]:
    context = document.get("context") or {}
    rows = []
    for key, label, choices in CONTEXT_LABELS:
        value = context.get(key)
        if isinstance(value, list):
            shown = ", ".join(_label(choices, v) for v in value)
        elif choices:
            shown = _label(choices, value)
        else:
            shown = _text(value)
        rows.append((label, shown))
    return rows


def _level_tables(number: int, document: dict, names: dict[str, str]) -> list[Table]:
    categories, latencies = dict(Operation.Category.choices), dict(Operation.Latency.choices)
    if number == 1:
        return [
            Table(
                "Journey steps",
                ["Step", "Data the frontend needs", "Timing", "Offline", "Updates", "External"],
                [
                    [
                        _text(s.get("name")),
                        _text(s.get("data_needed")),
                        _label(dict(Timing.choices), s.get("timing")),
                        "Yes" if s.get("offline") else "No",
                        _label(dict(Updates.choices), s.get("updates")),
                        _text(s.get("external_services")),
                    ]
                    for s in document.get("journey_steps") or []
                ],
                widths=["w-name", "w-wide", "w-narrow", "w-narrow", "w-narrow", "w-mid"],
            )
        ]
    if number == 2:
        return [
            Table(
                "Boundaries",
                ["Boundary", "Responsibility", "Reason"],
                [
                    [
                        _text(b.get("name")),
                        _text(b.get("responsibility")),
                        _label(dict(BoundaryReason.choices), b.get("reason")),
                    ]
                    for b in document.get("boundaries") or []
                ],
                widths=["w-name", "w-wide", "w-mid"],
            )
        ]
    if number == 3:
        return [
            Table(
                "Operations",
                ["Operation", "Category", "Boundary", "Trigger", "Latency", "Entities"],
                [
                    [
                        _text(o.get("name")),
                        _label(categories, o.get("category")),
                        _text(o.get("boundary")) or "—",
                        _text(o.get("trigger")),
                        _label(latencies, o.get("latency")),
                        _text(o.get("entities") or []),
                    ]
                    for o in document.get("operations") or []
                ],
                widths=["w-name", "w-mid", "w-mid", "w-wide", "w-narrow", "w-mid"],
            )
        ]
    if number == 4:
        return [
            Table(
                "Entities",
                ["Entity", "Description", "Source of truth", "Boundary", "Concurrency", "Copies"],
                [
                    [
                        _text(e.get("name")),
                        _text(e.get("description")),
                        _text(e.get("source_of_truth")),
                        _text(e.get("boundary")) or "—",
                        _label(dict(Entity.Concurrency.choices), e.get("concurrency")),
                        _text(e.get("denormalized")),
                    ]
                    for e in document.get("entities") or []
                ],
                widths=["w-name", "w-wide", "w-mid", "w-narrow", "w-narrow", "w-mid"],
            ),
            Table(
                "Relationships",
                ["Relationship", "Cardinality", "How they stay in sync", "When an update fails"],
                [
                    [
                        f"{_text(r.get('source'))} → {_text(r.get('target'))}",
                        _label(dict(Relationship.Cardinality.choices), r.get("cardinality")),
                        _text(r.get("sync")),
                        _text(r.get("failure")),
                    ]
                    for r in document.get("relationships") or []
                ],
                widths=["w-name", "w-narrow", "w-wide", "w-wide"],
            ),
        ]
    if number == 6:
        return [
            Table(
                "Techniques",
                ["Technique", "Status", "Notes"],
                [
                    [
                        names.get(t.get("technique", ""), pretty_slug(t.get("technique", ""))),
                        TECHNIQUE_STATUS.get(t.get("status", ""), _text(t.get("status"))),
                        _text(t.get("notes")),
                    ]
                    for t in document.get("techniques") or []
                ],
                widths=["w-name", "w-mid", "w-wide"],
            )
        ]
    return []


def _decisions(document: dict, names: dict[str, str]) -> list[dict[str, str]]:
    decisions = []
    for d in document.get("decisions") or []:
        revealed = d.get("revealed_by") or {}
        decisions.append(
            {
                "pattern": names.get(d.get("pattern", ""), pretty_slug(d.get("pattern", ""))),
                "status": DECISION_STATUS.get(d.get("status", ""), _text(d.get("status"))),
                "status_code": d.get("status", ""),
                "problem": _text(d.get("problem")),
                "rationale": _text(d.get("rationale")),
                "revealed_by": (
                    f"{REVEALED_BY_KIND.get(revealed.get('kind', ''), revealed.get('kind', ''))} "
                    f"“{revealed.get('name', '')}”"
                    if revealed
                    else ""
                ),
            }
        )
    return decisions


def plan_view(document: dict, *, findings: list | None = None, diagrams: bool = True) -> dict:
    """Everything a template needs to show one plan document, in reading order."""
    from planner.pdf import boundary_diagram, entity_diagram

    names = catalogue_names(document)
    stored_levels = document.get("levels") or {}
    level_views = []
    for lvl in method.LEVELS:
        stored = stored_levels.get(str(lvl.number)) or {}
        answers = stored.get("answers") or {}
        status = stored.get("status") or LevelStatus.NOT_STARTED
        view = LevelView(
            number=lvl.number,
            anchor=f"level-{lvl.number}",
            title=lvl.title,
            intro=lvl.intro,
            status=_label(dict(LevelStatus.choices), status),
            status_code=status,
            skip_reason=_text(stored.get("skip_reason")),
            answers=[(q.label, _text(answers.get(q.key))) for q in lvl.questions],
            tables=_level_tables(lvl.number, document, names),
        )
        if lvl.number == 5:
            view.decisions = _decisions(document, names)
        if diagrams and lvl.number == 3 and document.get("boundaries"):
            view.diagrams.append(("Boundaries and their operations", boundary_diagram(document)))
        if diagrams and lvl.number == 4 and document.get("entities"):
            view.diagrams.append(("Entities and relationships", entity_diagram(document)))
        level_views.append(view)

    stored_core = document.get("core_questions") or {}
    core = []
    for key, title, question in method.CORE_QUESTIONS:
        answer = stored_core.get(key) or {}
        core.append(
            {
                "key": key,
                "title": title or _label(dict(CoreQuestionKey.choices), key),
                "question": question,
                "answer": _text(answer.get("answer")),
                "levels": ", ".join(f"Level {n}" for n in answer.get("levels") or []),
            }
        )
    project = document.get("project") or {}
    return {
        "name": project.get("name", "Untitled plan"),
        "description": project.get("description", ""),
        "schema_version": document.get("schema_version", ""),
        "hash": document_hash(document),
        "context": _context_view(document),
        "levels": level_views,
        "core": core,
        "findings": findings_view(findings if findings is not None else advise(document)),
    }


# --- Share links ---------------------------------------------------------------------


def share_link_create(
    *, project: Project, user, label: str = "", expires_at: datetime | None = None
) -> tuple[ShareLink, str]:
    """A new link; the token is returned here once and only its hash is stored."""
    token = new_token()
    link = ShareLink.objects.create(
        project=project,
        token_hash=token_hash(token),
        label=label,
        created_by=user,
        expires_at=expires_at,
    )
    return link, token


def share_link_resolve(token: str) -> ShareLink:
    """The live link for `token`, or 404.

    Whatever the token — never issued, revoked, expired, malformed — the work is
    the same: hash it, then one indexed lookup that only matches live links.
    """
    link = (
        ShareLink.objects.select_related("project__team")
        .filter(token_hash=token_hash(token), revoked_at=None)
        .filter(Q(expires_at=None) | Q(expires_at__gt=timezone.now()))
        .first()
    )
    if link is None:
        raise Http404("This link does not exist or no longer works.")
    return link


def share_link_record_use(link: ShareLink) -> None:
    ShareLink.objects.filter(pk=link.pk).update(
        use_count=F("use_count") + 1, last_used_at=timezone.now()
    )


def share_link_revoke(link: ShareLink) -> None:
    ShareLink.objects.filter(pk=link.pk, revoked_at=None).update(revoked_at=timezone.now())


# --- Reports ----------------------------------------------------------------------------


def report_request(*, project: Project, user, document: dict) -> Report:
    """The report for this exact document: the cached one, or a new one queued for a worker."""
    content_hash = document_hash(document)
    report = Report.objects.filter(project=project, content_hash=content_hash).first()
    if report is None:
        try:
            report = Report.objects.create(
                project=project, content_hash=content_hash, document=document, requested_by=user
            )
        except IntegrityError:  # someone asked for the same plan a moment ago
            return Report.objects.get(project=project, content_hash=content_hash)
        _enqueue(report)
    elif report.can_retry:
        report_retry(report)
    return report


def report_retry(report: Report) -> bool:
    """Queue a failed or stuck report again; False if it is fine as it is."""
    if not report.can_retry:
        return False
    updated = Report.objects.filter(pk=report.pk, status=report.status).update(
        status=Report.Status.QUEUED, progress=0, error="", updated_at=timezone.now()
    )
    if updated:
        report.refresh_from_db()
        _enqueue(report)
    return bool(updated)


def _enqueue(report: Report) -> None:
    from planner.tasks import render_report

    render_report.enqueue(report.pk)


def report_build(report_id: int) -> str:
    """The work of one report, run by the task: claim it, render its document, store the PDF.

    Returns the final status. Claiming is one conditional UPDATE, so two workers
    given the same report never both render it.
    """
    from planner.pdf import PDFProgress, render_pdf

    claimed = Report.objects.filter(pk=report_id, status=Report.Status.QUEUED).update(
        status=Report.Status.RUNNING, progress=5, updated_at=timezone.now()
    )
    if not claimed:
        report = Report.objects.filter(pk=report_id).first()
        return report.status if report else "missing"
    report = Report.objects.select_related("project__team").get(pk=report_id)

    def progress(percent: int) -> None:
        Report.objects.filter(pk=report_id).update(progress=percent, updated_at=timezone.now())

    try:
        document = report.document
        if document is None:
            raise ValueError("This report has no plan document to render; request it again.")
        pdf = render_pdf(
            document, team_name=report.project.team.name, progress=PDFProgress(progress)
        )
    except Exception as exc:
        Report.objects.filter(pk=report_id).update(
            status=Report.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    Report.objects.filter(pk=report_id).update(
        status=Report.Status.DONE, progress=100, pdf=pdf, error="", updated_at=timezone.now()
    )
    return Report.Status.DONE


def report_pdf_now(*, project: Project, document: dict) -> bytes:
    """The PDF of this document for a share-link reader: cached, or rendered here and cached.

    A reviewer with a link has no progress page to wait on; a render takes a
    couple of seconds, and the result is kept for the next reader.
    """
    from planner.pdf import render_pdf

    content_hash = document_hash(document)
    cached = (
        Report.objects.filter(project=project, content_hash=content_hash, status=Report.Status.DONE)
        .values_list("pdf", flat=True)
        .first()
    )
    if cached:
        return bytes(cached)
    pdf = render_pdf(document, team_name=project.team.name)
    report, created = Report.objects.get_or_create(
        project=project,
        content_hash=content_hash,
        defaults={"document": document, "status": Report.Status.DONE, "progress": 100, "pdf": pdf},
    )
    if not created and report.status != Report.Status.DONE:
        Report.objects.filter(pk=report.pk).exclude(status=Report.Status.DONE).update(
            status=Report.Status.DONE, progress=100, pdf=pdf, error=""
        )
    return pdf
