"""Milestones: the plan frozen under a name, compared with another plan, and reviewed.

A milestone keeps the plan document, the findings with their statuses, the names of
the catalogue entries the plan used and each list's row ids, as they were when it was
saved. Everything that shows a milestone (its page, PDF, Markdown, JSON, a share link)
reads only those, through `Shown`, so it never changes later.

Each event happens in one function here (`milestone_create`, `review_request`,
`review_answer`), so the activity log can record it in one line.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.mail import send_safely
from accounts.models import Membership
from planner import activity, registry
from planner.document import document_hash, plan_document
from planner.markdown import plan_markdown
from planner.models import Milestone, Project, Review, ShareLink
from planner.plan_diff import Side, finding_status, plan_diff
from planner.plan_rows import plan_rows
from planner.plan_view import catalogue_names, plan_view
from planner.services import plan_findings

CURRENT = "current"  # the live plan, where compare names a side


class MilestoneNameTaken(ValueError):
    pass


# --- What a page shows: the live plan or a milestone ---------------------------------------


@dataclass
class Shown:
    """A plan as a page, PDF or Markdown shows it: live (findings and names looked up
    now) or a milestone's (all frozen)."""

    document: dict
    findings: list | None = None
    names: dict[str, str] | None = None
    milestone: Milestone | None = None

    def view(self) -> dict:
        return plan_view(self.document, findings=self.findings, names=self.names)

    def markdown(self) -> str:
        return plan_markdown(self.document, findings=self.findings, names=self.names)


def milestone_shown(milestone: Milestone) -> Shown:
    return Shown(milestone.document, milestone.findings, milestone.catalogue, milestone)


def link_shown(link: ShareLink) -> Shown:
    """What a share link shows: its milestone, or the plan as it is now."""
    if link.milestone is not None:
        return milestone_shown(link.milestone)
    return Shown(plan_document(link.project))


def milestone_list(project: Project):
    """The project's milestones, newest first, without their frozen contents."""
    return project.milestones.select_related("created_by").only(
        "pk", "name", "created_at", "project_id", "created_by__name", "created_by__email"
    )


def milestones_with_reviews(project: Project, user) -> list[Milestone]:
    """The milestones list: each with how many of its reviews are waiting, approved or
    asking for changes, and whether `user` is asked and has not answered yet (one
    query)."""
    pending = Q(reviews__state=Review.State.PENDING)
    return list(
        milestone_list(project).annotate(
            waiting=Count("reviews", filter=pending),
            approved=Count("reviews", filter=Q(reviews__state=Review.State.APPROVED)),
            changes=Count("reviews", filter=Q(reviews__state=Review.State.CHANGES)),
            asks_me=Count("reviews", filter=pending & Q(reviews__reviewer=user)),
        )
    )


def reviews_waiting(user, team) -> list[dict]:
    """The milestones of the team's active projects that wait for `user`'s review, oldest
    request first: the dashboard says so before anything else."""
    if team is None:
        return []
    waiting = Review.objects.filter(
        reviewer=user,
        state=Review.State.PENDING,
        milestone__project__team=team,
        milestone__project__archived=False,
    ).order_by("requested_at", "id")
    return list(
        waiting.values(
            "milestone_id",
            "milestone__name",
            "milestone__project_id",
            "milestone__project__name",
            "requested_by__name",
            "requested_by__email",
        )
    )


# --- Saving ------------------------------------------------------------------------------


def current_side(project: Project) -> Side:
    """The plan as it is now, as a milestone freezes it: the document, the findings with
    their status, the catalogue's names, and each list's row ids (so compare follows a
    row renamed since)."""
    rows = plan_rows(project.pk)
    document = plan_document(project, rows)
    findings = [finding.as_dict() for finding in plan_findings(project)]
    return Side(
        document,
        label="The current plan",
        findings=[{**finding, "status": finding_status(finding)} for finding in findings],
        names=catalogue_names(document),
        ids={kind.list_key: [row[0] for row in rows[kind.key]] for kind in registry.ROW_KIND_LIST},
    )


def milestone_create(*, project: Project, user, name: str) -> Milestone:
    """Freeze the plan as it is now under `name` (unique in the project, case aside)."""
    now = current_side(project)
    try:
        with transaction.atomic():
            milestone = Milestone.objects.create(
                project=project,
                name=name,
                document=now.document,
                findings=now.findings,
                catalogue=now.names,
                row_ids=now.ids,
                content_hash=document_hash(now.document),
                created_by=user,
            )
            activity.record(
                project=project, user=user, summary=f"saved milestone “{name}”", target=name
            )
            return milestone
    except IntegrityError as error:
        raise MilestoneNameTaken(f"A milestone is already called “{name}”.") from error


# --- Compare -------------------------------------------------------------------------------


def milestone_side(milestone: Milestone) -> Side:
    return Side(
        milestone.document,
        label=milestone.name,
        findings=milestone.findings,
        names=dict(milestone.catalogue),
        ids=milestone.row_ids,
    )


def compare_side(project: Project, key: str, milestones: dict[str, Milestone]) -> Side:
    """A side by its key: CURRENT or a milestone's id (one of `milestones`)."""
    return current_side(project) if key == CURRENT else milestone_side(milestones[key])


def compare(project: Project, old: str, new: str, milestones: dict[str, Milestone]) -> dict:
    return plan_diff(compare_side(project, old, milestones), compare_side(project, new, milestones))


