"""What the logs say: one line for a refused request, no banner from every process."""

import io
import logging
from collections.abc import Callable

from django.urls import reverse

from accounts.models import Membership


def console_output(run: Callable[[], object]) -> str:
    """What the configured console handler (settings.LOGGING) writes while `run` runs."""
    (console,) = [h for h in logging.getLogger().handlers if h.name == "console"]
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        run()
    finally:
        console.setStream(previous)
    return stream.getvalue()


def test_a_403_logs_one_line_without_a_traceback(viewer_client, team, editor):
    target = Membership.objects.get(team=team, user=editor)
    url = reverse("member_remove", args=[team.pk, target.pk])
    responses = []
    output = console_output(lambda: responses.append(viewer_client.post(url)))
    assert responses[0].status_code == 403
    assert output == f"Forbidden (Permission denied): {url}\n"


def test_a_500_still_logs_its_traceback(owner_client, team, monkeypatch):
    from accounts import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "_team_context", broken)
    owner_client.raise_request_exception = False
    url = reverse("team_settings", args=[team.pk])
    output = console_output(lambda: owner_client.get(url))
    assert f"Internal Server Error: {url}\nTraceback" in output
    assert "RuntimeError: boom" in output


def test_axes_prints_no_banner_at_start(caplog):
    from axes.apps import AppConfig

    AppConfig.initialized = False
    with caplog.at_level(logging.INFO):
        AppConfig.initialize()
    assert "AXES: BEGIN" not in caplog.text
