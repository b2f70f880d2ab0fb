"""What changed between two plans, as Markdown (`planner.plan_diff` result in, text out).

Plan text is escaped as in the plan's own Markdown (`escape_markdown`): it can form no
markup. Words inserted and deleted are marked with <ins> and <del>, which GitHub and
most renderers show; the text inside them is escaped too.
"""

from planner.markdown import escape_markdown

ROW_CHANGES = {"added": "Added", "removed": "Removed", "changed": "Changed"}


def _inline(text: str) -> str:
    return " ".join(escape_markdown(line.strip()) for line in str(text).splitlines()) or "—"


def words_markdown(runs: list[list[str]]) -> str:
    """Runs of words as one line of Markdown, spaces kept, line breaks as <br>."""
    marks = {"ins": "<ins>{}</ins>", "del": "<del>{}</del>", "eq": "{}", "gap": " {} "}
    return "".join(
        marks[op].format(escape_markdown(text).replace("\r", "").replace("\n", "<br>"))
        for op, text in runs
    )


def _change_line(change: dict) -> str:
    if change["words"]:
        return f"- **{_inline(change['label'])}:** {words_markdown(change['words'])}"
    before = _inline(change["old"]) if change["old"] else "_(empty)_"
    after = _inline(change["new"]) if change["new"] else "_(empty)_"
    return f"- **{_inline(change['label'])}:** {before} → {after}"


def _row_lines(row: dict) -> list[str]:
    head = f"- {ROW_CHANGES[row['change']]} {row['noun']} **{_inline(row['name'])}**"
    if row["renamed_from"]:
        head += f" (renamed from **{_inline(row['renamed_from'])}**)"
    return [head] + ["  " + _change_line(field) for field in row["fields"]]


def changes_markdown(diff: dict, *, heading: str = "#") -> str:
    """The diff as a Markdown document (`heading` is the level of its title)."""
    sub = heading + "#"
    out = [f"{heading} Changes since {_inline(diff['old'])}", ""]
    out += [f"_From {_inline(diff['old'])} to {_inline(diff['new'])}._", ""]
    if diff["empty"]:
        return "\n".join(out + ["_Nothing changed._", ""])
    for section in diff["sections"]:
        if section["empty"]:
            continue
        out += [f"{sub} {_inline(section['title'])}", ""]
        if section["status"]:
            status = section["status"]
            out += [f"- **Status:** {_inline(status['old'])} → {_inline(status['new'])}"]
        out += [_change_line(change) for change in section["answers"]]
        for row in section["rows"]:
            out += _row_lines(row)
        for decision in section["decisions"]:
            out.append(
                f"- Decision on **{_inline(decision['pattern'])}**: "
                f"{_inline(decision['old'])} → {_inline(decision['new'])}"
            )
        for finding in section["findings"]:
            severity = finding["severity"].capitalize()
            out.append(f"- {finding['label']} ({severity}): {_inline(finding['message'])}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
