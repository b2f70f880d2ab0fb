from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from markupsafe import escape

from planner import context_filter, registry
from planner.levels import LEVELS, Level
from planner.models import (
    Boundary,
    CatalogueEntry,
    ClientKind,
    Context,
    CoreQuestion,
    Decision,
    Entity,
    JourneyStep,
    Operation,
    Project,
    Relationship,
    TechniqueChoice,
)

VERSION_WIDGET = forms.HiddenInput


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team or self.instance.team

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Give the project a name.")
        others = Project.objects.filter(team=self.team, name__iexact=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise ValidationError("This team already has a project with that name.")
        return name


def follow_registry(form: forms.BaseForm, specs: dict[str, registry.Field]) -> None:
    """Labels, help and limits come from the registry. Text inputs carry no `maxlength`:
    a browser cuts a longer paste silently, the server says so at the field instead."""
    for name, field in form.fields.items():
        spec = specs.get(name)
        if spec is not None:
            field.label = spec.label
            field.help_text = spec.help or field.help_text
        if isinstance(field, forms.CharField):
            field.widget.attrs.pop("maxlength", None)
            if field.max_length:
                field.widget.attrs["data-limit"] = field.max_length


class VersionedForm(forms.ModelForm):
    """A form for a row that carries the version it was loaded at, and each field's value
    as it was loaded (hidden `initial-…` inputs: `{{ form.originals }}`), so a save from
    an older version merges field by field (`versioning.stale_merge`).

    Django's own `show_hidden_initial` is not used: crispy's checkbox lists leave its
    hidden inputs out, which made every list look changed."""

    version = forms.IntegerField(widget=VERSION_WIDGET, required=False)
    specs: dict[str, registry.Field] = {}
    conflict: list[tuple[str, str]] | None = None  # set on a refused stale save
    # A new row has nothing to merge with, except a checklist line two people can create.
    merges_when_new = False

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        follow_registry(self, self.specs)
        merges = self.instance.pk is not None or self.merges_when_new
        self.merged_fields = [name for name in self.fields if name != "version"] if merges else []
        if self.is_bound and self.originals_sent():
            self._keep_empty_originals()
        if "name" in self.fields:
            self.fields["name"].error_messages["required"] = "A name is required."
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 2)

    def originals_sent(self) -> bool:
        prefix = self.add_initial_prefix("")
        return any(key.startswith(prefix) for key in self.data)

    def original(self, name: str):
        """The raw value of field `name` as the person loaded it."""
        widget = self.fields[name].hidden_widget()
        return widget.value_from_datadict(self.data, self.files, self.add_initial_prefix(name))

    def changed_from_original(self, name: str) -> bool:
        """Whether the person changed field `name` (as `changed_data` does with
        `show_hidden_initial`)."""
        field = self.fields[name]
        try:
            original = field.to_python(self.original(name))
        except ValidationError:
            return True
        return field.has_changed(original, self[name].data)

    def originals(self) -> str:
        """The hidden inputs with each merged field's value as loaded (a bound form
        passes on the ones it was posted)."""
        return format_html_join(
            "", "{}", ((self[name].as_hidden(only_initial=True),) for name in self.merged_fields)
        )

    def _keep_empty_originals(self) -> None:
        """A list that was empty when loaded posts no `initial-…` value at all; say so
        explicitly, or re-rendering this form would take the person's choices as the
        originals."""
        missing = [
            self.add_initial_prefix(name)
            for name in self.merged_fields
            if issubclass(self.fields[name].hidden_widget, forms.MultipleHiddenInput)
            and self.add_initial_prefix(name) not in self.data
        ]
        if missing:
            self.data = self.data.copy()
            for key in missing:
                self.data.setlist(key, [])

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("A name is required.")
        if self.instance.pk and name.casefold() == self.instance.name.casefold():
            return name  # its own name as stored: the database keeps names unique
        model = type(self.instance)
        duplicates = model.objects.filter(project=self.project, name__iexact=name)
        if duplicates.exclude(pk=self.instance.pk).exists():
            noun = model._meta.verbose_name
            raise ValidationError(
                f"This plan already has {registry.with_article(noun)} named “{name}”."
            )
        return name


def kind_form_meta(key: str) -> list[str]:
    """The fields of a row kind's form, in the registry's order."""
    return [f.name for f in registry.ROW_KINDS[key].fields]


