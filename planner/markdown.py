"""The plan as Markdown: the same sections as the share page and the PDF, for a repository."""

from __future__ import annotations

import re

from django.utils import timezone

from planner.plan_view import plan_view

# Characters that can start a link, an image, emphasis, code, a table cell or
# strikethrough anywhere in a line; CommonMark lets a backslash escape any of them.
_INLINE_SYNTAX = re.compile(r"([\\`*_\[\]!|~])")
# Markers that only mean something at the start of a line: headings, lists, quotes,
# setext underlines, ordered-list numbers ("1." / "1)").
_LINE_START_SYNTAX = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))", re.M)


def escape_markdown(text: str) -> str:
    """Plan text as Markdown that reads the same and can form no markup at all.

    No link, image, autolink, raw HTML, entity, emphasis, code or heading can come
    from plan text (so no `javascript:` link and no remote image either), the way
    the share page shows it as plain text. Bare http(s) addresses may still be
    linked by renderers that autolink them, as on any page.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_SYNTAX.sub(r"\\\1", text)
    return _LINE_START_SYNTAX.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match) -> str:
    indent, marker = match.groups()
    if marker[0].isdigit():  # "1." -> "1\." : the number stays, the list marker goes
        return f"{indent}{marker}\\"
    return f"{indent}\\{marker}"


def _inline(text: str) -> str:
    """Text safe inside a Markdown table cell or heading: no markup, no cell breaks."""
    lines = [escape_markdown(line.strip()) for line in text.strip().splitlines()]
    return "<br>".join(lines) or "—"


def _block(text: str) -> str:
    """A paragraph of plan text: no markup, line breaks kept."""
    lines = [escape_markdown(line.rstrip()) for line in text.strip().splitlines()]
    return "  \n".join(lines) or "_Not answered_"


def plan_markdown(
    document: dict, *, findings: list | None = None, names: dict[str, str] | None = None
) -> str:
    plan = plan_view(document, findings=findings, diagrams=False, names=names)
    out: list[str] = [f"# {_inline(plan['name'])}", ""]
    if plan["description"]:
        out += [_block(plan["description"]), ""]
    out += [
        f"_Backend plan exported from Backplan on {timezone.now():%d %B %Y}; "
        f"fingerprint {plan['hash'][:12]} "
        f"(plan document schema {_inline(str(plan['schema_version']))})._",
        "",
        "## Context",
        "",
        "| | |",
        "|---|---|",
    ]
    out += [f"| **{label}** | {_inline(value)} |" for label, value in plan["context"]]
    for level in plan["levels"]:
        out += [
            "",
            f"## Level {level.number}: {level.title}",
            "",
            f"Status: **{_inline(level.status)}**",
        ]
        if level.skip_reason:
            out += ["", f"Skipped because: {_block(level.skip_reason)}"]
        for question, answer in level.answers:
            out += ["", f"### {_inline(question)}", "", _block(answer)]
        for table in level.tables:
            out += ["", f"### {table.caption}", ""]
            if not table.rows:
                out.append(f"_{table.empty}_")
                continue
            out.append("| " + " | ".join(table.columns) + " |")
            out.append("|" + "---|" * len(table.columns))
            out += ["| " + " | ".join(_inline(cell) for cell in row) + " |" for row in table.rows]
        if level.number == 5:
            out += ["", "### Decisions", ""]
            for d in level.decisions:
                out += [f"#### {_inline(d['pattern'])} — {_inline(d['status'])}", ""]
                if d["problem"]:
                    out += [f"**Problem it solves:** {_block(d['problem'])}", ""]
                if d["rationale"]:
                    out += [f"**Rationale:** {_block(d['rationale'])}", ""]
                if d["revealed_by"]:
                    out += [f"_Revealed by the {_inline(d['revealed_by'])}._", ""]
            if not level.decisions:
                out.append("_No decisions recorded._")
    out += ["", "## The four core questions"]
    for item in plan["core"]:
        out += ["", f"### {item['title']}", "", f"_{item['question']}_", "", _block(item["answer"])]
        if item["levels"]:
            out += ["", f"Addressed in: {_inline(item['levels'])}"]
    out += ["", "## Findings from the advisor", ""]
    if plan["findings"]["context_line"]:
        out += [f"_Read against: {_inline(plan['findings']['context_line'])}_", ""]
    if not plan["findings"]["total"]:
        out.append("_No open findings._")
    for group in plan["findings"]["groups"]:
        out += [f"### {group['label']}", ""]
        for f in group["items"]:
            line = f"- **{_inline(f['kind'])}** ({_inline(f['step'])}): {_inline(f['message'])}"
            if f["action"]:
                line += f" _Suggested:_ {_inline(f['action'])}"
            out.append(line)
        out.append("")
    if plan["findings"]["addressed"]:
        out += ["### Addressed by the plan", ""]
        out += [
            f"- {_inline(f['headline'])} — _addressed by {_inline(f['addressed_text'])}_"
            for f in plan["findings"]["addressed"]
        ]
        out.append("")
    if plan["findings"]["dismissed"]:
        out += ["### Set aside by the team", ""]
        out += [
            f"- {_inline(f['message'])} — _{_inline(str(f['dismissed']))}_"
            for f in plan["findings"]["dismissed"]
        ]
    return "\n".join(out).rstrip() + "\n"
