"""The plan document: a whole plan as one versioned JSON document, and back.

Export, import, milestones, the share page, the advisor and the PDF all read
this document (format: docs/plan-document.md; schema:
planner/schema/plan-document.schema.json). Rows refer to each other by name, so
a document moves between installations and reads well in a diff.

- `plan_document(project)` builds it in a fixed number of queries.
- `advisor_plan(project, rows)`: the advisor's view of the same rows, without the
  document in between (what a save runs the advisor on).
- `document_hash(document)` identifies an exact plan (caches, reports).
- `validate_document(data, team=...)` lists everything wrong, by JSON path.
"""

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from types import MappingProxyType
from typing import Any

from accounts.models import Team
from planner import registry
from planner.advisor.plan import Plan, advisor_row
from planner.document_schema import SCHEMA_ID, SCHEMA_VERSION, validator
from planner.levels import LEVELS
from planner.models import (
    CatalogueEntry,
    CoreQuestionKey,
    LevelStatus,
    Project,
)
from planner.plan_rows import LINK_PARTS, kept_plan_rows, plan_rows, stored_fields

CONTEXT_FIELDS = [f.name for f in registry.CONTEXT_FIELDS]
ENTRY_FIELDS = [
    "slug",
    "name",
    "kind",
    "category",
    "summary",
    "problems",
    "when_to_use",
    "when_not_to",
    "complexity",
    "builtin_platforms",
]
REVEALED_BY_KINDS = registry.REVEALED_BY_KINDS
NEVER_SKIP = {str(level.number) for level in LEVELS if level.never_skip}
QUESTION_KEYS = {str(level.number): [q.key for q in level.questions] for level in LEVELS}
# The lists whose rows are named, so names must be unique (case-insensitively).
ROW_LISTS = [kind.list_key for kind in registry.ROW_KIND_LIST if kind.unique == ("name",)]


