"""The browser-test helpers themselves: an accessibility check that cannot fail is no check."""

import pytest

from tests.browser.helpers import axe_check

pytestmark = [pytest.mark.browser]


def test_axe_check_fails_on_an_input_without_a_label(page):
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head>'
        '<body><main><input type="text" name="q"></main></body></html>'
    )
    with pytest.raises(AssertionError, match=r"\[critical\] label"):
        axe_check(page)


def test_axe_check_passes_a_labelled_form(page):
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head>'
        '<body><main><label for="q">Search</label><input id="q" type="text" name="q">'
        "</main></body></html>"
    )
    assert all(v["impact"] not in ("serious", "critical") for v in axe_check(page))
