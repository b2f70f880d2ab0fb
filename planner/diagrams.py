"""Diagrams of a plan: small SVGs drawn by our own code, shown on the share page and in the PDF.

Built only from numbers, fixed attributes and escaped text, so they are safe to
insert as markup; presentation attributes instead of CSS, so they look the same
in the browser (whose CSP forbids inline styles) and in WeasyPrint.
"""

from __future__ import annotations

from math import ceil, cos, pi, sin
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe


def _clip(text: str, length: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _t(x: float, y: float, text: str, css: str, anchor: str = "start") -> str:
    look = SVG_LOOK[css]
    return f'<text x="{x:.0f}" y="{y:.0f}" {look} text-anchor="{anchor}">{escape(text)}</text>'


def _rect(x: float, y: float, width: float, height: float, css: str, rx: int = 6) -> str:
    size = f'width="{width:.0f}" height="{height:.0f}" rx="{rx}"'
    return f'<rect x="{x:.0f}" y="{y:.0f}" {size} {SVG_LOOK[css]}/>'


def boundary_diagram(document: dict, *, columns: int = 3, max_ops: int = 10) -> SafeString:
    """Each boundary as a box listing its operations; operations without one, apart."""
    boxes: dict[str, list[str]] = {b.get("name", ""): [] for b in document.get("boundaries") or []}
    loose: list[str] = []
    for op in document.get("operations") or []:
        target = boxes.get(op.get("boundary") or "")
        (target if target is not None else loose).append(op.get("name", ""))
    items = list(boxes.items()) + ([("No boundary yet", loose)] if loose else [])
    width, gap, line, head = 220, 16, 15, 30
    heights = [
        head + line * (min(len(ops), max_ops) + (len(ops) > max_ops)) + 12 for _, ops in items
    ]
    rows = ceil(len(items) / columns) or 1
    row_heights = [max(heights[r * columns : (r + 1) * columns] or [0]) for r in range(rows)]
    total_w = columns * width + (columns - 1) * gap
    total_h = sum(row_heights) + (rows - 1) * gap
    parts = []
    y = 0
    for r in range(rows):
        for c, (name, ops) in enumerate(items[r * columns : (r + 1) * columns]):
            x = c * (width + gap)
            css = "box loose" if name == "No boundary yet" and ops is loose else "box"
            parts.append(_rect(x, y, width, row_heights[r], css))
            parts.append(_t(x + 10, y + 20, _clip(name, 26), "title"))
            for i, op in enumerate(ops[:max_ops]):
                parts.append(_t(x + 14, y + head + 10 + i * line, "• " + _clip(op, 30), "item"))
            if len(ops) > max_ops:
                more = f"+ {len(ops) - max_ops} more"
                parts.append(_t(x + 14, y + head + 10 + max_ops * line, more, "more"))
            if not ops:
                parts.append(_t(x + 14, y + head + 10, "no operations", "more"))
        y += row_heights[r] + gap
    return _svg(total_w, total_h, "Boundaries and their operations", parts)


def entity_diagram(document: dict, *, max_entities: int = 24) -> SafeString:
    """Entities around an ellipse, relationships as chords labelled with their cardinality.

    On a ring no straight line between two boxes passes through a third, which
    keeps the drawing readable without a layout engine.
    """
    entities = [e.get("name", "") for e in (document.get("entities") or [])][:max_entities]
    count = len(entities)
    width, height = 132, 34
    rx = max(150.0, count * 26.0) if count > 2 else 150.0
    ry = max(70.0, count * 13.0) if count > 2 else 0.0
    cx, cy = rx + width / 2, ry + height / 2
    pos = {}
    for i, name in enumerate(entities):
        angle = -pi / 2 + 2 * pi * i / max(count, 1) if count > 2 else pi * (i + 1)
        pos[name] = (cx + rx * cos(angle), cy + ry * sin(angle))
    total_w, total_h = 2 * rx + width, 2 * ry + height
    lines, labels, boxes = [], [], []
    for rel in document.get("relationships") or []:
        a, b = pos.get(rel.get("source", "")), pos.get(rel.get("target", ""))
        if not a or not b:
            continue
        if a == b:  # an entity related to itself: a small loop above its box
            x, y = a[0] + width / 2 - 12, a[1] - height / 2
            lines.append(
                f'<path d="M{x - 14:.0f},{y:.0f} c 0,-22 28,-22 28,0" {SVG_LOOK["edge"]}/>'
            )
            continue
        lines.append(
            f'<line x1="{a[0]:.0f}" y1="{a[1]:.0f}" x2="{b[0]:.0f}" y2="{b[1]:.0f}" '
            f"{SVG_LOOK['edge']}/>"
        )
        mx, my = a[0] + (b[0] - a[0]) * 0.5, a[1] + (b[1] - a[1]) * 0.5
        labels.append(_rect(mx - 15, my - 8, 30, 14, "tag", rx=3))
        labels.append(_t(mx, my + 3, rel.get("cardinality", ""), "tagtext", "middle"))
    for name, (x, y) in pos.items():
        boxes.append(_rect(x - width / 2, y - height / 2, width, height, "box"))
        boxes.append(_t(x, y + 4, _clip(name, 19), "title", "middle"))
    extra = len(document.get("entities") or []) - count
    if extra > 0:
        total_h += 24
        boxes.append(_t(0, total_h - 6, f"+ {extra} more entities, listed in the table", "more"))
    return _svg(total_w, total_h, "Entities and relationships", lines + labels + boxes)


# Presentation attributes, not CSS: the share page's CSP forbids inline <style>,
# and attributes look the same in the browser and in WeasyPrint.
_FONT = 'font-family="DejaVu Sans, sans-serif"'
SVG_LOOK = {
    "box": 'fill="#f5f7fa" stroke="#3d5a80" stroke-width="1.2"',
    "box loose": 'fill="#fff4e5" stroke="#b26a00" stroke-width="1.2"',
    "title": f'{_FONT} font-size="12" font-weight="bold" fill="#1b263b"',
    "item": f'{_FONT} font-size="10.5" fill="#333333"',
    "more": f'{_FONT} font-size="10" font-style="italic" fill="#666666"',
    "edge": 'stroke="#98a6b8" stroke-width="1.3" fill="none"',
    "tag": 'fill="#ffffff" stroke="#98a6b8"',
    "tagtext": f'{_FONT} font-size="9" fill="#3d5a80"',
}


def _svg(width: float, height: float, title: str, parts: list[str]) -> SafeString:
    body = "".join(parts)
    # Built only from numbers, fixed attributes and escaped text, so safe to insert as markup.
    return mark_safe(  # noqa: S308
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 -2 {width + 4:.0f} {height + 4:.0f}" '
        f'width="{width + 4:.0f}" height="{height + 4:.0f}" '
        f'role="img" aria-label={quoteattr(title)}>'
        f"<title>{escape(title)}</title>{body}</svg>"
    )
