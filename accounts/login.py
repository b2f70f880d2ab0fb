"""Sending someone who is not signed in to the login page."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


def login_redirect(request: HttpRequest) -> HttpResponse:
    """A redirect to log in that comes back here afterwards. For an HTMX request (a
    session that expired while a page was open) the whole page goes to the login page,
    and back to that page: a plain redirect would put the login form inside the
    fragment being swapped."""
    if request.htmx:
        here = request.htmx.current_url_abs_path or request.get_full_path()
        login = redirect_to_login(here, resolve_url(settings.LOGIN_URL))
        return HttpResponseClientRedirect(login["Location"])
    return redirect_to_login(request.get_full_path())
