"""The list answers of the levels: one description per kind of row, used by the row views."""

from dataclasses import dataclass
from functools import cached_property

from django import forms

from planner import forms as plan_forms
from planner.models import Boundary, Decision, Entity, JourneyStep, Operation, Relationship


@dataclass(frozen=True)
class RowKind:
    key: str
    model: type
    form: type[forms.ModelForm]
    level: int
    noun: str
    plural: str

    @cached_property
    def detail_fields(self) -> list[tuple[str, str]]:
        """(field name, label) of what a card shows, worked out once per kind."""
        fields = []
        for name in self.form._meta.fields:
            if name == "name" or (name in ("source", "target") and self.key == "relationship"):
                continue
            label = str(self.model._meta.get_field(name).verbose_name)
            fields.append((name, label[:1].upper() + label[1:]))
        return fields

    def details(self, row) -> list[tuple[str, str]]:
        """(label, text) pairs shown on the row's card; empty values are skipped."""
        pairs = []
        for name, label in self.detail_fields:
            text = field_text(row, name)
            if text:
                pairs.append((label, text))
        if getattr(row, "source", None) and self.key == "decision":
            pairs.append(("Revealed by", str(row.source)))
        return pairs


def field_text(row, name: str) -> str:
    """A field of a row as a person reads it ("" when empty): choice labels, "Yes" for
    a true flag, lists and related rows joined with commas."""
    field = row._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(str(item) for item in getattr(row, name).all())
    value = getattr(row, name)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if field.choices:
        return str(getattr(row, f"get_{name}_display")())
    if field.get_internal_type() == "BooleanField":
        return "Yes" if value else ""
    return "" if value is None else str(value)


ROW_KINDS: dict[str, RowKind] = {
    kind.key: kind
    for kind in [
        RowKind(
            "journey_step",
            JourneyStep,
            plan_forms.JourneyStepForm,
            1,
            "journey step",
            "Journey steps",
        ),
        RowKind("boundary", Boundary, plan_forms.BoundaryForm, 2, "boundary", "Boundaries"),
        RowKind("operation", Operation, plan_forms.OperationForm, 3, "operation", "Operations"),
        RowKind("entity", Entity, plan_forms.EntityForm, 4, "entity", "Entities"),
        RowKind(
            "relationship",
            Relationship,
            plan_forms.RelationshipForm,
            4,
            "relationship",
            "Relationships",
        ),
        RowKind("decision", Decision, plan_forms.DecisionForm, 5, "decision", "Decisions"),
    ]
}
