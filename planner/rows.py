"""The list answers of the levels: one description per kind of row, used by the row views."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from operator import attrgetter

from django import forms

from planner import forms as plan_forms
from planner import registry
from planner.models import ROW_MODELS


@dataclass(frozen=True)
class RowKind:
    """A row kind of the registry with the model that stores it and the form that edits it."""

    spec: registry.RowKind
    model: type
    form: type[forms.ModelForm]

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def level(self) -> int:
        return self.spec.level

    @property
    def noun(self) -> str:
        return self.spec.noun

    @property
    def plural(self) -> str:
        return self.spec.plural

    @property
    def a_noun(self) -> str:
        return self.spec.a_noun

    @property
    def title_fields(self) -> tuple[str, ...]:
        """Fields the card's title already shows."""
        return ("source", "target") if self.key == "relationship" else ("name",)

    def details(self, row) -> list[tuple[str, str]]:
        """(label, text) pairs shown on the row's card; empty values are skipped."""
        pairs = []
        for label, read in self.readers:
            text = read(row)
            if text:
                pairs.append((label, text))
        if getattr(row, "source", None) and self.key == "decision":
            pairs.append(("Revealed by", str(row.source)))
        return pairs

    @cached_property
    def readers(self) -> list[tuple[str, Callable]]:
        """(label, how to read its text) for each field a card shows: `field_text`, with
        each field's kind looked up once (a Level 4 page reads some 250 values)."""
        found = []
        for spec in self.spec.fields:
            if spec.name in self.title_fields:
                continue
            field = self.model._meta.get_field(spec.name)
            if field.choices and not field.many_to_many:
                found.append(
                    (spec.label, partial(_choice_text, spec.name, dict(field.flatchoices)))
                )
            elif field.get_internal_type() in ("CharField", "TextField"):
                found.append((spec.label, attrgetter(field.attname)))
            else:
                found.append((spec.label, partial(field_text, name=spec.name)))
        return found


def _choice_text(name: str, labels: dict, row) -> str:
    """A choice's label, as `get_<name>_display` gives it."""
    value = getattr(row, name)
    return str(labels.get(value, value)) if value is not None else ""


def field_text(row, name: str) -> str:
    """A field of a row as a person reads it ("" when empty): choice labels, "Yes" for
    a true flag, lists and related rows joined with commas."""
    field = row._meta.get_field(name)
    if field.many_to_many:
        names = getattr(row, "linked_names", {})  # read as plain names, or as saved
        if name in names:
            return ", ".join(names[name])
        return ", ".join(str(item) for item in getattr(row, name).all())
    value = getattr(row, name)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if field.choices:
        return str(getattr(row, f"get_{name}_display")())
    if field.get_internal_type() == "BooleanField":
        return "Yes" if value else ""
    return "" if value is None else str(value)


FORMS = {
    "journey_step": plan_forms.JourneyStepForm,
    "boundary": plan_forms.BoundaryForm,
    "operation": plan_forms.OperationForm,
    "entity": plan_forms.EntityForm,
    "relationship": plan_forms.RelationshipForm,
    "decision": plan_forms.DecisionForm,
}
# The kinds edited as rows of a list (Level 6's techniques are a checklist).
ROW_KINDS: dict[str, RowKind] = {
    spec.key: RowKind(spec, ROW_MODELS[spec.key], FORMS[spec.key])
    for spec in registry.ROW_KIND_LIST
    if spec.listed
}
