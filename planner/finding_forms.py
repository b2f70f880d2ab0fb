"""Dismissing and restoring an advisor finding."""

from django import forms

from planner.models import Dismissal

KEY_LIMIT = Dismissal._meta.get_field("finding_key").max_length
REASON_LIMIT = Dismissal._meta.get_field("reason").max_length


class DismissForm(forms.Form):
    """A dismissal names a finding the advisor produces for the plan now (or, to restore
    it, one that is dismissed) and says why; nothing is cut to fit."""

    key = forms.CharField(max_length=KEY_LIMIT, widget=forms.HiddenInput)
    reason = forms.CharField(
        max_length=REASON_LIMIT,
        required=False,
        error_messages={
            "max_length": f"Keep the reason to at most {REASON_LIMIT} characters "
            "(it has %(show_value)d)."
        },
    )
    restore = forms.BooleanField(required=False)

    def __init__(self, *args, finding_keys: set[str], dismissed_keys: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.finding_keys = finding_keys
        self.dismissed_keys = dismissed_keys

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if key not in self.finding_keys | self.dismissed_keys:
            raise forms.ValidationError(
                "That finding is not one of this plan's findings any more: the plan may have "
                "changed since the page was loaded. Reload the page and try again."
            )
        return key

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("restore"):
            if cleaned.get("key") and cleaned["key"] not in self.dismissed_keys:
                self.add_error("key", "This finding is not dismissed.")
        elif "reason" in cleaned and not cleaned["reason"]:
            self.add_error("reason", "Say why you dismiss this finding.")
        return cleaned
