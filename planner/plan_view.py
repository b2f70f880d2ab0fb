"""The plan as the reader sees it: one plan document as plain display data.

`plan_view(document)` turns a plan document (docs/plan-document.md) into labels
instead of codes, level titles and questions from `planner.levels`, rows as
tables and findings grouped by severity, so the share page, the PDF and the
Markdown export show the same plan the same way, and the templates need nothing
beyond `if` and `for`. No request and no rendering here; one query (catalogue names).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner import levels as method
from planner import registry
from planner.advisor import advise
from planner.diagrams import boundary_diagram, entity_diagram
from planner.document import document_hash
from planner.models import CatalogueEntry
from planner.registry import STEP_TITLES

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
    return [(f.heading, _cell(f, context.get(f.name))) for f in registry.CONTEXT_FIELDS]


def _cell(spec: registry.Field, value: Any, names: dict[str, str] | None = None) -> str:
    """One value of a table as a reader reads it: labels for codes, names for slugs."""
    if spec.type == "flag":
        return "Yes" if value else "No"
    if spec.type == "ref" and spec.ref in ("pattern", "technique"):
        return (names or {}).get(value or "", pretty_slug(value or ""))
    if spec.type == "ref" and not spec.required:
        return _text(value) or "—"
    return spec.display(value) if spec.choices is not None else _text(value)


WIDTHS = {"text": "w-wide", "line": "w-mid", "choice": "w-narrow", "flag": "w-narrow"}


def _kind_table(kind: registry.RowKind, document: dict, names: dict[str, str]) -> Table:
    """A list answer as a table: one column per field of the registry, the name first."""
    fields = list(kind.fields)
    columns, widths = [], []
    if kind.key == "relationship":  # one column names both ends
        fields = [f for f in fields if f.name not in ("source", "target")]
        columns, widths = ["Relationship"], ["w-name"]
    for spec in fields:
        first = not columns
        columns.append(kind.noun.capitalize() if spec.name == "name" else spec.heading)
        widths.append("w-name" if first else WIDTHS.get(spec.type, "w-mid"))
    rows = []
    for row in document.get(kind.list_key) or []:
        cells = [_cell(f, row.get(f.doc_key), names) for f in fields]
        if kind.key == "relationship":
            cells.insert(0, f"{_text(row.get('source'))} → {_text(row.get('target'))}")
        rows.append(cells)
    return Table(kind.plural, columns, rows, widths=widths)


def _level_tables(number: int, document: dict, names: dict[str, str]) -> list[Table]:
    """The level's lists as tables (decisions are shown as cards, apart)."""
    return [
        _kind_table(kind, document, names)
        for kind in registry.level_kinds(number)
        if kind.key != "decision"
    ]


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
                    f"{_noun(revealed.get('kind', ''))} “{revealed.get('name', '')}”"
                    if revealed
                    else ""
                ),
            }
        )
    return decisions


def _noun(kind: str) -> str:
    spec = registry.ROW_KINDS.get(kind)
    return spec.noun if spec else kind


def plan_view(document: dict, *, findings: list | None = None, diagrams: bool = True) -> dict:
    """Everything a template needs to show one plan document, in reading order."""
    names = catalogue_names(document)
    stored_levels = document.get("levels") or {}
    level_views = []
    for lvl in method.LEVELS:
        stored = stored_levels.get(str(lvl.number)) or {}
        answers = stored.get("answers") or {}
        status = stored.get("status") or registry.LevelStatus.NOT_STARTED
        view = LevelView(
            number=lvl.number,
            anchor=f"level-{lvl.number}",
            title=lvl.title,
            intro=lvl.intro,
            status=_label(dict(registry.LevelStatus.choices), status),
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
                "title": title or _label(dict(registry.CoreQuestionKey.choices), key),
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
        "findings": findings_view(findings if findings is not None else list(advise(document))),
    }
