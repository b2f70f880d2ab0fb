"""What-if: the advisor on the plan with another context, from the findings page and
the shared override/diff logic (`planner.what_if`). Nothing is saved."""

import pytest
from django.urls import reverse

from planner.models import Context, Project
from planner.what_if import WhatIfError, compare, parse_overrides, with_context
from tests.conftest import make_project
from tests.planner.plans import fill_plan
from tests.planner.test_advisor import doc
from tests.planner.test_query_counts import count

SMALL = {"scale": "lt1k", "team_size": "solo", "stage": "mvp", "platform": "django"}


# --- The override and the diff ------------------------------------------------------


def test_parses_overrides_checked_against_the_registry():
    assert parse_overrides("scale=gt100k, team_size=20+,clients=mobile+web") == {
        "scale": "gt100k",
        "team_size": "20+",
        "clients": ["web", "mobile"],  # the registry's order
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("size=big", "“size” is not a context field"),
        ("product=Chat", "“product” is not a context field"),  # free text is the plan
        ("scale=huge", "“huge” is not a choice of scale (one of: lt100,"),
        ("clients=web+fax", "“fax” is not a choice of clients"),
        ("scale", "is not key=value"),
        ("scale=", "is not key=value"),
        ("scale=lt1k,scale=gt100k", "scale is given twice"),
        (" , ", "changes nothing"),
    ],
)
def test_refuses_unknown_fields_and_values(text, message):
    with pytest.raises(WhatIfError) as error:
        parse_overrides(text)
    assert message in str(error.value)


def test_compare_says_what_appears_and_disappears_and_leaves_the_plan_alone():
    document = doc(SMALL)
    result = compare(document, parse_overrides("scale=gt100k,team_size=20+"))
    appeared = {f.rule_id for f in result.appeared}
    disappeared = {f.rule_id for f in result.disappeared}
    assert {"REC-READ-REPLICAS", "REC-SEPARATE-BOUNDARIES"} <= appeared
    assert {"ELIM-MICROSERVICES", "ELIM-ADVANCED-CACHING"} <= disappeared
    assert not appeared & disappeared
    assert [c.name for c in result.changes] == ["scale", "team_size"]
    assert result.changes[0].before == "100 – 1,000 active users"
    assert result.changes[0].after == "100,000+ active users"
    assert document["context"]["scale"] == "lt1k"  # the original is untouched
    assert with_context(document, {"scale": "gt100k"})["context"]["team_size"] == "solo"


def test_the_plans_own_context_changes_nothing():
    result = compare(doc(SMALL), {"scale": "lt1k"})
    assert result.changes == [] and result.appeared == [] and result.disappeared == []
    assert result.after is result.before


def test_dismissed_findings_neither_appear_nor_disappear():
    document = doc(SMALL)
    document["dismissed_findings"] = [{"key": "ELIM-MICROSERVICES:microservices", "reason": "ok"}]
    result = compare(document, {"scale": "gt100k", "team_size": "20+"})
    assert "ELIM-MICROSERVICES" not in {f.rule_id for f in result.disappeared}


# --- The panel on the findings page ----------------------------------------------------


def set_context(project: Project, **values) -> None:
    Context.objects.update_or_create(project=project, defaults=values)


@pytest.fixture
def small_project(project):
    set_context(project, **SMALL)
    return project


def test_findings_page_shows_the_panel_prefilled_from_the_plan(small_project, viewer_client):
    html = viewer_client.get(reverse("findings", args=[small_project.pk])).content.decode()
    assert 'id="what-if"' in html
    assert f'action="{reverse("what_if", args=[small_project.pk])}"' in html
    assert '<option value="lt1k" selected>' in html
    assert '<option value="solo" selected>' in html


def test_viewer_sees_what_would_change_without_javascript(small_project, viewer_client):
    before = Project.objects.get(pk=small_project.pk).updated_at
    url = reverse("what_if", args=[small_project.pk])
    response = viewer_client.get(url, {"scale": "gt100k", "team_size": "20+"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html  # the whole findings page, with the result in its panel
    assert "Would appear" in html and "Read replicas become reasonable" in html
    assert "Would disappear" in html and "Microservices ruled out" in html
    assert '<option value="gt100k" selected>' in html
    assert Context.objects.get(project=small_project).scale == "lt1k"  # nothing saved
    assert Project.objects.get(pk=small_project.pk).updated_at == before


def test_htmx_gets_only_the_panel(small_project, viewer_client):
    url = reverse("what_if", args=[small_project.pk])
    response = viewer_client.get(url, {"scale": "gt100k"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="what-if"')
    assert "<h1" not in html and "Would appear" in html


def test_the_plans_own_values_say_nothing_would_change(small_project, viewer_client):
    url = reverse("what_if", args=[small_project.pk])
    response = viewer_client.get(url, {"scale": "lt1k"}, headers={"HX-Request": "true"})
    assert "nothing would change" in response.content.decode()


def test_a_value_outside_the_choices_is_said_at_the_field(small_project, viewer_client):
    url = reverse("what_if", args=[small_project.pk])
    response = viewer_client.get(url, {"scale": "lots"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Select a valid choice" in html and "Would appear" not in html
    response = viewer_client.get(url, {"scale": "lots"})
    assert response.status_code == 422 and "<h1" in response.content.decode()


def test_outsider_gets_404_and_post_is_refused(small_project, outsider_client, editor_client):
    url = reverse("what_if", args=[small_project.pk])
    assert outsider_client.get(url, {"scale": "gt100k"}).status_code == 404
    assert editor_client.post(url, {"scale": "gt100k"}).status_code == 405


def test_what_if_queries_do_not_grow(team, owner, catalogue, owner_client):
    small = fill_plan(make_project(team, name="Small", created_by=owner), rows=5)
    large = fill_plan(make_project(team, name="Large", created_by=owner), rows=200)
    query = {"scale": "gt100k", "team_size": "20+", "platform": "convex"}
    for headers in ({}, {"HX-Request": "true"}):
        counts = [
            count(
                lambda p=p, headers=headers: owner_client.get(
                    reverse("what_if", args=[p.pk]), query, headers=headers
                )
            )
            for p in (small, large)
        ]
        assert counts[0] == counts[1] <= 12, counts
