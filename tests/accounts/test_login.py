import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user

URL = "/accounts/login/"
PASSWORD = "a-long-passphrase-1"


@pytest.fixture
def person(db):
    return make_user("dana@example.com", password=PASSWORD)


def test_login_and_logout_urls():
    assert reverse("login") == URL
    assert reverse("logout") == "/accounts/logout/"


@pytest.mark.django_db
def test_login_page_asks_for_email(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_username"' in html
    assert "Email address" in html
    assert 'type="email"' in html
    assert reverse("signup") in html


def test_login_with_email_and_password(client, person):
    response = client.post(URL, {"username": "dana@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert int(client.session["_auth_user_id"]) == person.pk


def test_login_email_is_case_insensitive(client, person):
    response = client.post(URL, {"username": "Dana@Example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk


def test_wrong_password_shows_form_error(client, person):
    response = client.post(URL, {"username": "dana@example.com", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_login_follows_next(client, person):
    response = client.post(
        URL + "?next=/accounts/teams/new/",
        {"username": "dana@example.com", "password": PASSWORD, "next": "/accounts/teams/new/"},
    )
    assert response["Location"] == "/accounts/teams/new/"


def test_login_page_keeps_next_on_signup_link(client, db):
    response = client.get(URL + "?next=/accounts/invite/tok/")
    assert "/accounts/signup/?next=/accounts/invite/tok/" in response.content.decode()


def test_repeated_failures_lock_the_login_even_with_the_right_password(client, person):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(URL, {"username": "dana@example.com", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(URL, {"username": "dana@example.com", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(URL, {"username": "dana@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_on_other_accounts_from_one_address_do_not_lock_out_an_account(client, person):
    # Behind the bundled proxy every client shares one address: counting per address
    # would let five typos on any accounts lock everybody out.
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(URL, {"username": f"guess{n}@example.com", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(URL, {"username": "dana@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk


def test_failures_lock_the_account_whatever_the_case_of_the_email(client, person):
    spellings = ["dana@example.com", "Dana@Example.com", "DANA@EXAMPLE.COM", " dana@example.com"]
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(URL, {"username": spellings[n % len(spellings)], "password": "wrong"})
    response = Client(REMOTE_ADDR="10.9.9.9").post(
        URL, {"username": "dana@example.com", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "for <strong>dana@example.com</strong>" in response.content.decode()


def test_another_account_still_logs_in_while_one_is_locked(client, person):
    make_user("erin@example.com", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(URL, {"username": "dana@example.com", "password": "wrong"})
    response = client.post(URL, {"username": "erin@example.com", "password": PASSWORD})
    assert response.status_code == 302


def test_failures_during_a_lockout_do_not_extend_it(client, person):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(URL, {"username": "dana@example.com", "password": "wrong"})
    started = AccessAttempt.objects.get().attempt_time
    for _ in range(3):
        response = client.post(URL, {"username": "dana@example.com", "password": "x"})
        assert response.status_code == 429
    attempt = AccessAttempt.objects.get()
    assert attempt.attempt_time == started
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT


def test_forwarded_for_header_is_ignored_unless_a_proxy_is_trusted(client, person):
    client.post(
        URL,
        {"username": "dana@example.com", "password": "wrong"},
        REMOTE_ADDR="172.18.0.5",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    assert AccessAttempt.objects.get().ip_address == "172.18.0.5"


def test_client_address_comes_from_the_trusted_proxy_count(client, person, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; the proxy appended the address it saw.
    client.post(
        URL,
        {"username": "dana@example.com", "password": "wrong"},
        REMOTE_ADDR="172.18.0.5",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
    )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_lockout_counts_per_account_across_addresses(person):
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"10.0.0.{n + 1}").post(
            URL, {"username": "dana@example.com", "password": "wrong"}
        )
    fresh = Client(REMOTE_ADDR="10.0.1.1")
    response = fresh.post(URL, {"username": "dana@example.com", "password": PASSWORD})
    assert response.status_code == 429


def test_logout_is_post_only(owner_client, owner):
    assert owner_client.get("/accounts/logout/").status_code == 405
    response = owner_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in owner_client.session


def test_a_forwarded_for_that_is_not_an_address_falls_back_to_the_connection(
    client, person, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.post(
        URL,
        {"username": "dana@example.com", "password": "wrong"},
        REMOTE_ADDR="172.18.0.5",
        HTTP_X_FORWARDED_FOR="unknown",
    )
    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == "172.18.0.5"
