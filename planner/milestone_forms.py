from django import forms

from planner import registry
from planner.milestones import CURRENT


class MilestoneForm(forms.Form):
    name = forms.CharField(
        max_length=registry.Limit.NAME,
        label="Milestone name",
        help_text="For example “Design review 1”. The plan is saved as it is now, read-only.",
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the milestone a name.")
        return name


class ReviewRequestForm(forms.Form):
    reviewers = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label="Ask these members to review",
        error_messages={"required": "Choose at least one member."},
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.user_id): m.user for m in members}
        self.fields["reviewers"].choices = [
            (str(m.user_id), f"{m.user} ({m.get_role_display().lower()})") for m in members
        ]

    @property
    def chosen(self) -> list:
        return [self.members[pk] for pk in self.cleaned_data["reviewers"]]


class ReviewAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("approve", "Approve"), ("changes", "Request changes")],
        widget=forms.RadioSelect,
        label="Your answer",
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=registry.Limit.TEXT,
        required=False,
        help_text="Needed when you request changes: say what should change.",
    )

    def clean(self):
        data = super().clean()
        if data.get("answer") == "changes" and not data.get("comment", "").strip():
            self.add_error("comment", "Say what should change.")
        return data

    @property
    def approve(self) -> bool:
        return self.cleaned_data["answer"] == "approve"


class CompareForm(forms.Form):
    """Two plans to compare: milestones by id, or the current plan."""

    old = forms.ChoiceField(label="From")
    new = forms.ChoiceField(label="To")

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(CURRENT, "The current plan")]
        choices += [(str(m.pk), f"{m.name} ({m.created_at:%d %b %Y})") for m in milestones]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("old") and data.get("old") == data.get("new"):
            self.add_error("new", "Choose two different plans.")
        return data
