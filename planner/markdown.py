"""The plan as Markdown: the same sections as the share page and the PDF, for a repository."""

from __future__ import annotations

from django.utils import timezone

from planner.plan_view import plan_view


def _inline(text: str) -> str:
    """Text safe inside a Markdown table cell or heading: no raw HTML, no cell breaks."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("|", "\\|")
    return "<br>".join(line.strip() for line in text.strip().splitlines()) or "—"


def _block(text: str) -> str:
    """A paragraph of plan text: HTML neutralised, line breaks kept."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "  \n".join(line.rstrip() for line in text.strip().splitlines()) or "_Not answered_"


def plan_markdown(document: dict, *, findings: list | None = None) -> str:
    plan = plan_view(document, findings=findings, diagrams=False)
    out: list[str] = [f"# {_inline(plan['name'])}", ""]
    if plan["description"]:
        out += [_block(plan["description"]), ""]
    out += [
        f"_Backend plan exported from Backplan on {timezone.now():%d %B %Y}; "
        f"document {plan['hash'][:16]} (schema version {plan['schema_version']})._",
        "",
        "## Context",
        "",
        "| | |",
        "|---|---|",
    ]
    out += [f"| **{label}** | {_inline(value)} |" for label, value in plan["context"]]
    for level in plan["levels"]:
        out += ["", f"## Level {level.number}: {level.title}", "", f"Status: **{level.status}**"]
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
                out += [f"#### {_inline(d['pattern'])} — {d['status']}", ""]
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
            out += ["", f"Addressed in: {item['levels']}"]
    out += ["", "## Findings from the advisor", ""]
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
    if plan["findings"]["dismissed"]:
        out += ["### Set aside by the team", ""]
        out += [
            f"- {_inline(f['message'])} — _{_inline(str(f['dismissed']))}_"
            for f in plan["findings"]["dismissed"]
        ]
    return "\n".join(out).rstrip() + "\n"
