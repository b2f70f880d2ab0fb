"""
WSGI config for config project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/6.1/howto/deployment/wsgi/
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# What every process holds for its whole life (Django, the apps, every view module the
# URLconf imports) is set out of the garbage collector's way: a full collection then
# walks only what requests made since, not some 150,000 objects (about a tenth of a
# millisecond a save, bench/bench_workspace.py).
get_resolver().url_patterns  # noqa: B018  (imports the views)
gc.freeze()