class PlanDocumentError(Exception):
    """A document that cannot be imported; `errors` lists (json path, message)."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors[:5]))


def relationship_name(source: str, target: str) -> str:
    return f"{source} -> {target}"


# --- Export -------------------------------------------------------------------------


def plan_document(project: Project, rows: dict[str, list] | None = None) -> dict[str, Any]:
    """The whole plan as the versioned JSON document, in one query (`plan_rows`).

    Never from model instances. Each list's rows carry their registry fields, with
    references written as names (or slugs for catalogue entries). `rows` are the plan's
    `plan_rows`, when the caller has read them already.
    """
    rows = rows if rows is not None else plan_rows(project.pk)
    lists = _Lists(rows)
    return {
        **_document_head(project, rows),
        **{
            kind.list_key: [lists.document_row(kind, values) for values in lists.values(kind)]
            for kind in registry.ROW_KIND_LIST
        },
        **_document_tail(project, rows, lists),
    }


# The advisor's rows already made, by kind and resolved values (`advisor_plan`). A save
# changes a row or two of a plan: the others are found here instead of being made again.
_ADVISOR_ROWS: dict[tuple, MappingProxyType] = {}
ADVISOR_ROWS_KEPT = 10_000  # then the dictionary starts afresh


def advisor_plan(project: Project, rows: dict[str, list] | None = None) -> Plan:
    """The plan as the advisor's rules read it, straight from `plan_rows` (no document
    in between). A row's view (`advisor.plan.advisor_row`) is a pure function of its
    resolved values, so one made for an earlier save is used again while those values
    are unchanged: read-only (`MappingProxyType`), since every plan of this process
    shares it. A whole list is the one made last time for this plan while what it is
    made from (its own rows, and the names of those it names) is unchanged: with the
    parts `kept_plan_rows` did not read again, that is known by identity. In a list
    whose rows changed, a row whose very tuple `kept_plan_rows` kept keeps its advisor
    row too, while the names it reads are unchanged."""
    rows = rows if rows is not None else kept_plan_rows(project.pk)
    if len(_ADVISOR_ROWS) > ADVISOR_ROWS_KEPT:
        _ADVISOR_ROWS.clear()
    if len(_MADE) >= MADE_KEPT and project.pk not in _MADE:
        _MADE.clear()
    before, made_before = _MADE.get(project.pk, (None, {}))
    lists = _Lists(rows, before)
    made: dict[str, list] = {}
    for kind in registry.ROW_KIND_LIST:
        if kind.key in made_before and lists.unchanged(kind.key, before):
            made[kind.key] = made_before[kind.key]
            continue
        # Only some rows changed (`kept_plan_rows` keeps the others' very tuples) and
        # none of the rows they name: those others keep their advisor rows.
        kept = {}
        if kind.key in made_before and lists.unchanged(kind.key, before, rows=False):
            kept = dict(zip(map(id, before.rows[kind.key]), made_before[kind.key], strict=True))
        out = made[kind.key] = []
        resolved = lists.resolver(kind)
        for raw in lists.rows[kind.key]:
            row = kept.get(id(raw))
            if row is None:
                values = resolved(raw)
                row = _ADVISOR_ROWS.get((kind.key, values))
                if row is None:
                    row = advisor_row(kind.key, lists.document_row(kind, values))
                    row = _ADVISOR_ROWS[(kind.key, values)] = MappingProxyType(row)
            out.append(row)
    _MADE[project.pk] = (lists, made)
    head = {**_document_head(project, rows), **_document_tail(project, rows, lists)}
    return Plan.from_document(head, lists=made)


# The advisor's lists last made for each plan, with what they were made from.
_MADE: dict[int, tuple["_Lists", dict[str, list]]] = {}
MADE_KEPT = 50  # plans (each holds its rows); then the dictionary starts afresh


@cache
def _list_inputs(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a kind's advisor list is made from: the parts of `plan_rows` it reads whole
    (its own rows and its lists of references), and the kinds whose names it reads (the
    rows its references name, a decision's revealing row)."""
    own, named = {kind}, set()
    for f in registry.ROW_KINDS[kind].fields:
        if f.type == "ref" and f.ref not in ("pattern", "technique"):
            named.add(f.ref)
        elif f.type == "refs":
            own.add(f"{kind}_{f.ref}")
            named.add(f.ref)
    if kind == "decision":
        named |= set(REVEALED_BY_KINDS)
    return tuple(sorted(own)), tuple(sorted(named))


