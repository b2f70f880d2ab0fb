"""Helpers for browser tests: accessibility checks with axe-core, and navigation that
fails fast on server errors."""

from pathlib import Path

AXE_SOURCE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


# --- Accessibility --------------------------------------------------------------


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {summary}")
            lines.append(f"       {node.get('html', '')[:200]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more elements")
    return "\n".join(lines)


def axe_check(page, *, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[dict]:
    """Run axe-core on the page as it is now; fail on violations of the given impacts.

    The page's CSP refuses injected <script> tags, so the source is evaluated through
    Playwright instead (DevTools evaluation is not subject to the page's CSP).
    Returns all violations (including minor ones) for tests that want to look further.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE_PATH.read_text(encoding="utf-8"))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    blocking = [v for v in violations if v.get("impact") in impacts]
    assert not blocking, f"Accessibility violations on {page.url}:\n{_describe(blocking)}"
    return violations


def _ok(response, what: str):
    assert response is not None, f"{what}: no response"
    assert response.status < 400, (
        f"{what}: HTTP {response.status} at {response.url}\n{response.text()[:1500]}"
    )
    return response


def goto(page, url: str):
    """Open `url` and fail at once (with the response body) on a 4xx/5xx answer."""
    return _ok(page.goto(url), f"GET {url}")


def submit(page, form_selector: str):
    """Click the submit button of the form matched by `form_selector`; the resulting page
    (after redirects) must not be an error."""
    with page.expect_navigation() as navigation:
        page.locator(f"{form_selector} [type=submit]").first.click()
    return _ok(navigation.value, f"submitting {form_selector}")
