"""The Markdown export: every answer, and plan text that cannot turn into markup."""

import pytest

from planner.markdown import plan_markdown
from tests.planner.test_pdf import ATTACKS, all_answers, demo_document

pytestmark = pytest.mark.django_db


def test_markdown_contains_every_answer_and_section():
    doc = demo_document()
    md = plan_markdown(doc)
    flat = md.replace("<br>", "\n").replace("  \n", "\n").replace("\\|", "|")
    flat = flat.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    squash = lambda s: "".join(s.split())  # noqa: E731
    missing = [a[:50] for a in all_answers(doc) if squash(a) not in squash(flat)]
    assert missing == []
    for heading in (
        "## Context",
        "## Level 1: API requirements mapping",
        "### Decisions",
        "## The four core questions",
        "## Findings from the advisor",
    ):
        assert heading in md


def test_markdown_neutralises_html_and_table_breaking_text():
    doc = demo_document()
    doc["context"]["product"] = "\n".join(ATTACKS)
    doc["boundaries"][0]["responsibility"] = "a | b\nc"
    md = plan_markdown(doc)
    assert "<img" not in md and "<link" not in md and "<style" not in md
    assert '&lt;img src="file:///etc/passwd"&gt;' in md
    assert "a \\| b<br>c" in md


def test_markdown_of_an_empty_plan():
    md = plan_markdown({"project": {"name": "Empty"}, "levels": {}, "context": {}})
    assert md.startswith("# Empty") and "_Not answered_" in md and "None recorded" in md
