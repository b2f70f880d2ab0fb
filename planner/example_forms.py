"""Starting a project from a plan document someone else wrote: an example or a copy."""

from typing import Any

from django import forms

from accounts.models import Role, Team
from planner.document import validate_document
from planner.document_forms import MAX_LISTED_ERRORS
from planner.models import Project
from planner.registry import Limit


class ProjectStartForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        empty_label=None,
        help_text="The new project is created in this team. You need to be an editor or owner.",
    )
    name = forms.CharField(
        max_length=Limit.NAME,
        help_text="Names are unique in a team, whatever their case.",
        error_messages={"required": "Give the project a name."},
    )

    def __init__(self, *args, user, document: dict[str, Any], **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        self.fields["team"].queryset = Team.objects.filter(
            membership__user=user, membership__role__in=[Role.EDITOR, Role.OWNER]
        ).order_by("name")
        self.fields["name"].widget.attrs.pop("maxlength", None)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the project a name.")
        return name

    def clean(self) -> dict:
        cleaned = super().clean()
        team, name = cleaned.get("team"), cleaned.get("name")
        if team is None:
            return cleaned
        if name and Project.objects.filter(team=team, name__iexact=name).exists():
            self.add_error("name", f"{team} already has a project named “{name}”.")
        errors = validate_document(self.document, team)
        if errors:
            self.add_document_errors(errors)
        return cleaned

    def add_document_errors(self, errors: list[tuple[str, str]]) -> None:
        listed = [f"{path}: {message}" for path, message in errors[:MAX_LISTED_ERRORS]]
        self.add_error(None, ["This plan cannot be imported:", *listed])
