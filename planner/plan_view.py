"""The plan as the reader sees it: one plan document as plain display data.

`plan_view(document)` turns a plan document (docs/plan-document.md) into labels
instead of codes, level titles and questions from `planner.levels`, rows as
tables and findings grouped by severity, so the share page, the PDF and the
Markdown export show the same plan the same way, and the templates need nothing
beyond `if` and `for`. No request and no rendering here; one query (catalogue names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from unicodedata import east_asian_width

from planner import levels as method
from planner import registry
from planner.advisor import RULES, advise
from planner.advisor.words import addressed_headline, context_line, evidence_label
from planner.diagrams import (
    BOUNDARIES_TITLE,
    ENTITIES_TITLE,
    boundary_diagram,
    entity_diagram,
)
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
    long: frozenset[int] = frozenset()  # columns holding paragraphs (registry "text" fields)

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

    @property
    def compact(self) -> bool:
        """Whether the PDF prints this list as records (`records`): a list longer than one
        table does; a short one keeps a column per field, easier to scan."""
        return len(self.rows) > CHUNK_ROWS

    @property
    def records(self) -> list[Record]:
        """The rows as the PDF prints a long list (issue 8): one paragraph a row, the name,
        then the short values, then each paragraph under its heading, all run in.
        WeasyPrint's time and memory follow the laid-out lines and boxes, and a row as a
        name cell, a line of values and a block per paragraph took twice the lines.
        Empty values are left out."""
        return [self._record(row) for row in self.rows]

    def _record(self, row: list[str]) -> Record:
        cells = list(zip(self.columns, row, strict=False))[1:]
        facts = [
            f"{heading}: {cell}"
            for i, (heading, cell) in enumerate(cells, 1)
            if i not in self.long and cell not in ("", "—")
        ]
        texts = [(h, cell) for i, (h, cell) in enumerate(cells, 1) if i in self.long and cell]
        return Record(row[0], " · ".join(facts), texts)


@dataclass
class Record:
    name: str
    facts: str  # the short values, "Heading: value · …"
    texts: list[tuple[str, str]]  # (heading, paragraph)


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
    decision_table: Table | None = None  # the decisions as the PDF prints them
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


def _evidence_items(items) -> list[dict[str, str]]:
    found = []
    for item in items or ():
        step = str(item.get("step", ""))
        label = evidence_label(item)
        found.append(
            {
                "where": STEP_TITLES.get(step, step),
                "name": item.get("name", ""),
                "label": label,
                "text": item.get("text", ""),
                "step": step,
            }
        )
    return found


def _finding_dict(finding: Any) -> dict[str, Any]:
    get = finding.get if isinstance(finding, dict) else lambda k, d=None: getattr(finding, k, d)
    evidence = _evidence_items(get("evidence", ()))
    addressed_by = _evidence_items(get("addressed_by", ()))
    status = "dismissed" if get("dismissed", None) is not None else "open"
    if status == "open" and addressed_by:
        status = "addressed"
    if status == "addressed":  # said as what it was about, not as what is missing
        headline = addressed_headline(
            get("rule_id", ""), get("subject", ""), get("evidence", ()), get("message", "")
        )
    else:
        headline = get("message", "")
    return {
        "headline": headline,
        "status": status,
        "addressed_by": addressed_by,
        "addressed_names": "; ".join(item["label"] for item in addressed_by),
        "addressed_text": "; ".join(
            f"{item['label']}" + (f": {item['text']}" if item["text"] else "")
            for item in addressed_by
        ),
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


def findings_view(findings: list, document: dict | None = None) -> dict[str, Any]:
    """Open findings grouped by severity (most serious first), those the plan addresses,
    and the dismissed ones; the context they were read against, said once."""
    items = [_finding_dict(f) for f in findings]
    open_items = [f for f in items if f["status"] == "open"]
    groups = []
    for code, label in SEVERITIES:
        members = [f for f in open_items if f["severity"] == code]
        if members:
            groups.append({"severity": code, "label": label, "items": members})
    return {
        "groups": groups,
        "dismissed": [f for f in items if f["dismissed"] is not None],
        "addressed": [f for f in items if f["status"] == "addressed"],
        "context_line": context_line((document or {}).get("context")),
        "counts": {
            code: sum(1 for f in open_items if f["severity"] == code) for code, _ in SEVERITIES
        },
        "total": len(open_items),
    }


# The PDF's findings section is a digest, bounded whatever the plan (issue 12): findings
# grouped by rule within each severity, each rule's subjects listed compactly, and the
# whole section held to a budget of printed lines that fits in FINDINGS_MAX_PAGES pages.
# The app's findings page, the share page and the exports keep every finding.
FINDINGS_MAX_PAGES = 10
DIGEST_LINES = 360  # estimated lines of the section: ~6 pages in the worst case tested
DIGEST_LINE_CHARS = 75  # characters per printed line (~95 print: words wrap early)
DIGEST_SUBJECTS = 20  # names listed per rule before "and N more"
DIGEST_EVIDENCE = 5  # evidence lines for a rule with a single finding
DIGEST_DISMISSED = 20  # findings the team set aside, listed before "and N more"
DIGEST_TEXT = 400  # characters of a message or a suggestion
DIGEST_NAME = 40  # characters of one subject name
DIGEST_EVIDENCE_TEXT = 120  # characters of one evidence line


def _clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut between words (a word cut in half reads as a typo)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:  # the cut falls inside a word: drop it
        cut = cut.rsplit(" ", 1)[0]
    words = cut
    return words.rstrip(" ,;:—-") + "…"


def _fit_names(head: str, names: list[str], limit: int) -> str:
    """`head` and as many whole names as fit in about `limit` characters, then how many
    more ("… and 2 more"): a list clipped inside a name reads as a typo."""
    shown: list[str] = []
    for name in names:
        if shown and len(head) + len("; ".join([*shown, name])) > limit:
            break
        shown.append(name)
    rest = len(names) - len(shown)
    tail = f" and {rest} more" if rest else ""
    return _clip(head + "; ".join(shown), limit) + tail


def _lines(*texts: str) -> int:
    """Printed lines a few paragraphs take, rounded up (a conservative estimate)."""
    return sum(1 + _width(t) // DIGEST_LINE_CHARS for t in texts if t)


def _width(text: str) -> int:
    """Characters, counting wide ones (CJK, emoji) twice: they take two columns."""
    return len(text) + sum(1 for c in text if ord(c) > 0x2E7F and east_asian_width(c) in "WF")


def _natural(text: str) -> list:
    """Sort key that puts "Step 2" before "Step 10"."""
    parts = re.split(r"(\d+)", text)
    return [(0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in parts]


def _subject_name(finding: dict[str, Any]) -> str:
    """What one finding is about, in a word: the plan row it names, else its subject."""
    for item in finding["evidence"]:
        if item["step"] not in ("context", "core") and item["name"]:
            return item["name"]
    return pretty_slug(str(finding["subject"]).split(":")[-1]) or finding["step"]


def _rule_group(rule_id: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    first = members[0]
    rule = RULES.get(rule_id)
    same_message = all(m["message"] == first["message"] for m in members)
    if len(members) == 1 or same_message:
        title, message = "", first["message"]
    else:  # one message per subject: the rule's title, then the subjects
        title, message = (rule.title if rule else ""), ""
    names = [_subject_name(m) for m in members]
    if len(set(names)) < len(names):  # the rows do not tell them apart: their subjects do
        names = [pretty_slug(str(m["subject"]).split(":")[-1]) or m["step"] for m in members]
    names = sorted({_clip(name, DIGEST_NAME) for name in names}, key=_natural)
    evidence = []
    if len(members) == 1:
        for item in first["evidence"][:DIGEST_EVIDENCE]:
            line = item["label"]
            if item["text"]:
                line += f": “{item['text']}”"
            evidence.append(_clip(line, DIGEST_EVIDENCE_TEXT))
    return {
        "rule_id": rule_id,
        "kind": first["kind"],
        "step": first["step"],
        "count": len(members),
        "title": _clip(title, DIGEST_TEXT),
        "message": _clip(message, DIGEST_TEXT),
        "action": _clip(first["action"], DIGEST_TEXT),
        "subjects": ", ".join(names[:DIGEST_SUBJECTS]) if len(members) > 1 else "",
        "more_subjects": max(0, len(names) - DIGEST_SUBJECTS) if len(members) > 1 else 0,
        "evidence": evidence,
        "more_evidence": max(0, len(first["evidence"]) - DIGEST_EVIDENCE) if evidence else 0,
    }


def _group_lines(group: dict[str, Any]) -> int:
    subjects = group["subjects"] + (" and 9999 more" if group["more_subjects"] else "")
    lines = 1 + _lines(group["title"], group["message"], "Suggested: " + group["action"])
    lines += _lines(subjects) + sum(_lines(e) for e in group["evidence"])
    return lines + bool(group["more_evidence"]) + 2  # and the space between entries


def findings_digest(findings: dict[str, Any], *, budget: int = DIGEST_LINES) -> dict[str, Any]:
    """The findings of `findings_view` for the PDF: bounded to a few pages whatever the plan.

    Within each severity (most serious first) one entry per rule, in the advisor's
    order, with its message once and its subjects as a short list ("and N more").
    Entries stop when the section's estimated lines reach `budget`; the rest are
    counted in `omitted` so the reader knows, and the app and exports hold them all.
    """
    dismissed = findings["dismissed"]
    shown_dismissed = [
        _clip(f"{f['message']} — {f['dismissed']}", DIGEST_EVIDENCE_TEXT * 2)
        for f in dismissed[:DIGEST_DISMISSED]
    ]
    addressed = findings.get("addressed", [])
    shown_addressed = [
        _fit_names(
            f"{f['headline']} — ", [i["label"] for i in f["addressed_by"]], DIGEST_EVIDENCE_TEXT
        )
        for f in addressed[:DIGEST_DISMISSED]
    ]
    used = 5  # heading, context, summary and the note about the full list
    if dismissed:
        used += 3 + sum(_lines(d) for d in shown_dismissed)
    if addressed:
        used += 3 + sum(_lines(d) for d in shown_addressed)
    groups, omitted_findings, omitted_rules, full = [], 0, 0, False
    for severity in findings["groups"]:
        by_rule: dict[str, list[dict[str, Any]]] = {}
        for item in severity["items"]:
            by_rule.setdefault(item["rule_id"], []).append(item)
        entries = []
        for rule_id, members in by_rule.items():
            if not full:
                entry = _rule_group(rule_id, members)
                cost = _group_lines(entry) + (0 if entries else 2)  # the severity heading
                full = used + cost > budget
            if full:  # most serious first: once one does not fit, the rest are counted
                omitted_findings += len(members)
                omitted_rules += 1
                continue
            used += cost
            entries.append(entry)
        if entries:
            groups.append(
                {
                    "severity": severity["severity"],
                    "label": severity["label"],
                    "count": len(severity["items"]),
                    "rules": entries,
                }
            )
    return {
        "total": findings["total"],
        "groups": groups,
        "omitted_findings": omitted_findings,
        "omitted_rules": omitted_rules,
        "dismissed": shown_dismissed,
        "more_dismissed": max(0, len(dismissed) - DIGEST_DISMISSED),
        "addressed": shown_addressed,
        "addressed_total": len(addressed),
        "more_addressed": max(0, len(addressed) - DIGEST_DISMISSED),
        "context_line": findings.get("context_line", ""),
        "dismissed_total": len(dismissed),
        "lines": used,
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


def _fit_widths(columns: list[str], rows: list[list[str]]) -> list[str]:
    """Column widths (classes `w-p4` … `w-p70`, in 2% steps) fitted to what the cells hold.

    A row is as tall as its fullest cell, so long tables stay short when long text gets
    the room and short values only what they need (issue 8). Each column first gets room
    for its longest word and for short values on one line (up to ~16 characters); what
    is left goes to the columns in proportion to the text they hold beyond that.
    """
    mins, extra = [], []
    for i, heading in enumerate(columns):
        cells = [row[i] for row in rows]
        mean = sum(len(c) for c in cells) / len(cells)
        word = max((len(w) for c in [*cells, heading] for w in c.split()), default=4)
        chars = max(word, min(mean, 16))
        mins.append((chars * 1.4 + 3) * 100 / 178)  # ~1.4 mm a character at 7pt; 178 mm wide
        extra.append(max(mean - chars, 0))
    free = 100 - sum(mins)
    if free <= 0 or not sum(extra):
        weights = [m * 100 / sum(mins) for m in mins]
    else:
        weights = [m + free * e / sum(extra) for m, e in zip(mins, extra, strict=True)]
    return [f"w-p{max(4, min(70, 2 * round(w / 2)))}" for w in weights]


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
    offset = len(columns) - len(fields)  # a relationship's first column names both ends
    long = frozenset(i + offset for i, spec in enumerate(fields) if spec.type == "text")
    rows = []
    for row in document.get(kind.list_key) or []:
        cells = [_cell(f, row.get(f.doc_key), names) for f in fields]
        if kind.key == "relationship":
            cells.insert(0, f"{_text(row.get('source'))} → {_text(row.get('target'))}")
        rows.append(cells)
    if rows:
        widths = _fit_widths(columns, rows)
    return Table(kind.plural, columns, rows, widths=widths, long=long)


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


def _decision_table(decisions: list[dict[str, str]]) -> Table:
    """The decisions as one dense table: the PDF prints them so (a card each took a sixth
    of a page), the share page keeps the cards. Every field of every decision prints."""
    columns = ["Pattern", "Decision", "Problem it solves", "Rationale", "Revealed by"]
    rows = [
        [d["pattern"], d["status"], d["problem"], d["rationale"], d["revealed_by"]]
        for d in decisions
    ]
    widths = _fit_widths(columns, rows) if rows else []
    return Table(
        "Decisions",
        columns,
        rows,
        empty="No decisions recorded.",
        widths=widths,
        long=frozenset({2, 3}),
    )


def _noun(kind: str) -> str:
    spec = registry.ROW_KINDS.get(kind)
    return spec.noun if spec else kind


def plan_view(
    document: dict,
    *,
    findings: list | None = None,
    diagrams: bool = True,
    names: dict[str, str] | None = None,
) -> dict:
    """Everything a template needs to show one plan document, in reading order.

    `findings` and `names` (catalogue slug -> name) are the advisor's and the
    catalogue's as they are now unless given: a milestone gives those it froze."""
    names = names if names is not None else catalogue_names(document)
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
            view.decision_table = _decision_table(view.decisions)
        if diagrams and lvl.number == 3 and document.get("boundaries"):
            view.diagrams.append((BOUNDARIES_TITLE, boundary_diagram(document)))
        if diagrams and lvl.number == 4 and document.get("entities"):
            view.diagrams.append((ENTITIES_TITLE, entity_diagram(document)))
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
        "findings": findings_view(
            findings if findings is not None else list(advise(document)), document
        ),
    }
