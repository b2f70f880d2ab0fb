"""Forms for the catalogue: the filter bar and a team's own entries."""

from django import forms
from django.db.models import Q
from django.utils.text import slugify

from accounts.models import Team
from planner.models import CatalogueEntry, Platform

ENTRY_SOURCES = [("", "Shared and ours"), ("shared", "Shared catalogue"), ("team", "Our own")]


class CatalogueFilterForm(forms.Form):
    """The list's filters (GET). Unknown values are ignored rather than erroring."""

    q = forms.CharField(
        label="Search", required=False, max_length=100, help_text="Name, summary or problems."
    )
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *CatalogueEntry.Kind.choices]
    )
    category = forms.ChoiceField(label="Category", required=False, choices=[])
    complexity = forms.ChoiceField(
        label="Complexity",
        required=False,
        choices=[("", "Any complexity"), *CatalogueEntry.Complexity.choices],
    )
    platform = forms.ChoiceField(
        label="Built in on",
        required=False,
        choices=[("", "Any platform"), *Platform.choices],
    )
    source = forms.ChoiceField(label="Entries", required=False, choices=ENTRY_SOURCES)

    def __init__(self, *args, categories: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Any category")] + [(c, c) for c in categories]

    def filter(self, entries):
        """Apply the valid filters to a queryset of visible entries."""
        self.is_valid()  # keeps the valid fields' values even when another one is not
        data = getattr(self, "cleaned_data", {})
        if q := data.get("q", "").strip():
            entries = entries.filter(
                Q(name__icontains=q) | Q(summary__icontains=q) | Q(problems__icontains=q)
            )
        for field in ("kind", "category", "complexity"):
            if value := data.get(field):
                entries = entries.filter(**{field: value})
        if platform := data.get("platform"):
            # JSON containment is not portable to SQLite; match the quoted value instead.
            entries = entries.filter(builtin_platforms__icontains=f'"{platform}"')
        if data.get("source") == "shared":
            entries = entries.filter(team=None)
        elif data.get("source") == "team":
            entries = entries.exclude(team=None)
        return entries


class CatalogueEntryForm(forms.ModelForm):
    """A team's own pattern or technique. The slug is derived from the name once."""

    builtin_platforms = forms.MultipleChoiceField(
        label="Built in on these platforms",
        choices=Platform.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Platforms that provide this out of the box.",
    )

    class Meta:
        model = CatalogueEntry
        fields = [
            "name",
            "kind",
            "category",
            "summary",
            "problems",
            "when_to_use",
            "when_not_to",
            "complexity",
            "builtin_platforms",
        ]
        widgets = {
            "category": forms.TextInput(attrs={"list": "category-options"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "when_to_use": forms.Textarea(attrs={"rows": 3}),
            "when_not_to": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "name": "What your team calls it.",
            "category": "For example Data access, Error handling, Security, Resilience.",
            "summary": "What it is, in a sentence or two.",
            "problems": "The concrete problems it solves — decisions will point at these.",
        }

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        same = CatalogueEntry.objects.filter(team=self.team, name__iexact=name)
        if self.instance.pk:
            same = same.exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError("Your team already has an entry with this name.")
        if not slugify(name):
            raise forms.ValidationError("Use at least one letter or digit in the name.")
        return name

    def clean_category(self) -> str:
        return self.cleaned_data["category"].strip()

    def save(self, commit: bool = True) -> CatalogueEntry:
        entry = super().save(commit=False)
        entry.team = self.team
        if not entry.slug:
            entry.slug = unique_slug(self.team, entry.name)
        if commit:
            entry.save()
        return entry


def unique_slug(team: Team, name: str) -> str:
    """A slug no shared entry and none of the team's entries uses.

    Plan documents refer to entries by slug, so a team entry must not shadow a
    shared one.
    """
    base = slugify(name)[:70] or "entry"
    taken = set(
        CatalogueEntry.objects.filter(Q(team=None) | Q(team=team))
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
