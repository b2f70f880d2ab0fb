"""Browser tests: a real Chromium driven by Playwright against pytest-django's live server.

- Chromium is the system one (/usr/bin/chromium); Playwright never downloads a browser.
- Without it the tests skip, unless BROWSER_TESTS_REQUIRED=1 (CI), where they fail.
- Mark every test module with `pytestmark = [pytest.mark.browser,
  pytest.mark.django_db(transaction=True)]`: the live server runs in another thread
  and only sees committed data.
- Helpers (tests/browser/helpers.py): `axe_check(page)` fails on serious or critical
  accessibility violations, `submit(page, form)` posts a form and waits.
- Fixtures here: `log_in(user)` gives the browser a session; `csp_errors` collects
  what the page's Content-Security-Policy refused.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# Playwright's sync API runs an event loop in this thread; Django then refuses ORM
# calls from it unless told that this is deliberate (tests only).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def browser_tests_required() -> bool:
    return os.environ.get("BROWSER_TESTS_REQUIRED", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, pointed at the system Chromium."""
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if browser_tests_required():
            pytest.fail(f"{message}; BROWSER_TESTS_REQUIRED=1 makes this a failure.")
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def _short_timeouts(page) -> None:
    """Fail in seconds, not Playwright's default 30 s, when an element never appears."""
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(20_000)


# --- Content-Security-Policy ------------------------------------------------------


@pytest.fixture
def csp_errors(page) -> list[str]:
    """Console messages from the browser refusing something under our CSP.

    Assert it is empty at the end of a test: an inline style or script that CSP
    blocks is a bug (the page looks or works differently in production).
    """
    errors: list[str] = []

    def record(message) -> None:
        if "Content Security Policy" in message.text:
            errors.append(f"{page.url}: {message.text}")

    page.on("console", record)
    return errors


# --- Logging in ---------------------------------------------------------------------


@pytest.fixture
def log_in(page, live_server) -> Callable:
    """`log_in(user)`: give the browser a session for `user` without the login form.

    Uses Django's test client to create the session (as `client.force_login` does)
    and hands its cookie to the browser context.
    """

    def _log_in(user) -> None:
        client = Client()
        client.force_login(user, backend="accounts.lean.UserBackend")
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )

    return _log_in