class _Lists:
    """Each list's rows with their references resolved: a row is a tuple of its stored
    fields (references as names, or slugs for catalogue entries), then its lists of
    references (tuples of names in id order), then, for a decision, the row that
    revealed it as (kind, name) or None. Hashable, so the advisor's rows can be kept."""

    def __init__(self, rows: dict[str, list], before: "_Lists | None" = None):
        """`before`: the lists made from an earlier read of the same plan; what is
        made from the same rows (the very lists, as `kept_plan_rows` gives unchanged
        parts, or equal ones), or comes out equal, is taken from it, so that the next
        check is one of identity."""
        self.rows = rows = dict(rows)
        if before is not None:
            for part, found in rows.items():
                old = before.rows.get(part)
                if found is not old and found == old:
                    rows[part] = old

        def same(part: str) -> bool:
            return before is not None and rows[part] is before.rows[part]

        def kept(made, old):  # the earlier one when equal: identity for the next check
            return old if old is not None and made == old else made

        old_names = before.names if before is not None else {}
        names = {
            kind: old_names[kind]
            if same(kind)
            else kept({pk: name for pk, name, *_ in rows[kind]}, old_names.get(kind))
            for kind in NAMED_KINDS
        }
        entities = names["entity"]
        if same("relationship") and entities is old_names["entity"]:
            names["relationship"] = old_names["relationship"]
        else:
            names["relationship"] = kept(
                {
                    pk: relationship_name(entities[source], entities[target])
                    for pk, source, target, *_ in rows["relationship"]
                },
                old_names.get("relationship"),
            )
        self.names = names
        if same("entry"):
            self.entries, self.slugs = before.entries, before.slugs
        else:
            self.entries = {pk: (team, slug, fields) for pk, team, slug, *fields in rows["entry"]}
            self.slugs = {pk: slug for pk, (_, slug, _) in self.entries.items()}
        # Lists of references, by name: (kind, field) -> row id -> (names in id order).
        self.linked = {}
        for part, (kind, spec) in LINK_PARTS.items():
            key = (kind, spec.name)
            if same(part) and names[spec.ref] is old_names[spec.ref]:
                self.linked[key] = before.linked[key]
                continue
            by_row: dict[int, list[str]] = {}
            for pk, ref in rows[part]:
                by_row.setdefault(pk, []).append(names[spec.ref][ref])
            self.linked[key] = {pk: tuple(refs) for pk, refs in by_row.items()}

    def unchanged(self, kind: str, before: "_Lists | None", rows: bool = True) -> bool:
        """Whether `kind`'s list is made from what `before`'s was: its own rows (unless
        not `rows`) and lists of references, and the same names and slugs for the rows
        it refers to."""
        if before is None:
            return False
        own, named = _list_inputs(kind)
        if any(self.rows[part] is not before.rows[part] for part in own if rows or part != kind):
            return False
        if any(self.names[other] is not before.names[other] for other in named):
            return False
        return self.slugs is before.slugs or self.slugs == before.slugs

    def values(self, kind: registry.RowKind) -> Iterator[tuple]:
        """Each row of `kind` with its references resolved."""
        return map(self.resolver(kind), self.rows[kind.key])

    def resolver(self, kind: registry.RowKind) -> Callable[[tuple], tuple]:
        """What resolves a row of `kind` (a `plan_rows` tuple): its values, each
        reference as a name (or slug) and its lists of references as names."""
        fields = stored_fields(kind.key)
        resolve = [
            (i, self.slugs if f.ref in ("pattern", "technique") else self.names[f.ref])
            for i, f in enumerate(fields)
            if f.type == "ref"
        ]
        lists = [self.linked[(kind.key, f.name)] for f in kind.fields if f.type == "refs"]
        count = len(fields)

        def resolved(raw: tuple) -> tuple:
            pk, *stored = raw
            for i, lookup in resolve:
                if stored[i] is not None:
                    stored[i] = lookup[stored[i]]
            extra = tuple(by_row.get(pk, ()) for by_row in lists)
            if kind.key == "decision":
                revealed = zip(REVEALED_BY_KINDS, stored[count:], strict=True)
                extra += (
                    next(((k, self.names[k][ref]) for k, ref in revealed if ref is not None), None),
                )
            return (*stored[:count], *extra)

        return resolved

    def document_row(self, kind: registry.RowKind, values: tuple) -> dict[str, Any]:
        """A row of the document's list from its resolved values."""
        row = dict(zip(_row_keys(kind.key), values, strict=True))
        for f in kind.fields:
            if f.type == "refs":
                row[f.doc_key] = list(row[f.doc_key])
        if kind.key == "decision":
            revealed = row["revealed_by"]
            row["revealed_by"] = {"kind": revealed[0], "name": revealed[1]} if revealed else None
        return row


@cache
def _row_keys(kind: str) -> tuple[str, ...]:
    """The document keys of a row's resolved values, in `_Lists.values` order."""
    spec = registry.ROW_KINDS[kind]
    keys = [f.doc_key for f in stored_fields(kind)]
    keys += [f.doc_key for f in spec.fields if f.type == "refs"]
    return (*keys, "revealed_by") if kind == "decision" else tuple(keys)


def _document_head(project: Project, rows: dict[str, list]) -> dict[str, Any]:
    levels = {row[1]: row[2:5] for row in rows["level"]}  # (status, skip reason, answers)
    context = rows["context"][0][1:-1] if rows["context"] else None  # without its version
    return {
        "schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "project": {"name": project.name, "description": project.description},
        "context": _context_dict(context),
        "levels": {str(n): _level_dict(levels.get(n), str(n)) for n in registry.LEVEL_NUMBERS},
    }


