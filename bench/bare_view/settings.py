"""The app's own settings, plus a bare `/bare/` view to compare the workspace against.

Used by bench/bench_workspace.py as DJANGO_SETTINGS_MODULE for gunicorn; config/
is left untouched. Run with DEBUG=false like production, but over plain HTTP on
loopback (no SSL redirect) and with static files collected into a scratch folder.
"""

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_view.urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", "/tmp/backplan_bench_static")
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Expected 409s and 422s are logged by django.request as warnings: keep them off the
# benchmark's output (LOG_LEVEL only sets the root logger's level, not its handler's).
LOGGING["handlers"]["console"]["level"] = os.environ.get("LOG_LEVEL", "INFO")  # noqa: F405
