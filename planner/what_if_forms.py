"""The findings page's what-if panel: the context fields it can change, prefilled
from the plan. A GET form; nothing it submits is saved."""

from typing import Any

from django import forms

from planner.what_if import FIELDS, PANEL_FIELDS

NOT_SET = ("", "Not set")


class WhatIfForm(forms.Form):
    """One select per panel field, its choices the registry's. A field left at
    "Not set" (or at the plan's own value) changes nothing."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in PANEL_FIELDS:
            spec = FIELDS[name]
            self.fields[name] = forms.ChoiceField(
                label=spec.heading,
                choices=[NOT_SET, *spec.choices.choices],
                required=False,
                help_text=spec.help,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def overrides(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if value}


def panel_form(context: dict) -> WhatIfForm:
    """The panel as the findings page first shows it: the plan's own context."""
    return WhatIfForm(initial={name: context.get(name, "") for name in PANEL_FIELDS})
