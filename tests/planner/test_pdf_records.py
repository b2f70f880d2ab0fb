"""Long lists in the PDF print as records: the name, the short values on one line, then
each paragraph (issue 8: WeasyPrint's time and memory follow the printed lines)."""

import pytest

from planner import registry
from planner.pdf import report_html
from planner.plan_view import CHUNK_ROWS, _clip, _fit_names, plan_view
from tests.planner.test_pdf import demo_document, large_document


def journey_table(document: dict):
    return plan_view(document, findings=[], diagrams=False)["levels"][0].tables[0]


@pytest.mark.django_db
def test_long_lists_print_as_records_and_short_ones_keep_a_column_per_field():
    html = report_html(large_document(rows=CHUNK_ROWS + 5, answer_bytes=100))
    # every list (and the decisions) is longer than one table: two runs of records each
    assert html.count('class="plan-table record-table"') == 7 * 2
    assert 'class="table table-sm table-bordered plan-table"' not in html

    demo = report_html(demo_document())  # lists of a few rows: one column per field
    assert "record-table" not in demo
    assert '<th scope="col" class="w-p' in demo and "Timing</th>" in demo


@pytest.mark.django_db
def test_a_record_keeps_every_value_of_its_row_under_its_heading():
    doc = large_document(rows=CHUNK_ROWS + 1, answer_bytes=100)
    doc["journey_steps"][1]["external_services"] = ""
    table = journey_table(doc)
    assert table.compact
    first, second = table.records[0][0], table.records[0][1]
    assert first.name == "Step 0"
    assert first.facts == (
        "Timing: Fast (user waits) · Updates: Real-time push · Offline: Yes · External: Push"
    )
    data = registry.ROW_KINDS["journey_step"].fields[1]
    assert first.texts == [(data.heading, doc["journey_steps"][0]["data_needed"])]
    # an empty value is left out; "No" is a value
    assert second.facts == "Timing: Fast (user waits) · Updates: Real-time push · Offline: No"
    assert sum(len(chunk) for chunk in table.records) == CHUNK_ROWS + 1


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
