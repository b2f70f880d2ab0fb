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
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from planner.plan_view import findings_digest, plan_view

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


# --- Rendering ---------------------------------------------------------------------------------

# WeasyPrint logs one line on `weasyprint.progress` for each page it lays out (a
# documented hook for progress feedback). Those lines go to the render running in
# the same thread, never to the log: a long render reports that it is alive.
_page_listener: ContextVar[Callable[[], None] | None] = ContextVar("page_listener", default=None)


class _PageProgress(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        listener = _page_listener.get()
        if listener is not None:
            listener()


_PROGRESS_LOGGER = logging.getLogger("weasyprint.progress")
_PAGE_HANDLER = _PageProgress()


def _listen_to_pages() -> None:
    # Checked on every render: a logging configuration applied later (settings
    # LOGGING names `weasyprint`) resets this child logger.
    if _PAGE_HANDLER not in _PROGRESS_LOGGER.handlers:
        _PROGRESS_LOGGER.addHandler(_PAGE_HANDLER)
    _PROGRESS_LOGGER.setLevel(logging.INFO)
    _PROGRESS_LOGGER.propagate = False


def report_html(
    document: dict,
    *,
    team_name: str = "",
    generated_at: datetime | None = None,
    extras: dict | None = None,
) -> str:
    """The HTML WeasyPrint turns into the PDF (tests read it to check content and order).

    `extras` (`Report.extras`) adds what a milestone froze (findings, catalogue names),
    its reviews and the changes since an earlier plan (`planner.plan_diff`)."""
    extras = extras or {}
    plan = plan_view(document, findings=extras.get("findings"), names=extras.get("names"))
    # The PDF prints a bounded digest of the findings; plan["findings"] keeps them all.
    plan["findings_digest"] = findings_digest(plan["findings"])
    context = {
        "plan": plan,
        "milestone": extras.get("milestone"),
        "reviews": extras.get("reviews"),
        "changes": extras.get("changes"),
        "team_name": team_name,
        "generated_at": generated_at or timezone.now(),
        "stylesheet": f"{REPORT_ORIGIN}{_static_prefix()}css/report.css",
        "table_template": "planner/pdf/_table.html",  # lists as name + details (issue 8)
    }
    return render_to_string("planner/pdf/report.html", context)


def render_pdf(
    document: dict,
    *,
    team_name: str = "",
    generated_at: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    extras: dict | None = None,
) -> bytes:
    """The PDF report of one plan document.

    `progress(percent)` is called as the render advances, also once per laid-out
    page (with a percentage that creeps towards 85 while the page count is unknown).
    """
    step = progress or (lambda percent: None)
    html = report_html(document, team_name=team_name, generated_at=generated_at, extras=extras)
    step(25)
    pages = 0

    def page_done() -> None:
        nonlocal pages
        pages += 1
        step(25 + int(60 * (1 - 0.98**pages)))

    _listen_to_pages()
    token = _page_listener.set(page_done)
    try:
        rendered = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    finally:
        _page_listener.reset(token)
    step(85)
    pdf = rendered.write_pdf()
    step(95)
    return pdf
