"""The plan's Level 5 decisions as Architecture Decision Records in the MADR format.

A pure rendering of the plan document and the catalogue: one Markdown file per
decision, numbered in the plan's order (`0001-use-background-job-processing.md`), and
an index (`README.md`). Each record says:

* its **status** (adopt → accepted, reject → rejected, defer → proposed, marked deferred);
* the **context and problem** from the decision's problem and the row that revealed it
  (a journey step, operation, entity or relationship, with that row's answers), and
  the plan's context filter as the decision drivers;
* the **options considered**: the pattern and the catalogue's alternatives to it (the
  other patterns of its category), each with its summary, when to use and when not;
* the **outcome** with the team's rationale, and the **consequences** from the
  pattern's trade-offs (what it solves, what it costs, its complexity).

All text from the plan or a team's catalogue goes through `escape_markdown`, so it
reads as written and can form no heading, list, link or HTML.
"""

from typing import Any

from django.utils.text import slugify

from planner.markdown import escape_markdown
from planner.registry import CONTEXT, ROW_KINDS, DecisionStatus

STATUS = {
    DecisionStatus.ADOPT: "accepted",
    DecisionStatus.REJECT: "rejected",
    DecisionStatus.DEFER: "proposed",
}
TITLE = {
    DecisionStatus.ADOPT: "Use {}",
    DecisionStatus.REJECT: "Do not use {}",
    DecisionStatus.DEFER: "Defer {}",
}
DRIVERS = ["scale", "team_size", "stage", "platform", "realtime", "offline", "ai", "sensitivity"]
NO_CHANGE = "Keep the current design (no new pattern)"


def adr_files(document: dict[str, Any], catalogue: list[dict]) -> list[tuple[str, str]]:
    """[(file name, Markdown)]: one record per decision, then the index `README.md`.

    `catalogue` holds every pattern the team sees (shared and its own): slug, name,
    category, summary, problems, when_to_use, when_not_to, complexity.
    """
    patterns = {entry["slug"]: entry for entry in catalogue}
    records = []
    for number, decision in enumerate(document.get("decisions", []), start=1):
        entry = patterns.get(decision["pattern"]) or _unknown(decision["pattern"])
        title = TITLE[decision.get("status", DecisionStatus.ADOPT)].format(entry["name"])
        name = f"{number:04d}-{slugify(title)[:60].strip('-') or 'decision'}.md"
        records.append((name, title, decision, entry))
    files = [
        (name, adr_record(document, decision, entry, title, catalogue))
        for name, title, decision, entry in records
    ]
    return [*files, ("README.md", _index(document, records))]


def adr_record(
    document: dict, decision: dict, entry: dict, title: str, catalogue: list[dict]
) -> str:
    status = decision.get("status", DecisionStatus.ADOPT)
    alternatives = [
        e for e in catalogue if e["category"] == entry["category"] and e["slug"] != entry["slug"]
    ]
    out = ["---", f"status: {STATUS[status]}", "---", "", f"# {_line(title)}", ""]
    out += ["## Context and Problem Statement", ""]
    out += [_para(decision.get("problem", "")) or "_The plan names no problem for it._", ""]
    out += _revealed(document, decision.get("revealed_by"))
    out += ["## Decision Drivers", ""]
    out += [f"* {_line(CONTEXT[key].heading)}: {_line(value)}" for key, value in _drivers(document)]
    out += ["* _The plan's context is not filled in._"] if not _drivers(document) else []
    out += ["", "## Considered Options", ""]
    out += [f"* {_line(entry['name'])}"] + [f"* {_line(e['name'])}" for e in alternatives]
    out += [f"* {NO_CHANGE}", "", "## Decision Outcome", ""]
    out += [_outcome(status, entry["name"]), ""]
    rationale = _para(decision.get("rationale", ""))
    out += [f"Rationale: {rationale}" if rationale else "_No rationale recorded._", ""]
    out += ["### Consequences", ""] + _consequences(status, entry) + [""]
    out += ["## Pros and Cons of the Options", ""]
    for option in [entry, *alternatives]:
        out += _option(option)
    out += [
        "## More Information",
        "",
        f"From the Backplan plan “{_line(document['project']['name'])}”, Level 5 "
        f"(decision on the catalogue pattern `{decision['pattern']}`).",
        "",
    ]
    return "\n".join(out)


