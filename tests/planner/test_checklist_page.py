"""A Level 6 checklist with hundreds of the team's own techniques stays one page's worth."""

from django.core.cache import cache
from django.urls import reverse

from planner.models import CatalogueEntry, Entity, Relationship, TechniqueChoice
from planner.views import PAGE_ROWS


def team_techniques(team, count: int) -> list[CatalogueEntry]:
    return CatalogueEntry.objects.bulk_create(
        CatalogueEntry(team=team, kind="technique", slug=f"ours-{i}", name=f"Our technique {i}")
        for i in range(count)
    )


def shown_lines(html: str) -> int:
    return html.count('class="technique card')


def test_undecided_lines_beyond_a_page_wait_behind_show_all(
    project, editor_client, catalogue, django_assert_max_num_queries
):
    ours = team_techniques(project.team, 120)
    decided = ours[-1]  # the last line in order: shown all the same
    TechniqueChoice.objects.create(project=project, entry=decided, status="planned")
    everything = CatalogueEntry.objects.visible_to(project.team).filter(kind="technique").count()
    url = reverse("workspace_step", args=[project.pk, "6"])
    editor_client.get(url)  # the first visit computes and stores the findings
    cache.clear()  # a render, not the page cache

    with django_assert_max_num_queries(10):
        html = editor_client.get(url).content.decode()

    assert shown_lines(html) == PAGE_ROWS + 1
    assert f'id="technique-{decided.pk}"' in html
    assert f"Show all {everything} techniques ({everything - PAGE_ROWS - 1} more" in html
    cache.clear()
    html = editor_client.get(url + "?all=technique").content.decode()
    assert shown_lines(html) == everything and "Show all" not in html


def test_a_short_checklist_shows_every_line(project, editor_client, catalogue):
    everything = CatalogueEntry.objects.visible_to(project.team).filter(kind="technique").count()
    assert everything <= PAGE_ROWS  # the built-in catalogue fits on the page
    html = editor_client.get(reverse("workspace_step", args=[project.pk, "6"])).content.decode()
    assert shown_lines(html) == everything and "Show all" not in html


def test_cards_and_checklist_lines_escape_the_team_s_text(project, editor_client, catalogue):
    """Row cards and checklist lines are drawn in Python (templatetags/cards.py): every
    name, value and note the team typed arrives escaped."""
    evil = '<script>alert("x")</script>'
    source = Entity.objects.create(project=project, name=f"A {evil}", description=f"Line\n{evil}")
    target = Entity.objects.create(project=project, name="B")
    Relationship.objects.create(project=project, source=source, target=target, failure=evil)
    entry = CatalogueEntry.objects.create(
        team=project.team, kind="technique", slug="ours", name=f"T {evil}", summary=evil
    )
    TechniqueChoice.objects.create(project=project, entry=entry, status="planned", notes=evil)
    for step in ("4", "6"):
        html = editor_client.get(reverse("workspace_step", args=[project.pk, step])).content
        html = html.decode()
        assert "<script>alert" not in html, step
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, step
    html = editor_client.get(reverse("workspace_step", args=[project.pk, "4"])).content.decode()
    assert "Line<br>&lt;script&gt;" in html  # line breaks kept, text escaped
