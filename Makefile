# The two README commands: `make run` (set up and start the site) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install setup check lint translations lock clean fuzz load bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.lock requirements-dev.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $@

# axe-core for the accessibility checks of the browser tests (npm registry, pinned by the
# lock file); skipped with a note where Node.js is not installed.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "SKIPPED npm ci: Node.js/npm is not installed (browser accessibility tests need it)"; fi

install: $(VENV)/.installed node_modules/.installed

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

# Longer runs than `make test` does (docs/robustness.md): schemathesis on the partner API,
# and 50 readers for 2 minutes on PostgreSQL while an editor publishes.
fuzz: install
	$(BIN)/python -m tests.fuzz --max-examples 2000

load: install
	$(BIN)/python -m bench.load --duration 120 --connections 50

# The benchmark (docs/performance.md, "Benchmark"): 10,000 pages on a temporary SQLite
# database by default; e.g. `make bench BENCH_ARGS="--size 1000 --redis redis://127.0.0.1:6379/15"`.
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

# Regenerate the locks from pyproject.toml in throwaway environments: requirements.lock
# holds what the app needs (the Docker image installs only this), requirements-dev.lock
# adds the test, benchmark and browser tooling on top of it.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet .
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^ikpe-cms' > requirements.lock
	.lock-venv/bin/python -m pip install --quiet ".[dev]"
	(echo "-r requirements.lock"; .lock-venv/bin/python -m pip freeze --exclude-editable \
	  | grep -v '^ikpe-cms' | grep -vxF -f requirements.lock) > requirements-dev.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) static_collected
