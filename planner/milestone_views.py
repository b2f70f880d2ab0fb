"""Milestones: list and save them, read one (frozen), export it, and review it."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from planner.access import project_view
from planner.milestone_forms import MilestoneForm, ReviewAnswerForm, ReviewRequestForm
from planner.milestones import (
    MilestoneNameTaken,
    milestone_create,
    milestone_report_input,
    milestone_shown,
    milestones_with_reviews,
    review_answer,
    review_candidates,
    review_request,
    review_state,
)
from planner.models import Milestone, Project, Review
from planner.reports import REPORT_FIELDS, report_hash, report_request

MAIL_FAILED = "The email could not be sent (the mail server did not answer); tell them yourself."


def _milestone(project: Project, milestone_id: int) -> Milestone:
    return get_object_or_404(project.milestones.select_related("created_by"), pk=milestone_id)


@project_view(Role.VIEWER)
@require_GET
def milestones(request: HttpRequest, project: Project) -> HttpResponse:
    return _list_page(request, project, MilestoneForm())


def _list_page(request: HttpRequest, project: Project, form, status: int = 200) -> HttpResponse:
    listed = milestones_with_reviews(project, request.user)
    context = {"project": project, "milestones": listed, "form": form}
    return render(request, "planner/milestones/list.html", context, status=status)


@project_view(Role.EDITOR)
@require_POST
def milestone_new(request: HttpRequest, project: Project) -> HttpResponse:
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            milestone = milestone_create(
                project=project, user=request.user, name=form.cleaned_data["name"]
            )
        except MilestoneNameTaken as taken:
            form.add_error("name", str(taken))
        else:
            messages.success(request, f"Milestone “{milestone.name}” saved.")
            return redirect(milestone)
    return _list_page(request, project, form, status=422)


@project_view(Role.VIEWER)
@require_GET
def milestone(request: HttpRequest, project: Project, milestone_id: int) -> HttpResponse:
    return _milestone_page(request, project, _milestone(project, milestone_id))


def _milestone_page(
    request: HttpRequest, project: Project, milestone: Milestone, **forms
) -> HttpResponse:
    reviews = list(milestone.reviews.select_related("reviewer"))
    mine = next((r for r in reviews if r.reviewer_id == request.user.pk), None)
    can_ask = request.membership.allows(Role.EDITOR)
    if can_ask and "request_form" not in forms:
        forms["request_form"] = ReviewRequestForm(members=review_candidates(project))
    if mine and "answer_form" not in forms:
        forms["answer_form"] = ReviewAnswerForm()
    context = {
        "project": project,
        "milestone": milestone,
        "plan": milestone_shown(milestone).view(),
        "reviews": reviews,
        "review_state": review_state(reviews),
        "my_review": mine,
        "can_ask": can_ask,
        **forms,
    }
    status = 422 if any(form.errors for form in forms.values()) else 200
    return render(request, "planner/milestones/milestone.html", context, status=status)


@project_view(Role.VIEWER)
@require_GET
def milestone_markdown(request: HttpRequest, project: Project, milestone_id: int) -> HttpResponse:
    milestone = _milestone(project, milestone_id)
    body = milestone_shown(milestone).markdown()
    response = HttpResponse(body, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(milestone)}.md"'
    return response


@project_view(Role.VIEWER)
@require_GET
def milestone_json(request: HttpRequest, project: Project, milestone_id: int) -> HttpResponse:
    milestone = _milestone(project, milestone_id)
    body = json.dumps(milestone.document, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"{_filename(milestone)}.backplan.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(milestone: Milestone) -> str:
    return slugify(f"{milestone.project.name} {milestone.name}") or "milestone"


@project_view(Role.VIEWER)
@require_http_methods(["GET", "POST"])
def milestone_report(request: HttpRequest, project: Project, milestone_id: int) -> HttpResponse:
    """The milestone's PDF: its frozen plan, its reviews, the changes since the one before."""
    milestone = _milestone(project, milestone_id)
    document, extras = milestone_report_input(project, milestone)
    here = reverse("milestone_report", args=[project.pk, milestone.pk])
    return report_page(request, project, document, extras, here, title=milestone.name)


def report_page(
    request: HttpRequest, project: Project, document: dict, extras, here: str, *, title: str
) -> HttpResponse:
    """GET shows the report of this document and extras, if any; POST asks for it."""
    if request.method == "POST":
        report_request(project=project, user=request.user, document=document, extras=extras)
        return redirect(here)
    reports = project.reports.only(*REPORT_FIELDS)
    current = reports.filter(content_hash=report_hash(document, extras)).first()
    context = {"project": project, "current": current, "here": here, "title": title}
    return render(request, "planner/milestones/report.html", context)


@project_view(Role.EDITOR)
@require_POST
def milestone_review_request(
    request: HttpRequest, project: Project, milestone_id: int
) -> HttpResponse:
    milestone = _milestone(project, milestone_id)
    form = ReviewRequestForm(request.POST, members=review_candidates(project))
    if not form.is_valid():
        return _milestone_page(request, project, milestone, request_form=form)
    asked, sent = review_request(
        milestone=milestone,
        reviewers=form.chosen,
        user=request.user,
        url=request.build_absolute_uri(milestone.get_absolute_url()),
    )
    messages.success(request, f"Review requested from {asked} member{'s' if asked > 1 else ''}.")
    if not sent:
        messages.warning(request, MAIL_FAILED)
    return redirect(milestone)


@project_view(Role.VIEWER)
@require_POST
def milestone_review_answer(
    request: HttpRequest, project: Project, milestone_id: int
) -> HttpResponse:
    """Only a member asked to review may answer, viewers included."""
    milestone = _milestone(project, milestone_id)
    review = Review.objects.filter(milestone=milestone, reviewer=request.user).first()
    if review is None:
        raise PermissionDenied("Only the members asked to review this milestone can answer.")
    form = ReviewAnswerForm(request.POST)
    if not form.is_valid():
        return _milestone_page(request, project, milestone, answer_form=form)
    review.milestone = milestone  # already loaded: the email names it and its project
    sent = review_answer(
        review=review,
        approve=form.approve,
        comment=form.cleaned_data["comment"],
        url=request.build_absolute_uri(milestone.get_absolute_url()),
    )
    messages.success(request, f"Your answer is recorded: {review.get_state_display().lower()}.")
    if not sent:
        messages.warning(request, MAIL_FAILED)
    return redirect(milestone)
