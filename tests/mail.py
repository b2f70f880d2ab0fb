"""A mail backend for tests that finds the mail server unreachable."""

from django.core.mail.backends.base import BaseEmailBackend

UNREACHABLE = {"default": {"BACKEND": "tests.mail.UnreachableBackend"}}


class UnreachableBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")
