"""Our own 404, 403 and 500 pages (rendered with DEBUG off, as in production)."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Membership


@pytest.mark.django_db
def test_404_page_is_friendly(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_404_page_for_logged_in_user_links_to_dashboard(owner_client, settings):
    settings.DEBUG = False
    response = owner_client.get("/accounts/teams/999999/")
    assert response.status_code == 404
    assert f'href="{reverse("dashboard")}"' in response.content.decode()


def test_403_page_shows_the_reason(viewer_client, team, editor, settings):
    settings.DEBUG = False
    target = Membership.objects.get(team=team, user=editor)
    response = viewer_client.post(reverse("member_remove", args=[team.pk, target.pk]))
    assert response.status_code == 403
    assert "Only the team&#x27;s owners" in response.content.decode()


def test_500_page_renders_without_any_context():
    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "<script" not in html
