"""The improvement plan: open findings tracked as work, with an owner, a due date, a
status and a note; exported as CSV and as a Markdown checklist. Members read it,
owners and editors track and edit items. Fixed queries whatever the number of items."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from planner import activity, improvements, registry, services
from planner.access import ROLE_MESSAGES, project_view
from planner.collab_forms import ImprovementForm, TrackForm
from planner.models import ImprovementItem, Project

INVALID = 422


def items_of(project: Project) -> list[ImprovementItem]:
    """Unfinished items first, soonest due first (no date last), then finished ones."""
    items = project.improvements.select_related("owner")
    return sorted(
        items,
        key=lambda i: (i.status == ImprovementItem.Status.DONE, i.due or date.max, i.pk),
    )


@project_view()
def improvement_list(request: HttpRequest, project: Project) -> HttpResponse:
    items = items_of(project)
    tracked = {item.finding_key for item in items}
    untracked = [
        f
        for f in services.plan_findings(project)
        if improvements.finding_status(f.as_dict()) == "open" and f.key not in tracked
    ]
    context = {
        "project": project,
        "items": items,
        "untracked": untracked,
        "step_titles": registry.STEP_TITLES,
        "can_edit": request.membership.allows(Role.EDITOR),
        "today": timezone.localdate(),
    }
    return render(request, "planner/improvements/list.html", context)


@project_view(Role.EDITOR)
@require_POST
def improvement_track(request: HttpRequest, project: Project) -> HttpResponse:
    form = TrackForm(request.POST)
    findings = services.plan_findings(project) if form.is_valid() else []
    finding = next((f for f in findings if f.key == form.cleaned_data["key"]), None)
    if finding is None or improvements.finding_status(finding.as_dict()) != "open":
        messages.error(
            request,
            "That finding is not open in this plan any more: the plan may have changed since "
            "the page was loaded.",
        )
        return redirect("improvements", project.pk)
    with transaction.atomic():
        item = improvements.item_track(
            project=project, finding=finding.as_dict(), user=request.user
        )
        activity.record(
            project=project,
            user=request.user,
            summary="tracked a finding in the improvement plan",
            step=finding.level,
            target=finding.message,
        )
    messages.success(request, "Tracked. Give it an owner and a due date.")
    return redirect("improvement_edit", project.pk, item.pk)


@project_view()
@require_http_methods(["GET", "POST"])
def improvement_edit(request: HttpRequest, project: Project, item_id: int) -> HttpResponse:
    item = get_object_or_404(
        ImprovementItem.objects.select_related("owner"), project=project, pk=item_id
    )
    can_edit = request.membership.allows(Role.EDITOR)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(ROLE_MESSAGES[Role.EDITOR])
    form = ImprovementForm(request.POST or None, instance=item, team=project.team)
    before = activity.snapshot(item, ImprovementForm.Meta.fields)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            activity.record(
                project=project,
                user=request.user,
                summary="updated an improvement item",
                step=item.step,
                target=item.title,
                changes=activity.diff(before, activity.snapshot(item, ImprovementForm.Meta.fields)),
            )
        messages.success(request, "Improvement item saved.")
        return redirect("improvements", project.pk)
    status = INVALID if request.method == "POST" else 200
    context = {"project": project, "item": item, "form": form, "can_edit": can_edit}
    return render(request, "planner/improvements/edit.html", context, status=status)


def export_name(project: Project, suffix: str) -> str:
    return f"{slugify(project.name) or 'plan'}-improvements.{suffix}"


@project_view()
def improvements_csv(request: HttpRequest, project: Project) -> HttpResponse:
    body = improvements.items_csv(items_of(project), registry.STEP_TITLES)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_name(project, "csv")}"'
    return response


@project_view()
def improvements_md(request: HttpRequest, project: Project) -> HttpResponse:
    body = improvements.items_markdown(project, items_of(project), registry.STEP_TITLES)
    response = HttpResponse(body, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_name(project, "md")}"'
    return response
