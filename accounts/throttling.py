"""Who is trying, and how often: the account a login names, the address a request comes
from, and the limit on password-reset mails."""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import PasswordResetRequest, token_hash

RESET_WINDOW = timedelta(hours=1)


def username_for_axes(request, credentials: dict) -> str:
    """Count failures per account whatever the case of the typed email."""
    source = credentials or getattr(request, "POST", {}) or {}
    return (source.get("username") or "").strip().lower()


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For when proxies are trusted.

    With TRUSTED_PROXY_COUNT = n, each of the n proxies in front of the app appended
    the address it saw to X-Forwarded-For, so the client is the n-th entry from the
    right; anything further left was written by the client and can be forged. With 0
    (the default) the header is ignored, since anyone can send it.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    if count <= 0 or not entries:
        return remote
    # Fewer entries than proxies: the request skipped the outer ones, and the leftmost
    # entry is what the first proxy it did pass saw.
    client = entries[-min(count, len(entries))]
    try:
        return str(ipaddress.ip_address(client))
    except ValueError:  # not an address (a misconfigured proxy): stored as an IP it would fail
        return remote


def password_reset_allowed(*, email: str, ip: str | None) -> bool:
    """Record a reset request and say whether it may send a mail.

    At most PASSWORD_RESET_LIMIT_PER_ADDRESS requests per address and
    PASSWORD_RESET_LIMIT_PER_IP per client address are acted on in an hour. A request
    over a limit is not recorded (so a flood adds no rows); one under it is recorded and
    then counted again, which settles simultaneous requests: the n-th to be recorded sees
    at least n rows, so no more than the limit get through.
    """
    now = timezone.now()
    email_hash = token_hash(email.strip().lower())
    PasswordResetRequest.objects.filter(requested_at__lt=now - RESET_WINDOW).delete()
    recent = PasswordResetRequest.objects.filter(requested_at__gte=now - RESET_WINDOW)

    def fits(more: int) -> bool:
        by_email = recent.filter(email_hash=email_hash).count()
        by_ip = recent.filter(ip_address=ip).count() if ip else 0
        return (
            by_email + more <= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
            and by_ip + more <= settings.PASSWORD_RESET_LIMIT_PER_IP
        )

    if not fits(1):
        return False
    PasswordResetRequest.objects.create(email_hash=email_hash, ip_address=ip, requested_at=now)
    return fits(0)
