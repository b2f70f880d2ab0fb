"""Long lists in the PDF print as records: one paragraph a row, the name in bold, then the
short values and each paragraph run in (issue 8: WeasyPrint's time and memory follow the
laid-out lines and boxes)."""

import re

import pytest

from planner import registry
from planner.pdf import render_pdf, report_html
from planner.plan_view import CHUNK_ROWS, _clip, _fit_names, plan_view
from tests.planner.test_pdf import (
    demo_document,
    large_document,
    pdf_text,
    small_document,
    squash,
)


def journey_table(document: dict):
    return plan_view(document, findings=[], diagrams=False)["levels"][0].tables[0]


@pytest.mark.django_db
def test_long_lists_print_as_records_and_short_ones_keep_a_column_per_field():
    rows = CHUNK_ROWS + 5
    html = report_html(large_document(rows=rows, answer_bytes=100))
    # every list and the decisions are longer than one table (one relationship fewer)
    assert html.count('<div class="records">') == 7
    assert html.count('<p class="record">') == 7 * rows - 1
    assert "plan-table" not in html.split('id="core-questions"')[0].split('id="context"')[1]

    demo = report_html(demo_document())  # lists of a few rows: one column per field
    assert 'class="records"' not in demo
    assert '<th scope="col" class="w-p' in demo and "Timing</th>" in demo


@pytest.mark.django_db
def test_a_record_keeps_every_value_of_its_row_under_its_heading():
    doc = large_document(rows=CHUNK_ROWS + 1, answer_bytes=100)
    doc["journey_steps"][1]["external_services"] = ""
    table = journey_table(doc)
    assert table.compact
    first, second = table.records[0], table.records[1]
    assert first.name == "Step 0"
    assert first.facts == (
        "Timing: Fast (user waits) · Updates: Real-time push · Offline: Yes · External: Push"
    )
    data = registry.ROW_KINDS["journey_step"].fields[1]
    assert first.texts == [(data.heading, doc["journey_steps"][0]["data_needed"])]
    # an empty value is left out; "No" is a value
    assert second.facts == "Timing: Fast (user waits) · Updates: Real-time push · Offline: No"
    assert len(table.records) == CHUNK_ROWS + 1


@pytest.mark.django_db
def test_a_record_is_one_paragraph_with_the_name_then_values_and_paragraphs_run_in():
    doc = large_document(rows=CHUNK_ROWS + 1, answer_bytes=100)
    doc["journey_steps"][0]["data_needed"] = "Messages <b>and</b> drafts\nthen the read marks"
    doc["journey_steps"][2]["timing"] = ""
    doc["journey_steps"][2]["updates"] = ""
    doc["journey_steps"][2]["offline"] = None
    doc["journey_steps"][2]["external_services"] = ""
    doc["journey_steps"][2]["data_needed"] = ""
    html = report_html(doc)
    records = re.findall(r'<p class="record">.*?</p>', html)
    assert records[0] == (
        '<p class="record"><b>Step 0</b> · Timing: Fast (user waits) · Updates: Real-time push'
        " · Offline: Yes · External: Push · Data the frontend needs: Messages &lt;b&gt;and"
        "&lt;/b&gt; drafts<br>then the read marks</p>"
    )
    # a row with nothing but its name (a flag prints "No") is its name and that value
    assert records[2] == '<p class="record"><b>Step 2</b> · Offline: No</p>'


@pytest.mark.django_db
def test_every_value_of_every_record_prints_in_order():
    doc = small_document()
    doc["journey_steps"] = [
        dict(
            doc["journey_steps"][0],
            name=f"Screen {i}",
            data_needed=f"Payload number {i} with its fields",
        )
        for i in range(CHUNK_ROWS + 3)
    ]
    text = squash(pdf_text(render_pdf(doc)))
    position = 0
    for i in range(CHUNK_ROWS + 3):
        found = text.find(squash(f"Screen {i}·"), position)
        assert found >= 0, i
        position = text.find(squash(f"Data the frontend needs: Payload number {i} with its"), found)
        assert position >= 0, i


@pytest.mark.django_db
def test_the_cover_counts_only_open_severities_and_addressed_findings_name_what_did_it():
    demo = report_html(demo_document())  # the demo plan has acted on every finding
    assert "none: the plan has acted on every finding" in demo
    assert "0 high" not in demo
    # Long lines are clipped between words, never inside one ("Techni…").
    assert _clip("Addressed by Technique: retry with backoff", 24) == "Addressed by Technique…"
    assert _clip("Addressed by Technique: retry with backoff", 20) == "Addressed by…"
    assert _clip("Short enough", 20) == "Short enough"
    names = ["Technique · Retry with exponential backoff", "Technique · Graceful degradation"]
    assert _fit_names("Gap: Stripe — ", names, 60) == (
        "Gap: Stripe — Technique · Retry with exponential backoff and 1 more"
    )

    gaps = demo_document()
    gaps["entities"].append({"name": "Draft", "description": "A draft."})
    cover = report_html(gaps).split("<dt>Open findings</dt>", 1)[1].split("</dd>", 1)[0]
    assert "1 low" in cover and "0 " not in cover
