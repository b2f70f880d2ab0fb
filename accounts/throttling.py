"""Who is trying: the account a login names and the address a request comes from."""

from django.conf import settings
from django.http import HttpRequest


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
    return entries[-min(count, len(entries))]
