def username_for_axes(request, credentials: dict) -> str:
    """Count failures per account whatever the case of the typed email."""
    source = credentials or getattr(request, "POST", {}) or {}
    return (source.get("username") or "").strip().lower()
