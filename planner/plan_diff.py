"""What changed between two plans: a pure diff over two plan documents and their findings.

`plan_diff(old, new)` compares two `Side`s (a plan document, its findings, the names of
the catalogue entries it uses and, when known, its rows' ids) and answers plain data,
JSON-ready, section by section in the method's order (context, levels 1–6, core
questions): answers with word-level changes, rows added, removed and changed field by
field, decisions whose status changed, findings opened, closed, addressed and set aside.
The compare page, the Markdown, the PDF's "Changes since …" and `manage.py diff_plans`
all print this one result. No ORM and no request here.

Following a renamed row. A document names rows by name only, so a rename would read
as one row removed and another added. Rows are matched in this order:

1. by id, when both sides carry them (`Side.ids`: milestones keep each list's row ids,
   and the current plan has its own), so a rename in the app is always followed;
2. by what makes the row unique (its name, case aside; a relationship's two entities,
   a decision's pattern, a technique), with renames found so far applied to the
   references (an entity renamed keeps its relationships);
3. what is left of the named lists (steps, boundaries, operations, entities) is paired
   by likeness: a removed and an added row whose other fields mostly agree (at least
   half of the fields either fills in, and one at least) are one row renamed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from planner import levels as method
from planner import registry
from planner.advisor import advise

# How a finding changed, in the order they are listed. "closed": the plan no longer
# raises it; "addressed": the team marked it addressed; "set_aside": dismissed.
FINDING_CHANGES = {
    "opened": "Finding opened",
    "closed": "Finding closed",
    "addressed": "Finding addressed",
    "set_aside": "Finding set aside",
}
LIKENESS = 0.5  # share of filled-in fields that must agree for two rows to be one renamed
_TOKENS = re.compile(r"\s+|[^\s]+")  # words and the spaces between them
EXACT_TOKENS = 2000  # above this many words changed, difflib's heuristic keeps it fast
CONTEXT_TOKENS = 40  # words (and spaces) kept on each side of a change; the rest is "…"


@dataclass
class Side:
    """One plan to compare: its document and what goes with it."""

    document: dict
    label: str = ""
    findings: list[dict] | None = None  # Finding.as_dict() (+ "status"); None: the advisor's
    names: dict[str, str] = field(default_factory=dict)  # catalogue slug -> name
    ids: dict[str, list] | None = None  # list key -> row ids, in the document's order

    def __post_init__(self) -> None:
        if self.findings is None:
            self.findings = [f.as_dict() for f in advise(self.document)]
        for entry in self.document.get("custom_entries") or []:
            self.names.setdefault(entry.get("slug", ""), entry.get("name", ""))


def finding_status(finding: dict) -> str:
    """open, addressed or dismissed, whether or not the advisor records a status."""
    return finding.get("status") or ("dismissed" if finding.get("dismissed") else "open")


def pretty_slug(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ").strip().capitalize()


# --- Words ---------------------------------------------------------------------------------


def word_diff(old: str, new: str, context: int | None = CONTEXT_TOKENS) -> list[list[str]]:
    """[op, text] runs, op one of "eq", "del", "ins", "gap": the new text with what went.

    The words both texts start and end with are set aside first, so a few words
    changed in a long answer compare only the stretch between them. Unchanged text
    longer than twice `context` tokens keeps `context` on each side of a change and
    becomes a "gap" (shown as "…") in between; `context=None` keeps it all."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    runs: list[list[str]] = []

    def add(op: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if runs and runs[-1][0] == op:
            runs[-1][1] += text
        else:
            runs.append([op, text])

    add("eq", a[:head])
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    exact = len(middle_a) + len(middle_b) <= EXACT_TOKENS
    matcher = difflib.SequenceMatcher(None, middle_a, middle_b, autojunk=not exact)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("eq", middle_a[i1:i2])
        else:
            add("del", middle_a[i1:i2])
            add("ins", middle_b[j1:j2])
    add("eq", a[len(a) - tail :])
    return runs if context is None else _elide(runs, context)


def _elide(runs: list[list[str]], context: int) -> list[list[str]]:
    out: list[list[str]] = []
    for i, (op, text) in enumerate(runs):
        tokens = _TOKENS.findall(text)
        if op != "eq" or len(tokens) <= 2 * context:
            out.append([op, text])
            continue
        keep_before = context if i > 0 else 0  # after a change
        keep_after = context if i < len(runs) - 1 else 0  # before a change
        if keep_before:
            out.append(["eq", "".join(tokens[:keep_before])])
        out.append(["gap", "…"])
        if keep_after:
            out.append(["eq", "".join(tokens[-keep_after:])])
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _change(label: str, old: Any, new: Any, *, words: bool) -> dict[str, Any] | None:
    old, new = _text(old), _text(new)
    if old == new:
        return None
    both = words and old and new
    return {"label": label, "old": old, "new": new, "words": word_diff(old, new) if both else None}


# --- Rows ----------------------------------------------------------------------------------


def _key(kind: registry.RowKind, row: dict, renames: dict[str, dict[str, str]]) -> tuple:
    parts = []
    for name in kind.unique:
        spec = kind.field(name)
        value = _text(row.get(spec.doc_key))
        if spec.type == "ref" and spec.ref in renames:
            value = renames[spec.ref].get(value, value)
        parts.append(value.casefold())
    return tuple(parts)


def _value(spec: registry.Field, row: dict, renames: dict[str, dict[str, str]]) -> Any:
    """A field's value, with the references of the old side renamed as the new side has them."""
    value = row.get(spec.doc_key)
    moved = renames.get(spec.ref or "", {})
    if spec.type == "ref" and value in moved:
        return moved[value]
    if spec.type == "refs" and isinstance(value, list):
        return [moved.get(v, v) for v in value]
    return value


def _likeness(kind: registry.RowKind, old: dict, new: dict) -> float:
    fields = [f for f in kind.fields if f.name not in kind.unique]
    filled = [f for f in fields if old.get(f.doc_key) or new.get(f.doc_key)]
    same = [f for f in filled if old.get(f.doc_key) == new.get(f.doc_key)]
    return len(same) / len(filled) if same else 0.0


def _match(
    kind: registry.RowKind,
    old_rows: list[dict],
    new_rows: list[dict],
    old_ids: list | None,
    new_ids: list | None,
    renames: dict[str, dict[str, str]],
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs of (old index, new index), then the old rows removed and the new rows added."""
    pairs: list[tuple[int, int]] = []
    left, right = list(range(len(old_rows))), list(range(len(new_rows)))
    if old_ids is not None and new_ids is not None:
        at = {row_id: j for j, row_id in enumerate(new_ids)}
        pairs = [(i, at[row_id]) for i, row_id in enumerate(old_ids) if row_id in at]
    else:
        at = {_key(kind, row, {}): j for j, row in enumerate(new_rows)}
        for i, row in enumerate(old_rows):
            j = at.get(_key(kind, row, renames))
            if j is not None:
                pairs.append((i, j))
    paired_old, paired_new = {i for i, _ in pairs}, {j for _, j in pairs}
    left = [i for i in left if i not in paired_old]
    right = [j for j in right if j not in paired_new]
    if kind.unique == ("name",) and left and right and old_ids is None:
        scored = sorted(
            ((-_likeness(kind, old_rows[i], new_rows[j]), i, j) for i in left for j in right),
        )
        for score, i, j in scored:
            if -score < LIKENESS:
                break
            if i in left and j in right:
                pairs.append((i, j))
                left.remove(i)
                right.remove(j)
    return sorted(pairs, key=lambda p: p[1]), left, right


def _row_name(kind: registry.RowKind, row: dict, names: dict[str, str]) -> str:
    if kind.key == "relationship":
        return f"{_text(row.get('source'))} → {_text(row.get('target'))}"
    spec = kind.field(kind.unique[0])
    value = _text(row.get(spec.doc_key))
    if spec.ref in ("pattern", "technique"):
        return names.get(value) or pretty_slug(value)
    return value


def _display(spec: registry.Field, value: Any, names: dict[str, str]) -> str:
    if spec.ref in ("pattern", "technique"):
        return names.get(value or "") or pretty_slug(value or "")
    if spec.type == "flag":
        return "Yes" if value else "No"
    return spec.display(value)


def _revealed(row: dict, renames: dict[str, dict[str, str]]) -> str:
    revealed = row.get("revealed_by") or {}
    if not revealed:
        return ""
    kind, name = revealed.get("kind", ""), revealed.get("name", "")
    noun = registry.ROW_KINDS.get(kind)
    return f"{noun.noun if noun else kind} “{renames.get(kind, {}).get(name, name)}”"


def _row_changes(
    kind: registry.RowKind, old: dict, new: dict, old_side: Side, new_side: Side, renames
) -> list[dict]:
    changes = []
    for spec in kind.fields:
        if spec.name == "name" or (kind.key == "decision" and spec.name == "status"):
            continue  # a rename heads the row; a decision's status is listed apart
        before = _display(spec, _value(spec, old, renames), old_side.names)
        after = _display(spec, new.get(spec.doc_key), new_side.names)
        change = _change(spec.heading, before, after, words=spec.is_text)
        if change:
            changes.append(change)
    if kind.key == "decision":
        change = _change("Revealed by", _revealed(old, renames), _revealed(new, {}), words=False)
        if change:
            changes.append(change)
    return changes


def _renames(old: Side, new: Side) -> dict[str, dict[str, str]]:
    """old name -> new name, for each named list (what references follow)."""
    renames: dict[str, dict[str, str]] = {}
    for kind in registry.ROW_KIND_LIST:
        if kind.unique != ("name",):
            continue
        old_rows = old.document.get(kind.list_key) or []
        new_rows = new.document.get(kind.list_key) or []
        pairs, _, _ = _match(kind, old_rows, new_rows, *_ids(kind, old, new), {})
        renames[kind.key] = {
            old_rows[i]["name"]: new_rows[j]["name"]
            for i, j in pairs
            if old_rows[i].get("name") != new_rows[j].get("name")
        }
    return renames


def _ids(kind: registry.RowKind, old: Side, new: Side) -> tuple[list | None, list | None]:
    """Both sides' row ids for this list, or (None, None) unless both have them in full."""
    old_ids = (old.ids or {}).get(kind.list_key)
    new_ids = (new.ids or {}).get(kind.list_key)
    complete = (
        old_ids is not None
        and new_ids is not None
        and len(old_ids) == len(old.document.get(kind.list_key) or [])
        and len(new_ids) == len(new.document.get(kind.list_key) or [])
    )
    return (old_ids, new_ids) if complete else (None, None)


def _rows_diff(kind: registry.RowKind, old: Side, new: Side, renames) -> tuple[list, list]:
    """The kind's rows added, removed and changed; and the decisions whose status changed."""
    old_rows = old.document.get(kind.list_key) or []
    new_rows = new.document.get(kind.list_key) or []
    pairs, removed, added = _match(kind, old_rows, new_rows, *_ids(kind, old, new), renames)
    rows, statuses = [], []
    for i, j in pairs:
        before, after = old_rows[i], new_rows[j]
        changes = _row_changes(kind, before, after, old, new, renames)
        old_name = _row_name(kind, before, old.names)
        new_name = _row_name(kind, after, new.names)
        # A relationship is named by its entities: their renames are listed with them.
        renamed = old_name if old_name != new_name and kind.unique == ("name",) else ""
        if changes or renamed:
            rows.append(_row(kind, "changed", new_name, changes, renamed_from=renamed))
        if kind.key == "decision" and before.get("status") != after.get("status"):
            status = kind.field("status")
            statuses.append(
                {
                    "pattern": new_name,
                    "old": status.display(before.get("status")),
                    "new": status.display(after.get("status")),
                }
            )
    rows += [_row(kind, "removed", _row_name(kind, old_rows[i], old.names)) for i in removed]
    rows += [_row(kind, "added", _row_name(kind, new_rows[j], new.names)) for j in added]
    return rows, statuses


def _row(kind, change: str, name: str, fields=(), renamed_from: str = "") -> dict[str, Any]:
    return {
        "kind": kind.key,
        "noun": kind.noun,
        "change": change,
        "name": name,
        "renamed_from": renamed_from,
        "fields": list(fields),
    }


# --- Findings ------------------------------------------------------------------------------


def _findings_diff(old: Side, new: Side) -> dict[str, list[dict]]:
    """step -> the findings that changed there (opened, closed, …), by the findings' keys."""
    before = {_finding_key(f): f for f in old.findings or []}
    after = {_finding_key(f): f for f in new.findings or []}
    by_step: dict[str, list[dict]] = {}

    def note(change: str, finding: dict) -> None:
        by_step.setdefault(str(finding.get("level", "")), []).append(
            {
                "change": change,
                "label": FINDING_CHANGES[change],
                "key": _finding_key(finding),
                "severity": finding.get("severity", ""),
                "message": finding.get("message", ""),
            }
        )

    for key, finding in after.items():
        was = finding_status(before[key]) if key in before else None
        now = finding_status(finding)
        if now == "open" and was != "open":
            note("opened", finding)
        elif was == "open" and now == "addressed":
            note("addressed", finding)
        elif was == "open" and now == "dismissed":
            note("set_aside", finding)
    for key, finding in before.items():
        if key not in after and finding_status(finding) == "open":
            note("closed", finding)
    order = list(FINDING_CHANGES)
    return {
        step: sorted(found, key=lambda f: order.index(f["change"]))
        for step, found in by_step.items()
    }


def _finding_key(finding: dict) -> str:
    return finding.get("key") or f"{finding.get('rule_id', '')}:{finding.get('subject', '')}"


# --- The plan ------------------------------------------------------------------------------


def _section(step: str) -> dict[str, Any]:
    return {
        "step": step,
        "title": registry.STEP_TITLES[step],
        "status": None,
        "answers": [],
        "rows": [],
        "decisions": [],
        "findings": [],
    }


def _level_answers(number: int, old: dict, new: dict) -> list[dict]:
    lvl = method.LEVELS[number - 1]
    before = old.get("levels", {}).get(str(number)) or {}
    after = new.get("levels", {}).get(str(number)) or {}
    changes = [
        _change(
            q.label,
            (before.get("answers") or {}).get(q.key),
            (after.get("answers") or {}).get(q.key),
            words=True,
        )
        for q in lvl.questions
    ]
    changes.append(
        _change("Skipped because", before.get("skip_reason"), after.get("skip_reason"), words=True)
    )
    return [c for c in changes if c]


def _level_status(number: int, old: dict, new: dict) -> dict[str, str] | None:
    labels = dict(registry.LevelStatus.choices)
    default = registry.LevelStatus.NOT_STARTED
    before = (old.get("levels", {}).get(str(number)) or {}).get("status") or default
    after = (new.get("levels", {}).get(str(number)) or {}).get("status") or default
    if before == after:
        return None
    return {"old": labels.get(before, before), "new": labels.get(after, after)}


def _context_answers(old: dict, new: dict) -> list[dict]:
    before, after = old.get("context") or {}, new.get("context") or {}
    was, now = old.get("project") or {}, new.get("project") or {}
    changes = [
        _change("Name", was.get("name"), now.get("name"), words=False),
        _change("Description", was.get("description"), now.get("description"), words=True),
    ]
    changes += [
        _change(f.heading, f.display(before.get(f.name)), f.display(after.get(f.name)), words=True)
        for f in registry.CONTEXT_FIELDS
    ]
    return [c for c in changes if c]


def _core_answers(old: dict, new: dict) -> list[dict]:
    before, after = old.get("core_questions") or {}, new.get("core_questions") or {}
    changes = []
    for key, title, _ in method.CORE_QUESTIONS:
        label = title or dict(registry.CoreQuestionKey.choices).get(key, key)
        was, now = before.get(key) or {}, after.get(key) or {}
        changes.append(_change(label, was.get("answer"), now.get("answer"), words=True))
        levels = [", ".join(f"Level {n}" for n in side.get("levels") or []) for side in (was, now)]
        changes.append(_change(f"{label}: addressed in", *levels, words=False))
    return [c for c in changes if c]


def plan_diff(old: Side, new: Side) -> dict[str, Any]:
    """Everything that changed from `old` to `new`, section by section (see the module)."""
    sections = {step: _section(step) for step in registry.STEPS}
    sections["context"]["answers"] = _context_answers(old.document, new.document)
    sections["core"]["answers"] = _core_answers(old.document, new.document)
    for number in registry.LEVEL_NUMBERS:
        section = sections[str(number)]
        section["status"] = _level_status(number, old.document, new.document)
        section["answers"] = _level_answers(number, old.document, new.document)
    renames = _renames(old, new)
    for kind in registry.ROW_KIND_LIST:
        rows, statuses = _rows_diff(kind, old, new, renames)
        sections[kind.step]["rows"] += rows
        sections[kind.step]["decisions"] += statuses
    for step, changes in _findings_diff(old, new).items():
        sections.get(step, sections["core"])["findings"] = changes
    listed = list(sections.values())
    for section in listed:
        section["empty"] = not (
            section["status"]
            or section["answers"]
            or section["rows"]
            or section["decisions"]
            or section["findings"]
        )
    rows = [row for s in listed for row in s["rows"]]
    counts = {
        "answers": sum(len(s["answers"]) for s in listed),
        "added": sum(r["change"] == "added" for r in rows),
        "removed": sum(r["change"] == "removed" for r in rows),
        "changed": sum(r["change"] == "changed" for r in rows),
        "renamed": sum(bool(r["renamed_from"]) for r in rows),
        "decisions": sum(len(s["decisions"]) for s in listed),
        **{
            c: sum(f["change"] == c for s in listed for f in s["findings"]) for c in FINDING_CHANGES
        },
    }
    return {
        "old": old.label,
        "new": new.label,
        "sections": listed,
        "counts": counts,
        "empty": all(s["empty"] for s in listed),
    }