def _document_tail(project: Project, rows: dict[str, list], lists: _Lists) -> dict[str, Any]:
    core = {key: (answer, levels_) for _, key, answer, levels_, _ in rows["core"]}
    entries = lists.entries
    # The team's own entries the plan uses travel with it (`rows` has only used ones).
    custom = sorted(pk for pk, (team, _, _) in entries.items() if team == project.team_id)
    return {
        "custom_entries": [
            dict(zip(ENTRY_FIELDS, (entries[pk][1], *entries[pk][2]), strict=True)) for pk in custom
        ],
        "core_questions": {
            key: {
                "answer": core[key][0] if key in core else "",
                "levels": list(core[key][1]) if key in core else [],
            }
            for key in CoreQuestionKey.values
        },
        "dismissed_findings": [
            {"key": key, "reason": reason} for _, key, reason in rows["dismissal"]
        ],
    }


# The kinds other rows refer to by name.
NAMED_KINDS = ["journey_step", "boundary", "operation", "entity"]


def _context_dict(context: tuple | None) -> dict[str, Any]:
    if context is None:
        return {f: [] if f == "clients" else "" for f in CONTEXT_FIELDS}
    return {
        f: list(value) if f == "clients" else value
        for f, value in zip(CONTEXT_FIELDS, context, strict=True)
    }


def _level_dict(answer: tuple | None, number: str) -> dict[str, Any]:
    if answer is None:
        return {"status": LevelStatus.NOT_STARTED.value, "skip_reason": "", "answers": {}}
    status, skip_reason, stored = answer
    # Only the method's own questions travel; other keys in the JSON field are not the plan.
    answers = {k: stored[k] for k in QUESTION_KEYS[number] if isinstance(stored.get(k), str)}
    return {"status": status, "skip_reason": skip_reason, "answers": answers}


def document_hash(document: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON: same plan, same hash, on any machine."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- Validation ---------------------------------------------------------------------


def json_path(parts) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(document)"


def validate_document(data: Any, team: Team | None = None) -> list[tuple[str, str]]:
    """Everything wrong with `data` as (json path, message); empty when it can be imported.

    `team` widens the catalogue: its own entries may be referenced by slug
    without being carried in `custom_entries`.
    """
    if not isinstance(data, dict):
        return [("(document)", "A plan document is a JSON object.")]
    if data.get("schema") != SCHEMA_ID:
        return [("schema", f'This is not a Backplan plan document (expected "{SCHEMA_ID}").')]
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        return [
            (
                "schema_version",
                f"Unsupported schema version {json.dumps(version)}; "
                f"this Backplan reads version {SCHEMA_VERSION}.",
            )
        ]
    errors = _schema_errors(data)
    errors += _nul_errors(data)
    errors += _reference_errors(data, team)
    # Stable order, no repeats: schema errors come back in no particular order.
    return sorted(set(errors), key=lambda e: (_path_key(e[0]), e[1]))


def _path_key(path: str) -> list:
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\[\]]+", path) if p]


def _schema_errors(data: dict) -> list[tuple[str, str]]:
    errors = []
    for error in validator().iter_errors(data):
        path = list(error.absolute_path)
        if error.validator == "additionalProperties":
            known = set(error.schema.get("properties", {}))
            for key in sorted(set(error.instance) - known):
                errors.append((json_path([*path, key]), "Unknown key."))
        elif error.validator == "required":
            for key in error.validator_value:
                if key not in error.instance:
                    errors.append((json_path([*path, key]), "Required."))
        else:
            errors.append((json_path(path), _message(error)))
    return errors


def _message(error) -> str:
    kind, value = error.validator, error.validator_value
    if kind == "enum":
        return "Must be one of: " + ", ".join(json.dumps(v) for v in value) + "."
    if kind == "const":
        return f"Must be {json.dumps(value)}."
    if kind == "maxLength":
        return f"Too long: at most {value} characters."
    if kind == "minLength":
        return "Must not be empty."
    if kind == "type":
        types = value if isinstance(value, list) else [value]
        return "Must be " + " or ".join(_TYPE_NAMES.get(t, t) for t in types) + "."
    if kind == "uniqueItems":
        return "Lists the same value twice."
    if kind == "pattern":
        return "Only letters, digits, hyphens and underscores."
    if kind in {"minimum", "maximum"}:
        return "Must be a level from 1 to 6."
    return error.message