def previous_milestone(milestone: Milestone) -> Milestone | None:
    """The milestone saved just before this one, if any."""
    earlier = Milestone.objects.filter(project_id=milestone.project_id, pk__lt=milestone.pk)
    return earlier.order_by("-pk").first()


# --- Reports -------------------------------------------------------------------------------


def review_lines(milestone: Milestone) -> list[dict[str, str]]:
    """Who was asked and what they answered, as the PDF prints it."""
    reviews = milestone.reviews.select_related("reviewer")
    return [
        {
            "reviewer": str(review.reviewer),
            "state": review.get_state_display(),
            "state_code": review.state,
            "comment": review.comment,
            "answered": f"{review.answered_at:%d %B %Y}" if review.answered_at else "",
        }
        for review in reviews
    ]


def report_extras(
    *, shown: Shown, since: Side | None = None, new: Side | None = None
) -> dict | None:
    """What a PDF shows besides the document (`Report.extras`): a milestone's frozen
    findings and names and its reviews; the changes since `since` (to `new`)."""
    extras: dict = {}
    if shown.milestone is not None:
        milestone = shown.milestone
        extras["findings"] = shown.findings
        extras["names"] = shown.names
        extras["milestone"] = {
            "name": milestone.name,
            "saved": f"{timezone.localtime(milestone.created_at):%d %B %Y, %H:%M}",
            "by": str(milestone.created_by) if milestone.created_by else "",
        }
        extras["reviews"] = review_lines(milestone)
    if since is not None and new is not None:
        extras["changes"] = plan_diff(since, new)
    return extras or None


def report_input(
    project: Project, new: str, old: str | None, milestones: dict[str, Milestone]
) -> tuple[dict, dict | None]:
    """The document and extras of the PDF of `new` (CURRENT or a milestone's id), with
    the changes since `old` when given."""
    new_side = compare_side(project, new, milestones)
    shown = Shown(new_side.document) if new == CURRENT else milestone_shown(milestones[new])
    since = compare_side(project, old, milestones) if old else None
    return shown.document, report_extras(shown=shown, since=since, new=new_side)


def milestone_report_input(project: Project, milestone: Milestone) -> tuple[dict, dict | None]:
    """A milestone's PDF (its page and its share links ask for the same one): the frozen
    plan, its reviews, and the changes since the milestone saved before it."""
    chosen = {str(milestone.pk): milestone}
    previous = previous_milestone(milestone)
    if previous is not None:
        chosen[str(previous.pk)] = previous
    old = str(previous.pk) if previous is not None else None
    return report_input(project, str(milestone.pk), old, chosen)


# --- Reviews -------------------------------------------------------------------------------


def review_candidates(project: Project) -> list[Membership]:
    """Every member of the project's team, viewers included."""
    members = Membership.objects.filter(team_id=project.team_id).select_related("user")
    return list(members.order_by("user__name", "user__email"))


def review_request(*, milestone: Milestone, reviewers: list, user, url: str) -> tuple[int, bool]:
    """Ask members to review; one request each (asking again resets an answer).

    Answers (how many were asked, whether every email went out). A mail server that
    is down never undoes the request."""
    with transaction.atomic():
        for reviewer in reviewers:
            Review.objects.update_or_create(
                milestone=milestone,
                reviewer=reviewer,
                defaults={
                    "requested_by": user,
                    "state": Review.State.PENDING,
                    "comment": "",
                    "answered_at": None,
                },
            )
        names = ", ".join(str(reviewer) for reviewer in reviewers)
        activity.record(
            project=milestone.project,
            user=user,
            summary=f"asked {names} to review milestone “{milestone.name}”",
            target=milestone.name,
        )
    subject = f"Review requested: {milestone.name} ({milestone.project.name})"
    body = (
        f"{user} asks you to review the milestone “{milestone.name}” of the plan "
        f"“{milestone.project.name}”.\n\nRead it, then approve it or request changes:\n{url}\n"
    )
    sent = send_safely(subject, body, [reviewer.email for reviewer in reviewers])
    return len(reviewers), sent


def review_answer(*, review: Review, approve: bool, comment: str, url: str) -> bool:
    """Record a reviewer's answer and tell whoever asked; False when the email failed."""
    before = review.get_state_display()
    review.state = Review.State.APPROVED if approve else Review.State.CHANGES
    review.comment = comment.strip()
    review.answered_at = timezone.now()
    milestone = review.milestone
    with transaction.atomic():
        review.save(update_fields=["state", "comment", "answered_at"])
        activity.record(
            project=milestone.project,
            user=review.reviewer,
            summary=f"answered the review of milestone “{milestone.name}”",
            target=milestone.name,
            changes=[("Review", before, review.get_state_display())],
        )
    asked_by = review.requested_by or milestone.created_by
    subject = f"{review.get_state_display()}: {milestone.name} ({milestone.project.name})"
    body = f"{review.reviewer} answered your review request for “{milestone.name}”: "
    body += f"{review.get_state_display().lower()}.\n\n"
    if review.comment:
        body += f"{review.comment}\n\n"
    body += f"{url}\n"
    return send_safely(subject, body, [asked_by.email] if asked_by else [])


def review_state(reviews: list[Review]) -> str:
    """The milestone's review state in a few words."""
    if not reviews:
        return "Not sent for review"
    states = [review.state for review in reviews]
    if Review.State.CHANGES in states:
        return "Changes requested"
    if all(state == Review.State.APPROVED for state in states):
        return "Approved"
    approved = states.count(Review.State.APPROVED)
    return f"In review: {approved} of {len(states)} approved"
