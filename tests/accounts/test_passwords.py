import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import PasswordResetRequest
from tests.conftest import make_user

PASSWORD = "a-long-passphrase-1"
NEW = "brand-new-phrase-77"


@pytest.mark.django_db
def test_password_change_requires_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_change_form_and_success(owner_client, owner):
    response = owner_client.get(reverse("password_change"))
    assert response.status_code == 200
    assert 'for="id_old_password"' in response.content.decode()
    response = owner_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    owner.refresh_from_db()
    assert owner.check_password(NEW)
    assert owner_client.get(reverse("password_change_done")).status_code == 200


def test_password_change_with_wrong_old_password_is_refused(owner_client, owner):
    response = owner_client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_reset_flow_by_email(client):
    user = make_user("erin@example.com")
    response = client.post(reverse("password_reset"), {"email": "Erin@Example.com"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert client.get(reverse("password_reset_done")).status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["erin@example.com"]
    assert message.subject == "Reset your Backplan password"
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)

    response = client.get(link)  # Django swaps the token for a session value and redirects
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.get(form_url)
    assert response.context["validlink"]
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    assert client.get(reverse("password_reset_complete")).status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW)

    used = client.get(link, follow=True)
    assert not used.context["validlink"]
    assert "cannot be used" in used.content.decode()


@pytest.mark.django_db
def test_password_reset_for_unknown_email_sends_nothing_but_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "ghost@example.com"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


# Rate limit: a few reset mails per address and per client address an hour ------------------------


def ask_reset(client, email: str, **extra):
    response = client.post(reverse("password_reset"), {"email": email}, **extra)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")  # the same answer, always


@pytest.mark.django_db
def test_thirty_reset_requests_for_one_address_send_only_a_few_mails(client, settings):
    make_user("erin@example.com")
    for n in range(30):
        ask_reset(client, "erin@example.com" if n % 2 else "Erin@Example.com")
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_ADDRESS


@pytest.mark.django_db
def test_reset_limit_counts_per_address(client, settings):
    make_user("erin@example.com")
    make_user("finn@example.com")
    for _ in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS + 2):
        ask_reset(client, "erin@example.com")
    ask_reset(client, "finn@example.com")
    assert [message.to for message in mail.outbox][-1] == ["finn@example.com"]


@pytest.mark.django_db
def test_reset_limit_counts_per_client_address(settings):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 4
    for n in range(6):
        make_user(f"user{n}@example.com")
        ask_reset(Client(REMOTE_ADDR="10.1.1.1"), f"user{n}@example.com")
    assert len(mail.outbox) == 4
    ask_reset(Client(REMOTE_ADDR="10.2.2.2"), "user5@example.com")
    assert len(mail.outbox) == 5


@pytest.mark.django_db
def test_reset_limit_lifts_after_an_hour(client, settings):
    make_user("erin@example.com")
    for _ in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS + 1):
        ask_reset(client, "erin@example.com")
    sent = len(mail.outbox)
    PasswordResetRequest.objects.update(requested_at=timezone.now() - timedelta(minutes=61))
    ask_reset(client, "erin@example.com")
    assert len(mail.outbox) == sent + 1