_TYPE_NAMES = {
    "string": "a string",
    "object": "an object",
    "array": "a list",
    "boolean": "true or false",
    "integer": "a whole number",
    "null": "null",
}


def _nul_errors(data: Any, path: tuple = ()) -> list[tuple[str, str]]:
    """Databases refuse NUL characters in text; say so instead of failing on save."""
    if isinstance(data, str):
        return [(json_path(path), "Contains a NUL character.")] if "\x00" in data else []
    if isinstance(data, dict):
        return [e for k, v in data.items() for e in _nul_errors(v, (*path, str(k)))]
    if isinstance(data, list):
        return [e for i, v in enumerate(data) for e in _nul_errors(v, (*path, i))]
    return []


def _items(data: dict, key: str) -> Iterator[tuple[int, dict]]:
    """The well-formed rows of a list (the schema reports the rest)."""
    rows = data.get(key, [])
    if isinstance(rows, list):
        for i, row in enumerate(rows):
            if isinstance(row, dict):
                yield i, row


def _names(data: dict, key: str, field: str = "name") -> set[str]:
    return {row[field] for _, row in _items(data, key) if isinstance(row.get(field), str)}


def _duplicates(
    data: dict, key: str, label, what: str, ignore_case: bool = False
) -> list[tuple[str, str]]:
    first: dict[str, str] = {}
    errors = []
    for i, row in _items(data, key):
        value = label(row)
        if value is None:
            continue
        seen = value.casefold() if ignore_case else value
        if seen not in first:
            first[seen] = value
        elif first[seen] == value:
            errors.append((f"{key}[{i}]", f"{what} {value} appears more than once."))
        else:
            errors.append(
                (
                    f"{key}[{i}]",
                    f"{what} {value} differs from {first[seen]} only by case; "
                    "names are unique whatever their case.",
                )
            )
    return errors


def _reference_errors(data: dict, team: Team | None) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []

    def as_str(v):
        return v if isinstance(v, str) else None

    for key in ROW_LISTS:
        errors += _duplicates(
            data, key, lambda r: _q(as_str(r.get("name"))), "The name", ignore_case=True
        )
    errors += _duplicates(
        data,
        "relationships",
        lambda r: (
            _q(relationship_name(r["source"], r["target"]))
            if as_str(r.get("source")) and as_str(r.get("target"))
            else None
        ),
        "The relationship",
    )
    errors += _duplicates(
        data, "decisions", lambda r: _q(as_str(r.get("pattern"))), "A decision on"
    )
    errors += _duplicates(
        data, "techniques", lambda r: _q(as_str(r.get("technique"))), "The technique"
    )
    errors += _duplicates(data, "custom_entries", lambda r: _q(as_str(r.get("slug"))), "The slug")
    errors += _duplicates(
        data, "dismissed_findings", lambda r: _q(as_str(r.get("key"))), "The finding"
    )

    boundaries, entities = _names(data, "boundaries"), _names(data, "entities")
    for list_key in ["operations", "entities"]:
        for i, row in _items(data, list_key):
            name = row.get("boundary")
            if isinstance(name, str) and name and name not in boundaries:
                errors.append((f"{list_key}[{i}].boundary", f"No boundary is named {_q(name)}."))
    for kind, spec in LINK_PARTS.values():
        errors += _list_reference_errors(data, registry.ROW_KINDS[kind], spec)
    for i, row in _items(data, "relationships"):
        for end in ["source", "target"]:
            name = row.get(end)
            if isinstance(name, str) and name not in entities:
                errors.append((f"relationships[{i}].{end}", f"No entity is named {_q(name)}."))

    targets = {
        "journey_step": _names(data, "journey_steps"),
        "operation": _names(data, "operations"),
        "entity": entities,
        "relationship": {
            relationship_name(r["source"], r["target"])
            for _, r in _items(data, "relationships")
            if isinstance(r.get("source"), str) and isinstance(r.get("target"), str)
        },
    }
    for i, row in _items(data, "decisions"):
        revealed = row.get("revealed_by")
        if isinstance(revealed, dict):
            kind, name = revealed.get("kind"), revealed.get("name")
            if kind in targets and isinstance(name, str) and name not in targets[kind]:
                label = kind.replace("_", " ")
                errors.append(
                    (f"decisions[{i}].revealed_by.name", f"No {label} is named {_q(name)}.")
                )

    errors += _catalogue_errors(data, team)
    errors += _level_errors(data)
    return errors


