from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from planner.widgets import DateInput


class ShareLinkForm(forms.Form):
    label = forms.CharField(
        max_length=100,
        required=False,
        help_text="Who the link is for, e.g. “Architecture review, March”. Only your team sees it.",
    )
    shows = forms.ChoiceField(
        label="The link shows",
        required=False,
        help_text="The live plan follows every change; a milestone stays as it was saved.",
    )
    expires_on = forms.DateField(
        required=False,
        label="Expires on",
        widget=DateInput(),
        help_text="The link stops working at the end of this day (UTC). Leave empty for no expiry.",
    )

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = {str(m.pk): m for m in milestones}
        self.fields["shows"].choices = [("", "The live plan")] + [
            (pk, f"Milestone “{m.name}”") for pk, m in self.milestones.items()
        ]

    @property
    def milestone(self):
        return self.milestones.get(self.cleaned_data.get("shows") or "")

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day is None:
            return None
        today = timezone.now().date()
        if day < today:
            raise forms.ValidationError("Choose today or a later day.")
        if day > today + timedelta(days=366):
            raise forms.ValidationError("Choose a day within the next year.")
        return day

    @property
    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return datetime.combine(day, time.max, tzinfo=timezone.get_current_timezone())
