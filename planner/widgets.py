"""Widgets the forms share."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO (YYYY-MM-DD), as HTML asks:
    a value in the locale's format ("27/11/2026" in en-GB) is read by the browser as no
    date at all, and a form saved unchanged would clear it."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
