"""The Markdown export: every answer, and plan text that cannot turn into markup."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from planner.importing import plan_import
from planner.markdown import escape_markdown, plan_markdown
from planner.sharing import share_link_create
from tests.planner.test_pdf import ATTACKS, all_answers, demo_document

pytestmark = pytest.mark.django_db


def test_markdown_contains_every_answer_and_section():
    doc = demo_document()
    md = plan_markdown(doc)
    flat = re.sub(r"\\(.)", r"\1", md.replace("<br>", "\n").replace("  \n", "\n"))
    flat = flat.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
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


PAYLOADS = [
    "[click me](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(document.cookie))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[vb](vbscript:msgbox(1))",
    "![](http://evil.example/x.png)",
    "![tracker](https://evil.example/pixel.gif?who=me)",
    "[ref][1]\n\n[1]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<https://evil.example/autolink>",
    '<img src="http://evil.example/x.png" onerror="alert(1)">',
    "<script>alert(1)</script>",
    "&#106;avascript&colon;alert(1)",
    "`code` *bold* _em_ ~~gone~~ | cell",
    "# Heading\n> quote\n- item\n1. first\n===",
]


def unsafe_markup(md: str) -> list[str]:
    """What in this Markdown could become a link, image, HTML or entity when rendered."""
    found = re.findall(r"(?<!\\)!?\[[^\]]*(?<!\\)\]\s*[(\[:]", md)  # [text](…) [text][…] [x]:
    found += re.findall(r"<(?!br>)[a-zA-Z/!?]", md)  # raw HTML or an autolink
    found += re.findall(r"&(?!amp;|lt;|gt;)#?\w+;", md)  # entities spelling other text
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_plan_text_can_form_no_link_image_or_html_in_markdown(payload):
    doc = demo_document()
    doc["project"]["name"] = payload
    doc["project"]["description"] = payload
    doc["context"]["product"] = payload
    doc["levels"]["1"]["answers"]["data_when"] = payload
    doc["boundaries"][0]["responsibility"] = payload
    doc["decisions"][0]["rationale"] = payload
    md = plan_markdown(doc)
    assert unsafe_markup(md) == []
    for scheme in ("javascript:", "vbscript:", "data:"):
        assert not re.search(rf"(?<!\\)\]\(\s*{scheme}", md, re.I)


def test_escaped_text_reads_the_same_once_rendered():
    text = "Use *only* [brackets] & <tags> in a_b | c ~ `x` ! #1"
    escaped = escape_markdown(text)
    unescaped = re.sub(r"\\(.)", r"\1", escaped)
    assert unescaped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text
    assert escape_markdown("# not a heading") == "\\# not a heading"
    assert escape_markdown("1. not a list") == "1\\. not a list"
    assert escape_markdown("- not an item") == "\\- not an item"


def test_the_anonymous_plan_md_is_escaped_too(team, owner, catalogue):
    doc = demo_document()
    doc["context"]["product"] = "\n".join(PAYLOADS)
    project = plan_import(team=team, document=doc, user=owner, name="Hostile")
    _, token = share_link_create(project=project, user=owner)
    md = Client().get(reverse("share_markdown", args=[token])).content.decode()
    assert "javascript" in md and unsafe_markup(md) == []
