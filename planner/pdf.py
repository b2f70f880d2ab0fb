"""The PDF report: WeasyPrint over our own print template, fetching only our static files.

WeasyPrint will, by default, read local files and fetch any URL a document
names — as images, stylesheets or even PDF attachments. Plan text is escaped by
the template, so it cannot add markup; on top of that, `StaticOnlyFetcher`
refuses every URL except our own static files and small inline images, so a
mistake in a template cannot leak a file or reach the network either.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from math import ceil, cos, pi, sin
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# WeasyPrint logs every layout step at INFO; a worker's log needs none of that.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Relative URLs in the report resolve against this made-up origin; the fetcher
# answers for it from the static files and never opens a connection.
REPORT_ORIGIN = "https://backplan.invalid"
BASE_URL = REPORT_ORIGIN + "/"
MAX_DATA_URL_BYTES = 256 * 1024
DATA_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}
STATIC_TYPES = {
    "text/css",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/svg+xml",
    "font/woff",
    "font/woff2",
    "font/ttf",
    "font/otf",
}
_DATA_URL = re.compile(
    r"^data:(?P<type>[\w.+-]+/[\w.+-]+)(?P<params>(?:;[^,;]*)*),(?P<data>.*)$", re.S
)


class RefusedURL(ValueError):
    """The report asked for something outside our static files."""


def _static_prefix() -> str:
    path = urlsplit(settings.STATIC_URL).path
    return "/" + path.strip("/") + "/"


class StaticOnlyFetcher(URLFetcher):
    """Serves our static files and small `data:` images; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allow_redirects=False, allowed_protocols=("https", "data"), timeout=1)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            return self._data(url)
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.netloc != urlsplit(REPORT_ORIGIN).netloc:
            raise RefusedURL(f"Refused to fetch {url[:100]!r}: not one of our static files.")
        if parts.query or parts.username or parts.password or parts.port:
            raise RefusedURL(f"Refused to fetch {url[:100]!r}.")
        path = unquote(parts.path)
        prefix = _static_prefix()
        if not path.startswith(prefix):
            raise RefusedURL(f"Refused to fetch {url[:100]!r}: outside the static files.")
        name = path[len(prefix) :]
        segments = name.split("/")
        if (
            not name
            or "\\" in name
            or "\x00" in name
            or any(s in ("", ".", "..") for s in segments)
        ):
            raise RefusedURL(f"Refused to fetch {url[:100]!r}: not a plain static path.")
        content_type = mimetypes.guess_type(name)[0] or ""
        if content_type not in STATIC_TYPES:
            raise RefusedURL(f"Refused to fetch {url[:100]!r}: not a stylesheet, image or font.")
        return URLFetcherResponse(url, _read_static(name), {"Content-Type": content_type})

    def _data(self, url: str) -> URLFetcherResponse:
        if len(url) > MAX_DATA_URL_BYTES * 4 // 3 + 200:
            raise RefusedURL("Refused an inline image: too large.")
        match = _DATA_URL.match(url)
        if not match or match["type"].lower() not in DATA_IMAGE_TYPES:
            raise RefusedURL("Refused an inline resource that is not an image.")
        if ";base64" in match["params"].lower():
            body = base64.b64decode(match["data"], validate=False)
        else:
            body = unquote_to_bytes(match["data"])
        if len(body) > MAX_DATA_URL_BYTES:
            raise RefusedURL("Refused an inline image: too large.")
        return URLFetcherResponse(url[:64], body, {"Content-Type": match["type"].lower()})


def _read_static(name: str) -> bytes:
    """A static file by its name under STATIC_URL, through the finders or the storage."""
    found = finders.find(name)
    if found:
        return Path(found).read_bytes()
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as handle:
            return handle.read()
    raise RefusedURL(f"No static file {name!r}.")


# --- Diagrams: small SVGs drawn by our own code; every text is escaped ----------------


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


# --- Rendering ---------------------------------------------------------------------------------


@dataclass
class PDFProgress:
    """Reports coarse progress (percent) while a PDF renders."""

    report: Callable[[int], None]

    def __call__(self, percent: int) -> None:
        self.report(percent)


def report_html(
    document: dict, *, team_name: str = "", generated_at: datetime | None = None
) -> str:
    from planner.reports import plan_view

    context = {
        "plan": plan_view(document),
        "team_name": team_name,
        "generated_at": generated_at or timezone.now(),
        "stylesheet": f"{REPORT_ORIGIN}{_static_prefix()}css/report.css",
    }
    return render_to_string("planner/pdf/report.html", context)


def render_pdf(
    document: dict,
    *,
    team_name: str = "",
    generated_at: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The PDF report of one plan document."""
    step = progress or (lambda percent: None)
    html = report_html(document, team_name=team_name, generated_at=generated_at)
    step(25)
    rendered = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    step(85)
    pdf = rendered.write_pdf()
    step(95)
    return pdf
