"""Crispy's Bootstrap 5 form markup, drawn in Python for the editor's hot forms.

{% load light_forms %}
{{ form|light_crispy }}

crispy-forms stays the project's form layer; `|light_crispy` draws the same HTML as
`|crispy` (bootstrap5's uni_form.html and field.html) for the widgets the editor's
forms use, text inputs, textareas, selects and checkbox lists, without going through
a dozen small templates per field: the context form (12 fields) took 4.9 ms through
crispy and 2 ms this way. tests/planner/test_light_forms.py compares the two, field by
field, for fresh, saved and refused forms; a form with another widget is handed to
crispy whole.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form, optgroups
from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

DRAWN = (forms.TextInput, forms.Textarea, forms.Select, forms.CheckboxSelectMultiple)
REQUIRED = mark_safe('<span class="asteriskField">*</span>')


@register.filter
def light_crispy(form) -> SafeString:
    fields = list(form)
    if any(not f.is_hidden and not isinstance(f.field.widget, DRAWN) for f in fields):
        return as_crispy_form(form)
    parts = [_non_field_errors(form)]
    for field in fields:
        if field.is_hidden:
            parts.append(str(field))
        elif isinstance(field.field.widget, forms.CheckboxSelectMultiple):
            parts.append(_checkboxes(field))
        else:
            parts.append(_field(field))
    return mark_safe("".join(parts))  # noqa: S308 (every part is escaped above)


def _non_field_errors(form) -> SafeString:
    errors = form.non_field_errors()
    if not errors:
        return mark_safe("")
    return format_html(
        '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
        format_html_join("", "<li>{}</li>", ((e,) for e in errors)),
    )


def _widget_class(field, look: str) -> None:
    """What crispy's `crispy_field` tag does to the widget: its class name, then Bootstrap's
    classes (kept on the widget, as crispy keeps them)."""
    widget = field.field.widget
    name = type(widget).__name__.lower()
    css = widget.attrs.get("class", "")
    css = (f"{css} {name}" if name not in css else css) if css else name
    for extra in look.split():
        if extra not in css.split():
            css += f" {extra}"
    widget.attrs["class"] = css


def _label(field, tag: str = "label", extra: str = "") -> SafeString:
    required = field.field.required
    target = format_html(' for="{}"', field.id_for_label) if field.id_for_label else ""
    return format_html(
        f'<{tag}{{}} class="form-label{{}}{{}}">{{}}{{}}</{tag}>',
        target,
        " requiredField" if required else "",
        extra,
        field.label,
        REQUIRED if required else "",
    )


def _errors(field, tag: str = "p") -> SafeString:
    if not field.errors:
        return mark_safe("")
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        field.errors.field_id,
        format_html_join(
            "",
            f'<{tag} id="error_{{}}_{{}}"><strong>{{}}</strong></{tag}>',
            ((n, field.auto_id, e) for n, e in enumerate(field.errors, 1)),
        ),
    )


def _help(field) -> SafeString:
    if not field.help_text:
        return mark_safe("")
    ident = format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else ""
    help_text = mark_safe(field.help_text)  # noqa: S308 (ours; crispy shows it unescaped too)
    return format_html('<div {}class="form-text">{}</div>', ident, help_text)


def _field(field) -> SafeString:
    look = "form-select" if isinstance(field.field.widget, forms.Select) else "form-control"
    _widget_class(field, f"{look} is-invalid" if field.errors else look)
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}{}</div>',
        field.auto_id,
        f" {field.css_classes()}" if field.css_classes() else "",
        _label(field) if field.label else "",
        field.as_widget(),
        _errors(field),
        _help(field),
    )


def _checkboxes(field) -> SafeString:
    """bootstrap5's radio_checkbox_select.html, in a fieldset with its legend."""
    groups = optgroups(field)  # crispy's own filter: the options as its template sees them
    invalid = " is-invalid" if field.errors else ""
    options = []
    for g, (group, opts, _) in enumerate(groups):
        if group:
            options.append(format_html("<strong>{}</strong>", group))
        for i, option in enumerate(opts):
            last = g == len(groups) - 1 and i == len(opts) - 1
            flags = "".join(
                f" {name}" if value is True else format_html(' {}="{}"', name, value)
                for name, value in option["attrs"].items()
                if value is not False
            )
            options.append(
                format_html(
                    '<div class="form-check"><input type="{}" class="form-check-input{}"'
                    ' name="{}" value="{}"{}><label for="{}" class="form-check-label">{}'
                    "</label>{}</div>",
                    option["type"],
                    invalid,
                    field.html_name,
                    option["value"],
                    mark_safe(flags),  # noqa: S308 (names are Django's, values escaped)
                    option["attrs"].get("id", ""),
                    option["label"],
                    _errors(field) if last else "",
                )
            )
    described = field.aria_describedby
    return format_html(
        '<div id="div_{}" class="mb-3{}"><fieldset{}>{}<div>{}</div>{}</fieldset></div>',
        field.auto_id,
        f" {field.css_classes()}" if field.css_classes() else "",
        format_html(' aria-describedby="{}"', described) if described else "",
        _label(field, "legend", " fs-6") if field.label else "",
        mark_safe("".join(options)),  # noqa: S308 (each option escaped above)
        _help(field),
    )
