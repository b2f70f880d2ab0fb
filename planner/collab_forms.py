"""Forms of the review comments, the activity filter and the improvement plan."""

from django import forms

from accounts.models import User
from planner import registry
from planner.models import Comment, ImprovementItem
from planner.widgets import DateInput

COMMENT_LIMIT = Comment._meta.get_field("body").max_length
NOTE_LIMIT = ImprovementItem._meta.get_field("note").max_length


def members_of(team) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=User.objects.filter(membership__team=team).order_by("name", "email"),
        required=False,
        empty_label="Anyone",
    )


class CommentForm(forms.Form):
    """Nothing is cut to fit: a comment over the limit is refused at the field."""

    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write a comment first.",
            "max_length": f"Keep a comment to at most {COMMENT_LIMIT} characters "
            "(it has %(show_value)d).",
        },
        max_length=COMMENT_LIMIT,
        strip=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs.pop("maxlength", None)  # say so, never cut a paste


class ActivityFilter(forms.Form):
    step = forms.ChoiceField(
        label="Level",
        required=False,
        choices=[("", "Every level")] + list(registry.STEP_TITLES.items()),
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = members_of(team)
        self.fields["person"].label = "Person"
        self.fields["person"].empty_label = "Everyone"


class TrackForm(forms.Form):
    key = forms.CharField(max_length=registry.Limit.FINDING_KEY, widget=forms.HiddenInput)


class ImprovementForm(forms.ModelForm):
    class Meta:
        model = ImprovementItem
        fields = ["owner", "due", "status", "note"]
        widgets = {
            "due": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = members_of(team)
        self.fields["owner"].label = "Owner"
        self.fields["owner"].empty_label = "Nobody yet"
        self.fields["note"].widget.attrs.pop("maxlength", None)
        self.fields["note"].error_messages["max_length"] = (
            f"Keep the note to at most {NOTE_LIMIT} characters (it has %(show_value)d)."
        )

    def save(self, commit=True):
        item = super().save(commit=False)
        # A person setting the status takes it over from the plan.
        item.closed_by_plan = item.closed_by_plan and "status" not in self.changed_data
        if commit:
            item.save()
        return item