def _list_reference_errors(
    data: dict, kind: registry.RowKind, spec: registry.Field
) -> list[tuple[str, str]]:
    """Each name in a list of references (an operation's `entities`) names a row."""
    referred = registry.ROW_KINDS[spec.ref]
    known = _names(data, referred.list_key)
    errors = []
    for i, row in _items(data, kind.list_key):
        names = row.get(spec.doc_key)
        for j, name in enumerate(names if isinstance(names, list) else []):
            if isinstance(name, str) and name not in known:
                errors.append(
                    (
                        f"{kind.list_key}[{i}].{spec.doc_key}[{j}]",
                        f"No {referred.noun} is named {_q(name)}.",
                    )
                )
    return errors


def _q(value: str | None) -> str | None:
    return None if value is None else f"“{value}”"


def _catalogue_errors(data: dict, team: Team | None) -> list[tuple[str, str]]:
    wanted = [
        (f"decisions[{i}].pattern", row["pattern"], CatalogueEntry.Kind.PATTERN)
        for i, row in _items(data, "decisions")
        if isinstance(row.get("pattern"), str)
    ] + [
        (f"techniques[{i}].technique", row["technique"], CatalogueEntry.Kind.TECHNIQUE)
        for i, row in _items(data, "techniques")
        if isinstance(row.get("technique"), str)
    ]
    if not wanted:
        return []
    kinds = resolve_catalogue_kinds(data, team, {slug for _, slug, _ in wanted})
    errors = []
    for path, slug, kind in wanted:
        if slug not in kinds:
            errors.append((path, f"No catalogue entry has the slug {_q(slug)}."))
        elif kinds[slug] != kind:
            errors.append(
                (path, f"{_q(slug)} is {_KIND_NAMES[kinds[slug]]}, not {_KIND_NAMES[kind]}.")
            )
    return errors


_KIND_NAMES = {"pattern": "an architecture pattern", "technique": "an implementation technique"}


def resolve_catalogue_kinds(data: dict, team: Team | None, slugs: set[str]) -> dict[str, str]:
    """slug -> kind, resolved as `plan_import` resolves it.

    A slug in `custom_entries` names the team's entry (the existing one if the
    team already has that slug, else the one the import creates); any other slug
    names the shared entry, or failing that the team's own.
    """
    query = CatalogueEntry.objects.filter(slug__in=slugs, team=None)
    if team is not None:
        query = CatalogueEntry.objects.visible_to(team).filter(slug__in=slugs)
    shared, own = {}, {}
    for entry in query:
        (shared if entry.team_id is None else own)[entry.slug] = entry.kind
    custom = {
        row["slug"]: row["kind"]
        for _, row in _items(data, "custom_entries")
        if isinstance(row.get("slug"), str) and isinstance(row.get("kind"), str)
    }
    kinds = {**own, **shared}
    for slug, kind in custom.items():
        kinds[slug] = own.get(slug, kind)
    return kinds


def _level_errors(data: dict) -> list[tuple[str, str]]:
    levels = data.get("levels")
    if not isinstance(levels, dict):
        return []
    errors = []
    for number, level in levels.items():
        if not isinstance(level, dict) or level.get("status") != LevelStatus.SKIPPED:
            continue
        if number in NEVER_SKIP:
            errors.append((f"levels.{number}.status", f"Level {number} can never be skipped."))
        reason = level.get("skip_reason", "")
        if isinstance(reason, str) and not reason.strip():
            errors.append((f"levels.{number}.skip_reason", "A skipped level needs a reason."))
    return errors
