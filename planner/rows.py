"""The list answers of the levels: one description per kind of row, used by the row views."""

from dataclasses import dataclass

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

    def title(self, row) -> str:
        return str(row)

    def details(self, row) -> list[tuple[str, str]]:
        """(label, text) pairs shown on the row's card; empty values are skipped."""
        pairs = []
        for name in self.form._meta.fields:
            if name == "name" or (name in ("source", "target") and self.key == "relationship"):
                continue
            field = row._meta.get_field(name)
            if field.many_to_many:
                value = ", ".join(str(e) for e in getattr(row, name).all())
                label = field.verbose_name
            elif field.choices:
                value = getattr(row, f"get_{name}_display")()
                label = field.verbose_name
            elif (
                isinstance(field, forms.BooleanField) or field.get_internal_type() == "BooleanField"
            ):
                value = "Yes" if getattr(row, name) else ""
                label = field.verbose_name
            else:
                value = getattr(row, name)
                label = field.verbose_name
            if value not in (None, ""):
                pairs.append((str(label)[:1].upper() + str(label)[1:], str(value)))
        if getattr(row, "source", None) and self.key == "decision":
            pairs.append(("Revealed by", str(row.source)))
        return pairs


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
