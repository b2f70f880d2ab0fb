"""The import form: which team, which file, and everything wrong with the file, by path."""

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from accounts.models import Role, Team
from planner.document import validate_document
from planner.document_json import DocumentParseError, document_parse

MAX_LISTED_ERRORS = 50


def too_large_message() -> str:
    limit = filesizeformat(settings.PLAN_IMPORT_MAX_BYTES)
    return f"The file is too large: a plan document may be at most {limit}."


class PlanImportForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        empty_label=None,
        help_text="The new project is created in this team. You need to be an editor or owner.",
    )
    document = forms.FileField(
        label="Plan document",
        help_text="A JSON plan document exported from Backplan (schema version 1).",
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(
            membership__user=user, membership__role__in=[Role.EDITOR, Role.OWNER]
        ).distinct()
        self.parsed: Any = None

    def refuse_upload(self) -> None:
        """The upload was too large to read: that is the only thing to say about it."""
        self.is_valid()
        self.errors.clear()
        self.add_error("document", too_large_message())

    def clean_document(self) -> Any:
        upload = self.cleaned_data["document"]
        # The size is known from the upload itself: refuse before reading a byte.
        if upload.size > settings.PLAN_IMPORT_MAX_BYTES:
            raise forms.ValidationError(too_large_message())
        try:
            self.parsed = document_parse(upload.read())
        except DocumentParseError as error:
            raise forms.ValidationError(str(error)) from error
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        if "document" in cleaned and "team" in cleaned:
            errors = validate_document(self.parsed, cleaned["team"])
            if errors:
                self.add_document_errors(errors)
        return cleaned

    def add_document_errors(self, errors: list[tuple[str, str]]) -> None:
        listed = [f"{path}: {message}" for path, message in errors[:MAX_LISTED_ERRORS]]
        if len(errors) > MAX_LISTED_ERRORS:
            listed.append(f"… and {len(errors) - MAX_LISTED_ERRORS} more.")
        self.add_error("document", ["The plan document cannot be imported:", *listed])
