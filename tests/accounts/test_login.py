import pytest
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


def test_lockout_counts_per_address_across_accounts(client, person):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(URL, {"username": f"guess{n}@example.com", "password": "wrong"})
    response = client.post(URL, {"username": "dana@example.com", "password": PASSWORD})
    assert response.status_code == 429


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
