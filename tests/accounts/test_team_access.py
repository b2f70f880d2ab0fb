"""Every team URL, every method: anonymous visitors log in, outsiders get 404 (never 405)."""

from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Invitation, Membership


def team_url_names() -> list[str]:
    names = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and "team_id" in pattern.pattern.regex.groupindex:
                names.append(pattern.name)

    walk(get_resolver().url_patterns)
    return sorted(set(names))


def team_url(name: str, team, owner) -> str:
    params = get_resolver().reverse_dict.getlist(name)[0][0][0][1]
    samples = {
        "team_id": team.pk,
        "membership_id": Membership.objects.get(team=team, user=owner).pk,
        "invitation_id": Invitation.objects.create(team=team, token_hash="h" * 64).pk,
    }
    return reverse(name, kwargs={param: samples[param] for param in params})


def test_there_are_team_urls_to_check():
    assert {"team_settings", "member_remove", "invitation_create"} <= set(team_url_names())


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", team_url_names())
def test_outsider_gets_404_on_every_team_url_whatever_the_method(
    name, method, team, owner, outsider_client
):
    url = team_url(name, team, owner)
    assert getattr(outsider_client, method)(url).status_code == 404
    assert Membership.objects.filter(team=team).count() == 3


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", team_url_names())
def test_anonymous_is_sent_to_log_in_on_every_team_url(name, method, team, owner, client):
    url = team_url(name, team, owner)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={quote(url)}"
