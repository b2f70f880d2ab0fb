"""`{% load cached_url %}`'s `{% url %}` answers as Django's own tag does."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, path

from planner.templatetags.cached_url import _reverse


def both(source: str, **context) -> tuple[str, str]:
    ours = Template("{% load cached_url %}" + source).render(Context(context))
    django = Template(source).render(Context(context))
    return ours, django


@pytest.mark.parametrize(
    "source",
    [
        "{% url 'dashboard' %}",
        "{% url 'workspace_step' pk step %}",
        "{% url 'workspace_step' project_id=pk step=step %}",
        "{% url 'workspace_step' pk step as link %}[{{ link }}]",
        "{% url 'no_such_view' as link %}[{{ link }}]",
        "{% url name pk %}",
    ],
)
def test_the_same_urls_as_djangos_tag(source):
    for _ in range(2):  # the second answer comes from the cache
        ours, django = both(source, pk=7, step="core", name="findings")
        assert ours == django and ours


def test_a_missing_view_still_raises():
    with pytest.raises(NoReverseMatch):
        both("{% url 'no_such_view' %}")


def test_an_argument_that_cannot_be_a_key_is_reversed_directly():
    class Unhashable(int):
        __hash__ = None

    ours, django = both("{% url 'findings' pk %}", pk=Unhashable(3))
    assert ours == django == "/projects/3/findings/"


def page(request):  # pragma: no cover - only reversed
    raise AssertionError


urlpatterns = [path("elsewhere/<int:project_id>/findings/", page, name="findings")]


def test_another_urlconf_gets_its_own_answers():
    before, _ = both("{% url 'findings' 3 %}")
    with override_settings(ROOT_URLCONF=__name__):
        during, django = both("{% url 'findings' 3 %}")
    assert during == django == "/elsewhere/3/findings/" != before
    after, _ = both("{% url 'findings' 3 %}")
    assert after == before
    assert _reverse.cache_info().currsize > 0