def _revealed(document: dict, revealed: dict | None) -> list[str]:
    """The row that revealed the problem, with its answers (from the registry's fields)."""
    if not revealed:
        return ["_No earlier answer of the plan is named as revealing it._", ""]
    kind = ROW_KINDS[revealed["kind"]]
    out = [f"Revealed by the {kind.noun} “{_line(revealed['name'])}” (Level {kind.level}):", ""]
    for row in document.get(kind.list_key, []):
        if _row_name(revealed["kind"], row) == revealed["name"]:
            for spec in kind.fields:
                value = spec.display(row.get(spec.doc_key))
                if value and spec.name not in ("name", "source", "target"):
                    out.append(f"* {_line(spec.heading)}: {_line(value)}")
    return [*out, ""]


def _row_name(kind: str, row: dict) -> str:
    if kind == "relationship":
        return f"{row['source']} -> {row['target']}"
    return row["name"]


def _drivers(document: dict) -> list[tuple[str, str]]:
    context = document.get("context", {})
    pairs = [(key, CONTEXT[key].display(context.get(key))) for key in DRIVERS]
    return [(key, value) for key, value in pairs if value]


def _outcome(status: str, name: str) -> str:
    if status == DecisionStatus.ADOPT:
        return f"Chosen option: “{_line(name)}”."
    if status == DecisionStatus.REJECT:
        return f"Chosen option: “{NO_CHANGE}”; {_line(name)} is rejected for this plan."
    return f"Deferred: no option is chosen yet; {_line(name)} is to be decided later."


def _consequences(status: str, entry: dict) -> list[str]:
    if status == DecisionStatus.REJECT:
        return [
            f"* Good, because the plan avoids its cost: {_line(entry['when_not_to'])}"
            if entry["when_not_to"]
            else "* Good, because the plan stays simpler.",
            f"* Bad, because the problems it solves stay open: {_line(entry['problems'])}"
            if entry["problems"]
            else "* Bad, because the problem it would solve stays open.",
        ]
    lines = []
    if entry["problems"]:
        lines.append(f"* Good, because it answers: {_line(entry['problems'])}")
    if entry["when_not_to"]:
        lines.append(f"* Bad, because of its cost: {_line(entry['when_not_to'])}")
    lines.append(f"* Complexity: {_line(entry['complexity'])}.")
    if status == DecisionStatus.DEFER:
        lines.append("* Until it is decided, the plan must work without it.")
    return lines


def _option(entry: dict) -> list[str]:
    out = [f"### {_line(entry['name'])}", ""]
    if entry["summary"]:
        out += [_para(entry["summary"]), ""]
    if entry["when_to_use"]:
        out.append(f"* Fits when: {_line(entry['when_to_use'])}")
    if entry["when_not_to"]:
        out.append(f"* Does not fit when: {_line(entry['when_not_to'])}")
    return [*out, ""]


def _index(document: dict, records: list) -> str:
    out = [f"# Architecture decisions: {_line(document['project']['name'])}", ""]
    out += ["| Number | Decision | Status |", "|---|---|---|"]
    for number, (name, title, decision, _) in enumerate(records, start=1):
        status = STATUS[decision.get("status", DecisionStatus.ADOPT)]
        out.append(f"| {number:04d} | [{_line(title)}]({name}) | {status} |")
    if not records:
        out.append("| — | The plan has no decisions yet. | — |")
    return "\n".join([*out, ""])


def _unknown(slug: str) -> dict:
    """A pattern the catalogue no longer has: the record still names it."""
    return {
        "slug": slug,
        "name": slug,
        "category": "",
        "summary": "",
        "problems": "",
        "when_to_use": "",
        "when_not_to": "",
        "complexity": "unknown",
    }


def _line(text: str) -> str:
    """Plan text on one line (a heading, a list item, a table cell): no markup."""
    return " ".join(escape_markdown(part.strip()) for part in str(text).split("\n") if part.strip())


def _para(text: str) -> str:
    """A paragraph of plan text: no markup, its line breaks kept."""
    lines = [escape_markdown(line.rstrip()) for line in text.strip().splitlines()]
    return "  \n".join(lines)
