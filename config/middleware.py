"""Request checks that must happen before any middleware or view reads the body."""

import codecs
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def form_charset_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    """Forms must be UTF-8: another declared charset is a 400, said plainly.

    Django refuses such a body only when something first reads `request.POST`: the CSRF
    check then finds no token (a misleading 403), and with DEBUG on the error page reads
    it again and fails (a 500). Checking the header here, before any of that, answers
    once and clearly. UTF-8 under another name ("utf8") is accepted as UTF-8.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        charset = request.content_params.get("charset")
        if request.content_type in FORM_TYPES and charset:
            try:
                utf8 = codecs.lookup(charset).name == "utf-8"
            except LookupError:
                utf8 = False
            if not utf8:
                return render(
                    request,
                    "accounts/message.html",
                    {
                        "title": "This form could not be read",
                        "message": f"It was sent as {charset[:40]}; Backplan reads forms in "
                        "UTF-8 only. Reload the page and send the form again.",
                    },
                    status=400,
                )
            request.encoding = "utf-8"  # Django accepts only this exact spelling
        return get_response(request)

    return middleware
