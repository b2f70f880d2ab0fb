"""Share links: a read-only link for reviewers without an account.

The token is shown once and only its hash is stored; a visit is one indexed
lookup that only matches live links; uses are counted atomically.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from accounts.models import new_token, token_hash
from planner import activity
from planner.models import Milestone, Project, ShareLink


def share_link_create(
    *,
    project: Project,
    user,
    label: str = "",
    expires_at: datetime | None = None,
    milestone: Milestone | None = None,
) -> tuple[ShareLink, str]:
    """A new link to the live plan, or to a milestone; the token is returned here once and
    only its hash is stored."""
    token = new_token()
    with transaction.atomic():
        link = ShareLink.objects.create(
            project=project,
            token_hash=token_hash(token),
            label=label,
            created_by=user,
            expires_at=expires_at,
            milestone=milestone,
        )
        expiry = f"expires {expires_at:%Y-%m-%d %H:%M}" if expires_at else "never expires"
        activity.record(
            project=project,
            user=user,
            summary=f"created share link “{link}”",
            target=str(link),
            changes=[("Share link", "", f"Active, {expiry}")],
        )
    return link, token


def share_link_resolve(token: str) -> ShareLink:
    """The live link for `token`, or 404.

    Whatever the token — never issued, revoked, expired, malformed, or a link to
    an archived project (archiving hides a project from its readers too) — the
    work is the same: hash it, then one indexed lookup that only matches live links.
    """
    link = (
        ShareLink.objects.select_related("project__team", "milestone")
        .filter(token_hash=token_hash(token), revoked_at=None, project__archived=False)
        .filter(Q(expires_at=None) | Q(expires_at__gt=timezone.now()))
        .first()
    )
    if link is None:
        raise Http404("This link does not exist or no longer works.")
    return link


def share_link_record_use(link: ShareLink) -> None:
    ShareLink.objects.filter(pk=link.pk).update(
        use_count=F("use_count") + 1, last_used_at=timezone.now()
    )


def share_link_revoke(link: ShareLink, user=None) -> None:
    with transaction.atomic():
        revoked = ShareLink.objects.filter(pk=link.pk, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        if revoked:
            activity.record(
                project=link.project,
                user=user,
                summary=f"revoked share link “{link}”",
                target=str(link),
                changes=[("Share link", "Active", "Revoked")],
            )


def share_link_status(link: ShareLink) -> str:
    """What the owner's list shows: "Revoked", "Expired" or "Active" (the rule of resolve)."""
    if link.revoked_at is not None:
        return "Revoked"
    if link.expires_at is not None and link.expires_at <= timezone.now():
        return "Expired"
    return "Active"
