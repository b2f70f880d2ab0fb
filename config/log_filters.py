"""Filters for settings.LOGGING."""

import logging


class ClientErrorWithoutTraceback(logging.Filter):
    """A 4xx answer (403 from PermissionDenied, 400 from BadRequest, a suspicious
    request) is the client's doing and logs one line; tracebacks stay for 5xx."""

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
