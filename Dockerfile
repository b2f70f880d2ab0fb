# Backplan production image: gunicorn web app and the background worker share it.
#   docker compose up --build   (see docker-compose.yml and README.md)
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (PDF reports) needs pango and harfbuzz, and fonts to draw text with:
# the same set CI renders with, so PDFs look the same (CJK and emoji included).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first (a layer that survives code changes), at the pinned versions.
# The project itself has no importable package to install (`packages = []`), so
# this installs only its runtime dependencies; the dev extra stays out.
COPY pyproject.toml requirements.lock README.md ./
RUN pip install -c requirements.lock . && pip uninstall -y backplan

COPY . .

# Hashed static files for the manifest storage. DEBUG=false needs some SECRET_KEY to
# import settings; this one exists only during the build and is never used to sign.
RUN DEBUG=false SECRET_KEY=build-time-only-placeholder-not-used-at-runtime-0123456789abcdef \
    python manage.py collectstatic --noinput -v 0

RUN useradd --system --uid 1000 --home-dir /app backplan \
    && chown -R backplan /app/staticfiles
USER backplan

ENV DEBUG=false
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
