"""Mail that never breaks the action that sends it.

    sent = send_safely("Review requested", body, [member.email])

A mail server that refuses, times out or is unreachable is logged and answered
with False; the caller decides what to tell the user. Nothing raises.
"""

import logging
from collections.abc import Iterable

from django.core.mail import send_mail

logger = logging.getLogger(__name__)


def send_safely(subject: str, body: str, recipients: Iterable[str]) -> bool:
    to = sorted({address for address in recipients if address})
    if not to:
        return True
    try:
        send_mail(subject, body, None, to)
    except OSError:  # refused, unreachable, timed out; smtplib.SMTPException is an OSError
        logger.warning("Mail %r to %s could not be sent", subject, ", ".join(to), exc_info=True)
        return False
    return True
