import pytest
from django.urls import reverse

from accounts.models import Membership, Role, Team, User
from tests.conftest import make_user

URL = "/accounts/signup/"
GOOD = {
    "email": "new@example.com",
    "password1": "quiet-harbour-42",
    "password2": "quiet-harbour-42",
}


def test_signup_url_is_the_contract():
    assert reverse("signup") == URL


@pytest.mark.django_db
def test_signup_page_labels_every_input(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("email", "name", "password1", "password2"):
        assert f'for="id_{field}"' in html


@pytest.mark.django_db
def test_signup_creates_user_logs_in_and_makes_personal_team(client):
    response = client.post(URL, {**GOOD, "name": "Nina"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    user = User.objects.get(email="new@example.com")
    assert user.name == "Nina"
    assert user.check_password("quiet-harbour-42")
    assert int(client.session["_auth_user_id"]) == user.pk
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER
    assert membership.team.personal
    assert membership.team.name == "Nina's team"


@pytest.mark.django_db
def test_signup_without_name_names_team_after_email(client):
    client.post(URL, GOOD)
    assert Team.objects.get().name == "new@example.com's team"


@pytest.mark.django_db
def test_signup_stores_email_in_lower_case(client):
    client.post(URL, {**GOOD, "email": "New@Example.COM"})
    assert User.objects.filter(email="new@example.com").exists()


@pytest.mark.django_db
def test_duplicate_email_is_a_field_error_whatever_the_case(client):
    make_user("taken@example.com")
    response = client.post(URL, {**GOOD, "email": "Taken@Example.com"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_mismatched_and_weak_passwords_are_refused(client):
    response = client.post(URL, {**GOOD, "password2": "something-else-42"})
    assert "password2" in response.context["form"].errors
    response = client.post(URL, {**GOOD, "password1": "12345678", "password2": "12345678"})
    assert "password2" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.django_db
def test_over_long_name_is_a_field_error(client):
    response = client.post(URL, {**GOOD, "name": "x" * 101})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.django_db
def test_long_email_still_gets_a_team_name_that_fits(client):
    email = "a" * 90 + "@example.com"
    client.post(URL, {**GOOD, "email": email})
    assert len(Team.objects.get().name) <= 100


@pytest.mark.django_db
def test_signup_follows_a_safe_next_and_ignores_an_offsite_one(client):
    response = client.post(URL + "?next=/accounts/invite/abc/", GOOD)
    assert response["Location"] == "/accounts/invite/abc/"
    client.logout()
    other = {**GOOD, "email": "other@example.com"}
    response = client.post(URL + "?next=https://evil.example/", other)
    assert response["Location"] == reverse("dashboard")


@pytest.mark.django_db
def test_logged_in_user_is_sent_to_dashboard(owner_client):
    response = owner_client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


@pytest.mark.django_db
def test_signup_refuses_other_methods(client):
    assert client.put(URL).status_code == 405
