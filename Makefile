# Backplan — one command to run it, one command to test it.
#
#   make run     install, migrate, load the catalogue and a demo plan, then serve
#                http://127.0.0.1:8000 with a background worker beside it
#   make test    install, lint (ruff check), run the whole test suite (pytest)
#   make worker  run only the background worker (PDF reports)
#   make bench   run the benchmarks in bench/ (BENCH=pdf for one)
#   make lint    ruff check + ruff format --check
#   make clean   remove generated files (keeps .venv and db.sqlite3)
#   make distclean  also remove .venv and db.sqlite3
#
# SQLite by default; set DATABASE_URL (postgres://user@host:5432/name) for PostgreSQL.
# Override the interpreter with `make PYTHON=/path/to/python3.13 ...`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist processes for `make test` (auto: one per CPU; 0: the suite in one process)
TEST_WORKERS ?= auto

.PHONY: help install run worker test lint bench clean distclean

help:
	@sed -n '3,10p' Makefile | sed 's/^# \{0,1\}//'

# --- Python and the virtualenv -------------------------------------------------

# Find Python >= 3.12: $PYTHON if given, python3.13, python3.12 (only if they run:
# a pyenv shim exists but fails without a selected version), pyenv's installed
# versions, then python3. Stop with instructions when none is found.
$(PY):
	@set -euo pipefail; \
	ok() { "$$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }; \
	candidates=("$${PYTHON:-}" python3.13 python3.12); \
	if command -v pyenv >/dev/null 2>&1; then \
		root="$$(pyenv root 2>/dev/null || true)"; \
		for v in 3.13 3.12; do \
			for p in $$(ls -d "$$root"/versions/$$v*/bin/python3 2>/dev/null | sort -rV); do candidates+=("$$p"); done; \
		done; \
	fi; \
	candidates+=(python3); \
	found=""; \
	for c in "$${candidates[@]}"; do \
		if [ -n "$$c" ] && ok "$$c"; then found="$$c"; break; fi; \
	done; \
	if [ -z "$$found" ]; then \
		echo "Backplan needs Python 3.12 or newer; none was found." >&2; \
		echo "Install one, then run make again. For example:" >&2; \
		echo "  Debian/Ubuntu:  sudo apt-get install python3.12 python3.12-venv" >&2; \
		echo "  macOS:          brew install python@3.13" >&2; \
		echo "  pyenv:          pyenv install 3.13   (make looks in pyenv's versions folder)" >&2; \
		echo "  or pass one:    make PYTHON=/path/to/python3.13 ..." >&2; \
		exit 1; \
	fi; \
	echo "Creating $(VENV) with $$found ($$("$$found" -c 'import sys; print(sys.version.split()[0])'))"; \
	"$$found" -m venv $(VENV)

# Reinstall only when the dependencies change; pins come from requirements.lock.
$(STAMP): pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $@

install: $(STAMP)

# --- Running -------------------------------------------------------------------

# The worker runs in the background beside the dev server and is stopped when the
# server stops (Ctrl-C, kill, or an error), whichever way the shell exits.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_catalogue
	$(PY) manage.py load_demo
	@set -uo pipefail; \
	$(PY) manage.py db_worker --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null; exit' EXIT INT TERM; \
	echo "Backplan on http://$(HOST):$(PORT)/ (worker pid $$worker). Ctrl-C stops both."; \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	$(PY) manage.py db_worker --queue-name '*'

# --- Checking ------------------------------------------------------------------

test: install
	$(VENV)/bin/ruff check .
	CONN_MAX_AGE=$${CONN_MAX_AGE:-0} $(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Each bench/bench_*.py script runs on its own (results go to bench/results/);
# `make bench BENCH=pdf` runs only bench/bench_pdf.py.
BENCH ?= *
bench: install
	@set -euo pipefail; \
	scripts=$$(ls bench/bench_$(BENCH).py 2>/dev/null || true); \
	if [ -z "$$scripts" ]; then echo "No benchmark matches bench/bench_$(BENCH).py." >&2; exit 1; fi; \
	for s in $$scripts; do echo "== $$s"; PYTHONPATH=. $(PY) "$$s"; done

# --- Cleaning ------------------------------------------------------------------

clean:
	rm -rf staticfiles test-results bench/results .ruff_cache .pytest_cache .hypothesis *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) db.sqlite3
