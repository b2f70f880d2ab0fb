"""Level 3 operations suggested from the journey: the list, and adding one with a click."""

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role, User
from planner import activity, registry, services
from planner.access import project_view
from planner.document import plan_document
from planner.models import Operation, Project
from planner.plan_rows import plan_rows
from planner.suggestions import Suggestion, step_suggestions, suggestion_find
from planner.workspace import load_plan

INVALID, CONFLICT = 422, 409  # htmx swaps both (base.html)
TEMPLATE = "planner/suggestions/list.html"
STEP_FACTS = [f for f in registry.ROW_KINDS["journey_step"].fields if f.name != "name"]


class SuggestionForm(forms.Form):
    step = forms.CharField(max_length=registry.Limit.NAME)
    category = forms.ChoiceField(choices=registry.Category.choices)


@project_view()
@require_GET
def suggestions(request: HttpRequest, project: Project) -> HttpResponse:
    return render(request, TEMPLATE, suggestion_context(request, project, plan_rows(project.pk)))


@project_view(Role.EDITOR)
@require_POST
def suggestion_add(request: HttpRequest, project: Project) -> HttpResponse:
    form = SuggestionForm(request.POST)
    rows = plan_rows(project.pk)
    suggestion = form.is_valid() and suggestion_find(
        plan_document(project, rows), form.cleaned_data["step"], form.cleaned_data["category"]
    )
    if not suggestion:
        notice = (
            "That suggestion is no longer offered: it is in the plan already, or its step changed."
        )
        return respond(request, project, rows, notice, CONFLICT if form.is_valid() else INVALID)
    try:
        operation = operation_from_suggestion(project, suggestion, request.user, rows)
    except IntegrityError:
        notice = f"The plan already has an operation named “{suggestion.name}”. Nothing was added."
        return respond(request, project, plan_rows(project.pk), notice, CONFLICT)
    rows = plan_rows(project.pk)
    services.findings_refresh(load_plan(project, "context", parts=rows))
    url = reverse("workspace_step", args=[project.pk, "3"])
    added = (f"Added “{operation.name}”.", f"{url}?all=operation#operation-{operation.pk}")
    return respond(request, project, rows, added=added)


def respond(request, project, rows, notice: str = "", status: int = 200, added=None):
    """htmx: the refreshed list; otherwise back to the page (a message says what happened)."""
    if not request.htmx:
        if status == 200:
            messages.success(request, added[0])
            return redirect("suggestions", project.pk)
        messages.error(request, notice)
        return render(request, TEMPLATE, suggestion_context(request, project, rows), status=status)
    ctx = suggestion_context(request, project, rows, notice=notice, added=added)
    return render(request, f"{TEMPLATE}#suggestion-list", ctx, status=status)


def suggestion_context(request, project: Project, rows: dict, **extra) -> dict:
    document = plan_document(project, rows)
    steps = [
        (step, [(f.heading, f.display(step[f.doc_key])) for f in STEP_FACTS], found)
        for step, found in step_suggestions(document)
    ]
    return {
        "project": project,
        "steps": steps,
        "offered": sum(len(found) for _, _, found in steps),
        "can_edit": request.membership.allows(Role.EDITOR),
        **extra,
    }


def operation_from_suggestion(
    project: Project, suggestion: Suggestion, user: User, rows: dict
) -> Operation:
    """Add the suggested operation, serving its step; raises IntegrityError when its name
    was taken a moment ago."""
    steps = {name: pk for pk, name, *_ in rows["journey_step"]}
    entities = {name: pk for pk, name, *_ in rows["entity"]}
    with transaction.atomic():
        operation = Operation.objects.create(
            project=project,
            name=suggestion.name,
            category=suggestion.category,
            trigger=suggestion.trigger,
            latency=suggestion.latency,
        )
        operation.journey_steps.set([steps[suggestion.step]])
        operation.entities.set([entities[name] for name in suggestion.entities])
        services.level_touch(project=project, level_number=3)
        activity.record(
            project=project, user=user, summary=f"added operation “{operation.name}” (suggested)"
        )
    return operation
