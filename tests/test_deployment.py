"""The production wiring we cannot run here: docker-compose.yml's nginx and the settings
it relies on (no Docker engine on the test machine, so the files themselves are read)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Role

ROOT = Path(__file__).resolve().parent.parent


def nginx_config() -> str:
    """The nginx config inlined in docker-compose.yml, with compose's `$$` unescaped."""
    compose = (ROOT / "docker-compose.yml").read_text()
    block = re.search(r"^  nginx:\n    content: \|\n((?:      .*\n|\n)+)", compose, re.M)
    assert block, "configs.nginx.content not found in docker-compose.yml"
    text = block.group(1)
    assert not re.search(r"(?<!\$)\$(?!\$)", text), "a single $ would be read by compose"
    return text.replace("$$", "$")


def test_nginx_passes_the_front_proxys_scheme_through():
    config = nginx_config()
    sent = re.findall(r"proxy_set_header\s+X-Forwarded-Proto\s+(\S+);", config)
    assert sent == ["$proxy_x_forwarded_proto"], sent
    mapping = re.search(
        r"map \$http_x_forwarded_proto \$proxy_x_forwarded_proto \{(.*?)\}", config, re.S
    )
    assert mapping, config
    rules = dict(re.findall(r"(\S+)\s+(\S+);", mapping.group(1)))
    assert rules == {"default": "$http_x_forwarded_proto", "''": "$scheme"}


def test_nginx_appends_to_forwarded_for_for_the_trusted_proxy_count():
    config = nginx_config()
    assert re.search(r"X-Forwarded-For\s+\$proxy_add_x_forwarded_for;", config)
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "TRUSTED_PROXY_COUNT: ${TRUSTED_PROXY_COUNT:-1}" in compose


PRODUCTION_ENV = {
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for themselves; production never does.
    **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
    "DEBUG": "false",
    "SECRET_KEY": "production-like-secret-" + "k7Q2" * 12,
    "ALLOWED_HOSTS": "example.com",
}


def production_setting(name: str) -> str:
    code = f"import config.settings as s; print(repr(s.{name}))"
    result = subprocess.run(  # noqa: S603 (our own settings, fixed arguments)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=PRODUCTION_ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_production_settings_pass_the_deploy_checks_as_ci_runs_them():
    # axes warns (W006) when no lockout parameter names ip_address; CI fails on warnings.
    result = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_trusts_the_proxys_scheme_header():
    assert production_setting("SECURE_PROXY_SSL_HEADER") == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_links_in_emails_are_https_behind_a_tls_proxy(owner_client, team, settings, mailoutbox):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    owner_client.post(
        reverse("invitation_create", args=[team.pk]),
        {"role": Role.EDITOR, "email": "nora@example.com", "expires_in_days": 7},
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_HOST="testserver",  # as nginx sends it ($host has no port)
    )
    assert "https://testserver/accounts/invite/" in mailoutbox[0].body


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_ssl_redirect_follows_the_forwarded_scheme(client, settings, scheme, db):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO=scheme)
    assert response.status_code == (200 if scheme == "https" else 301)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statements")
def test_a_statement_run_twice_on_a_connection_is_prepared(db):
    """On PostgreSQL values travel apart from the SQL and a repeated statement is
    prepared (settings: `server_side_binding`, `prepare_threshold`): planned once per
    connection. The save's and the page's statements are the same every time."""
    sql = "SELECT count(*) FROM planner_project WHERE id = %s"
    with connection.cursor() as cursor:
        for pk in (1, 2, 3):
            cursor.execute(sql, [pk])
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%planner_project WHERE id = $1%"],
        )
        assert cursor.fetchone()[0] == 1