class ContextForm(VersionedForm):
    clients = forms.MultipleChoiceField(
        choices=ClientKind.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    specs = registry.CONTEXT

    class Meta:
        model = Context
        fields = [f.name for f in registry.CONTEXT_FIELDS]
        widgets = {
            "product": forms.Textarea(attrs={"rows": 3}),
            "external_services": forms.Textarea(attrs={"rows": 3}),
        }


class JourneyStepForm(VersionedForm):
    specs = registry.ROW_KINDS["journey_step"].by_name

    class Meta:
        model = JourneyStep
        fields = kind_form_meta("journey_step")


class BoundaryForm(VersionedForm):
    specs = registry.ROW_KINDS["boundary"].by_name

    class Meta:
        model = Boundary
        fields = kind_form_meta("boundary")


class ProjectRowChoiceMixin:
    """Limit foreign keys to the project's own rows, with a clear message otherwise."""

    def limit(self, name: str, queryset, message: str) -> None:
        field = self.fields[name]
        field.queryset = queryset
        field.error_messages["invalid_choice"] = message
        field.error_messages["invalid_pk_value"] = message


class OperationForm(ProjectRowChoiceMixin, VersionedForm):
    specs = registry.ROW_KINDS["operation"].by_name

    class Meta:
        model = Operation
        fields = kind_form_meta("operation")
        widgets = {
            "entities": forms.CheckboxSelectMultiple,
            "journey_steps": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit(
            "boundary",
            Boundary.objects.filter(project=self.project),
            "Choose one of this plan's boundaries.",
        )
        self.limit(
            "entities",
            Entity.objects.filter(project=self.project),
            "Choose entities of this plan (one of them no longer exists).",
        )
        self.limit(
            "journey_steps",
            JourneyStep.objects.filter(project=self.project),
            "Choose journey steps of this plan (one of them no longer exists).",
        )


class EntityForm(ProjectRowChoiceMixin, VersionedForm):
    specs = registry.ROW_KINDS["entity"].by_name

    class Meta:
        model = Entity
        fields = kind_form_meta("entity")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit(
            "boundary",
            Boundary.objects.filter(project=self.project),
            "Choose one of this plan's boundaries.",
        )


class RelationshipForm(ProjectRowChoiceMixin, VersionedForm):
    specs = registry.ROW_KINDS["relationship"].by_name

    class Meta:
        model = Relationship
        fields = kind_form_meta("relationship")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        entities = Entity.objects.filter(project=self.project)
        message = "That entity is not in this plan (it may have been deleted)."
        self.limit("source", entities, message)
        self.limit("target", entities, message)

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("source"), cleaned.get("target")
        if source and target:
            clash = Relationship.objects.filter(project=self.project, source=source, target=target)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("target", f"{source} → {target} is already described.")
        return cleaned


class Select(forms.Select):
    """Named like Django's, so crispy gives it the same CSS class ("select").

    A select of hundreds of options (a decision's "revealed by" offers every journey
    step, operation, entity and relationship) drawn in Python: the HTML of Django's
    Jinja2 select templates (`config.renderers`), escaped the same way (markupsafe),
    without a template include per option."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group, options, _ in widget["optgroups"]:
            if group:
                out.append(f'\n  <optgroup label="{escape(group)}">')
            out += [
                f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{escape(option['label'])}</option>"
                for option in options
            ]
            if group:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 (escaped above)


def _attrs(attrs: dict) -> str:
    """widgets/attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class DecisionForm(ProjectRowChoiceMixin, VersionedForm):
    revealed_by = forms.ChoiceField(
        required=False,
        widget=Select,
        label="Revealed by",
        help_text="The earlier answer that showed the problem.",
    )

    specs = registry.ROW_KINDS["decision"].by_name

    class Meta:
        model = Decision
        fields = kind_form_meta("decision")

    SOURCES = registry.REVEALED_BY_KINDS
    # Set on the instance by clean_revealed_by, so a save must write them too.
    instance_fields = list(SOURCES)

    def __init__(self, *args, sources=None, verdicts=None, **kwargs):
        super().__init__(*args, **kwargs)
        patterns = CatalogueEntry.objects.visible_to(self.project.team).filter(
            kind=CatalogueEntry.Kind.PATTERN
        )
        self.limit("entry", patterns, "Choose a pattern from the catalogue.")
        groups = context_filter.grouped(patterns, verdicts or {}, lambda entry: entry.slug)
        self.fields["entry"].choices = picker_choices(groups)
        # Beside the picker: each recommended and ruled-out pattern with its whole reason.
        self.context_reasons = [
            (heading, items)
            for key, heading, items in groups
            if key != context_filter.NEUTRAL and items
        ]
        self.fields["revealed_by"].choices = [("", "—")] + list(sources or [])
        for kind in self.SOURCES:
            if getattr(self.instance, f"{kind}_id", None):
                self.initial["revealed_by"] = f"{kind}:{getattr(self.instance, f'{kind}_id')}"

    def clean_entry(self):
        entry = self.cleaned_data["entry"]
        clash = Decision.objects.filter(project=self.project, entry=entry)
        if clash.exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"There is already a decision about {entry}.")
        return entry

    def clean_revealed_by(self):
        value = self.cleaned_data["revealed_by"]
        for kind in self.SOURCES:
            setattr(self.instance, f"{kind}_id", None)
        if value:
            kind, _, pk = value.partition(":")
            setattr(self.instance, f"{kind}_id", int(pk))
        return value


def picker_choices(groups: list) -> list:
    """The decision picker's options grouped as the context filter sorts them, each
    recommended or ruled-out entry with the advisor's one-line reason."""
    return [("", "Choose a pattern…")] + [
        (
            f"{heading} ({len(items)})",
            [
                (entry.pk, f"{entry.name} — {verdict.reason}" if verdict else entry.name)
                for entry, verdict in items
            ],
        )
        for _, heading, items in groups
        if items
    ]


def decision_sources(rows: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a decision's “revealed by”, from (id, name) pairs read already
    (`workspace.decision_source_rows`)."""
    return [
        (registry.ROW_KINDS[kind].plural, [(f"{kind}:{pk}", name) for pk, name in rows[kind]])
        for kind in registry.REVEALED_BY_KINDS
        if rows[kind]
    ]


TECHNIQUE_STATUSES = [("", "Undecided"), *TechniqueChoice.Status.choices]


class TechniqueForm(VersionedForm):
    """One line of the Level 6 checklist. Leaving the status undecided removes the line."""

    merges_when_new = True

    status = forms.ChoiceField(
        choices=TECHNIQUE_STATUSES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    specs = {"notes": registry.ROW_KINDS["technique"].field("notes")}

    class Meta:
        model = TechniqueChoice
        fields = ["status", "notes"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"})
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        if self.instance.pk is None:
            self.initial["status"] = ""


@dataclass
class ChecklistLine:
    """One line of the Level 6 checklist as its partial draws it, with the same names a
    `TechniqueForm` reads back. The checklist shows every technique of the catalogue
    (a team may have hundreds), so a line is plain values, not a form: a form is built
    only for the line being saved, and a refused save is drawn from it."""

    entry: CatalogueEntry
    choice: TechniqueChoice
    status: str
    notes: str
    version: int
    original_status: str
    original_notes: str
    conflict: list | None = None
    errors: list[str] = dataclass_field(default_factory=list)
    verdict: context_filter.Verdict | None = None  # the context filter's, set by the view

    @property
    def prefix(self) -> str:
        return f"t{self.entry.pk}"

    @classmethod
    def of(cls, entry: CatalogueEntry, choice: TechniqueChoice) -> "ChecklistLine":
        status = choice.status if choice.pk else ""
        return cls(entry, choice, status, choice.notes, choice.version, status, choice.notes)

    @classmethod
    def from_form(cls, entry: CatalogueEntry, form: "TechniqueForm") -> "ChecklistLine":
        def original(name: str) -> str:
            value = form.original(name) if form.originals_sent() else None
            return form[name].value() if value is None else value

        return cls(
            entry,
            form.instance,
            form["status"].value() or "",
            form["notes"].value() or "",
            form["version"].value() or 0,
            original("status") or "",
            original("notes") or "",
            form.conflict,
            [error for errors in form.errors.values() for error in errors],
        )


class CoreQuestionForm(VersionedForm):
    levels = forms.TypedMultipleChoiceField(
        choices=[(level.number, f"{level.number}. {level.short}") for level in LEVELS],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Addressed in levels",
    )

    specs = {"answer": registry.CORE_ANSWER}

    class Meta:
        model = CoreQuestion
        fields = ["answer", "levels"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 3})}


class AnswerForm(forms.Form):
    """One key question of a level. `original` is the text the person started from."""

    value = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=registry.Limit.ANSWER
    )
    original = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        follow_registry(self, {})


class StatusForm(forms.Form):
    ACTIONS = [("complete", "Mark complete"), ("reopen", "Reopen"), ("skip", "Skip")]

    action = forms.ChoiceField(choices=ACTIONS)
    skip_reason = forms.CharField(
        required=False, max_length=registry.Limit.TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, level: Level, **kwargs):
        super().__init__(*args, **kwargs)
        self.level = level
        follow_registry(self, {})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "skip":
            if self.level.never_skip:
                raise ValidationError(
                    f"Level {self.level.number} can never be skipped: "
                    f"{self.level.never_skip_reason}."
                )
            if not cleaned.get("skip_reason", "").strip():
                self.add_error("skip_reason", "Say why this level is skipped.")
        return cleaned
