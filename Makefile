# The two README commands: `make run` (set up and start the site) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install setup check lint translations lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

setup: install
	$(MANAGE) migrate --noinput
	$(MANAGE) compile_translations
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) load_demo_content
	$(MANAGE) ensure_dev_admin

run: setup
	@echo "Site: http://$(HOST):$(PORT)/  Admin: http://$(HOST):$(PORT)/admin/ (admin / ikpe-dev-admin)"
	$(MANAGE) runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

check: install
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check

translations: install
	@if command -v xgettext >/dev/null; then $(MANAGE) check_translations; \
	else echo "SKIPPED translation completeness check: GNU gettext (xgettext) is not installed"; fi

test: lint check translations
	$(MANAGE) compile_translations
	$(BIN)/pytest

# Regenerate the lock from pyproject.toml in a throwaway environment.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet ".[dev]"
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^ikpe-cms' > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) static_collected
