"""Forms must come in UTF-8: anything else is a clear 400, never a 500 or a CSRF failure."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for

UTF16_FORM = "application/x-www-form-urlencoded; charset=utf-16"


def post(client: Client, url: str, content_type: str = UTF16_FORM):
    return client.post(url, "username=a@example.com&password=x", content_type=content_type)


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("csrf", [False, True], ids=["no-csrf-check", "csrf-checked"])
def test_utf16_form_posts_are_a_clear_400(owner, project, settings, debug, csrf):
    settings.DEBUG = debug
    anonymous = Client(enforce_csrf_checks=csrf, raise_request_exception=False)
    member = client_for(owner)
    member.handler.enforce_csrf_checks = csrf
    member.raise_request_exception = False
    for client, url in [
        (anonymous, reverse("login")),
        (anonymous, reverse("password_reset")),
        (member, reverse("context_save", args=[project.pk])),
        (member, reverse("team_create")),
    ]:
        response = post(client, url)
        assert response.status_code == 400, (url, response.status_code)
        assert "UTF-8" in response.content.decode()


def test_multipart_posts_in_another_charset_are_a_400_too(owner_client):
    response = owner_client.post(
        reverse("team_create"),
        b'--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nZ\r\n--x--\r\n',
        content_type="multipart/form-data; boundary=x; charset=utf-16",
    )
    assert response.status_code == 400


@pytest.mark.parametrize("charset", ["", "; charset=utf-8", "; charset=UTF8"])
def test_utf8_form_posts_are_read_as_before(client, db, charset):
    response = post(client, reverse("login"), "application/x-www-form-urlencoded" + charset)
    assert response.status_code == 200
    assert response.context["form"].data["username"] == "a@example.com"
