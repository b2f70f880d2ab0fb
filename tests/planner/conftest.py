"""Report fixtures: one real PDF of the demo plan per test run, and a stand-in renderer.

WeasyPrint costs ~0.1 s a page, so only the tests about the PDF itself render one
(tests/planner/test_pdf.py); report, share and worker tests that check something
else let `renderer` stand in: it builds the HTML WeasyPrint would be given (so a
broken document still fails as it would) and returns the real demo PDF.
"""

from dataclasses import dataclass, field

import pytest

from planner.pdf import render_pdf, report_html
from tests.planner.test_pdf import demo_document


@pytest.fixture(scope="session")
def demo_pdf(django_db_setup, django_db_blocker) -> bytes:
    """The demo plan rendered by the real WeasyPrint, once per test run."""
    with django_db_blocker.unblock():
        return render_pdf(demo_document(), team_name="Acme")


@dataclass
class StandInRenderer:
    pdf: bytes
    documents: list[dict] = field(default_factory=list)
    extras: list[dict | None] = field(default_factory=list)

    def __call__(
        self, document: dict, *, team_name: str = "", progress=None, extras=None, **_
    ) -> bytes:
        report_html(document, team_name=team_name, extras=extras)
        self.documents.append(document)
        self.extras.append(extras)
        if progress:
            progress(25)
            progress(85)
        return self.pdf


@pytest.fixture
def renderer(monkeypatch, demo_pdf) -> StandInRenderer:
    stand_in = StandInRenderer(demo_pdf)
    monkeypatch.setattr("planner.tasks.render_pdf", stand_in)
    return stand_in
