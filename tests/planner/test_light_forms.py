"""`|light_crispy` draws exactly what crispy's `|crispy` draws, for every editor form, fresh,
saved and refused (planner/templatetags/light_forms.py)."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms

from planner import forms as plan_forms
from planner.models import Context, CoreQuestion, JourneyStep
from planner.rows import ROW_KINDS
from planner.templatetags.light_forms import light_crispy
from planner.views import row_form
from tests.planner.plans import fill_plan


def same_markup(html: str) -> str:
    """Whitespace is not markup: crispy's templates leave it between and inside tags."""
    html = re.sub(r"\s+", " ", str(html))
    html = re.sub(r"\s*(<|>)\s*", r"\1", html)
    return re.sub(r"\s+(/?>)", r"\1", html)


def both(make) -> tuple[str, str]:
    """The form drawn by crispy and by the light path (a fresh form each: crispy adds its
    classes to the widgets it draws)."""
    return same_markup(as_crispy_form(make())), same_markup(light_crispy(make()))


def garbage(form) -> dict:
    """Data every field refuses: unknown choices, text over its limit."""
    data = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            data[name] = ["not-a-choice"]
        elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            data[name] = "not-a-choice"
        elif getattr(field, "max_length", None):
            data[name] = "x" * (field.max_length + 1)
        else:
            data[name] = ""
    return {form.add_prefix(k): v for k, v in data.items()}


@pytest.fixture
def planned(project, catalogue):
    return fill_plan(project, rows=3)


def editor_forms(project):
    """(name, make(data=None)) for every form the editor draws with crispy."""
    context = Context.objects.get(project=project)
    core = CoreQuestion.objects.filter(project=project).first()
    yield (
        "context",
        lambda data=None: plan_forms.ContextForm(data, instance=context, project=project),
    )
    yield (
        "core",
        lambda data=None: plan_forms.CoreQuestionForm(
            data, instance=core, project=project, prefix=core.key
        ),
    )
    for key, kind in ROW_KINDS.items():
        if kind.spec.listed:
            row = kind.model.objects.filter(project=project).first()
            yield f"add {key}", lambda data=None, kind=kind: row_form(project, kind, data)
            yield (
                f"edit {key}",
                lambda data=None, kind=kind, row=row: row_form(project, kind, data, instance=row),
            )


def test_every_editor_form_is_drawn_as_crispy_draws_it(planned):
    checked = 0
    for name, make in editor_forms(planned):
        crispy, light = both(make)
        assert light == crispy, name
        refused = make(garbage(make()))
        assert not refused.is_valid(), name
        crispy, light = both(lambda make=make, data=refused.data: _checked(make(data)))
        assert light == crispy, f"{name}, refused"
        assert "invalid-feedback" in light, name
        checked += 1
    assert checked >= 2 + 2 * 5


def _checked(form):
    form.is_valid()
    return form


def test_a_saved_context_keeps_its_values_and_help(planned):
    make = next(make for name, make in editor_forms(planned) if name == "context")
    crispy, light = both(make)
    assert light == crispy
    assert 'class="form-text"' in light and "asteriskField" not in light


def test_a_form_with_another_widget_is_left_to_crispy():
    class Other(forms.Form):
        when = forms.DateField(widget=forms.DateInput)
        agree = forms.BooleanField()

    assert same_markup(light_crispy(Other())) == same_markup(as_crispy_form(Other()))


def test_text_is_escaped(planned):
    step = JourneyStep.objects.filter(project=planned).first()
    step.name = '<script>alert("x")</script>'
    form = row_form(planned, ROW_KINDS["journey_step"], instance=step)
    html = str(light_crispy(form))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_message_for_the_whole_form_is_drawn_as_crispy_draws_it(planned):
    def refused():
        form = row_form(planned, ROW_KINDS["boundary"], {"add-boundary-name": "Billing"})
        form.is_valid()
        form.add_error(None, "Someone saved a row with the same name <a moment> ago.")
        return form

    crispy, light = both(refused)
    assert light == crispy and "&lt;a moment&gt;" in light and "alert-danger" in light


CHOICES = [
    ("", "—"),
    ("Journey steps", [("journey_step:1", 'Step <1> & "q"'), ("journey_step:2", "Two")]),
    ("Entities", [("entity:3", "E's")]),
    ("x", "plain"),
    (5, "a number"),
]


@pytest.mark.parametrize("value", [None, "", "journey_step:2", "entity:3", "x", "5", 5])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_rb", "class": "form-select", "aria-describedby": "h <x>", "required": True}],
)
def test_the_long_select_draws_what_djangos_select_draws(value, attrs):
    """The decision form's "revealed by" (hundreds of options) is drawn in Python: the
    same HTML as Django's select through the project's form renderer."""
    expected = forms.Select(choices=CHOICES).render("revealed_by", value, attrs)
    assert plan_forms.Select(choices=CHOICES).render("revealed_by", value, attrs) == expected
