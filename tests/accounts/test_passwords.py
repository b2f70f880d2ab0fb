import re

import pytest
from django.core import mail
from django.urls import reverse

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
