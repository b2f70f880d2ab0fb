"""The session row carries its user's id beside its data (accounts.models.Session), so
a project request reads the session, the user and their access in one statement. The
data stays the authority: the copy only follows it, and a wrong copy changes nobody's
access."""

from django.urls import reverse
from django.utils import timezone

from accounts.models import Session
from tests.conftest import client_for


def session_of(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_the_copy_follows_login_logout_and_a_deleted_user(client, owner, outsider):
    client.get(reverse("login"))  # anonymous: no session row yet, or one without a user
    client.force_login(owner)
    assert session_of(client).user_id == owner.pk
    client.force_login(outsider)  # the key changes with the user, as Django cycles it
    assert session_of(client).user_id == outsider.pk
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()

    other = client_for(owner)
    owner.delete()
    assert not Session.objects.filter(session_key=other.session.session_key).exists()


def test_a_session_without_a_user_keeps_its_data(client, db):
    session = client.session
    session["seen"] = 1
    session.save()
    assert session_of(client).user_id is None
    assert client.session["seen"] == 1


def test_a_wrong_copy_changes_nobodys_access(project, owner, outsider):
    """Whatever the column says, the user is the one the session's data names (and
    Django's checks pass): the owner still reads the plan, the outsider still gets 404."""
    url = reverse("workspace_step", args=[project.pk, "1"])
    owners, outsiders = client_for(owner), client_for(outsider)
    Session.objects.filter(pk=owners.session.session_key).update(user=outsider)
    Session.objects.filter(pk=outsiders.session.session_key).update(user=owner)
    response = owners.get(url)
    assert response.status_code == 200 and response.wsgi_request.user == owner
    assert outsiders.get(url).status_code == 404


def test_an_expired_session_is_sent_to_log_in(project, owner):
    client = client_for(owner)
    Session.objects.filter(pk=client.session.session_key).update(expire_date=timezone.now())
    response = client.get(reverse("workspace_step", args=[project.pk, "1"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
