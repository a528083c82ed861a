# Tandem: the two commands are `make run` and `make test` (see README.md).
#
# Set-up steps leave stamp files (inside .venv and node_modules), so a second run only
# redoes what changed: the Python packages when a lock file or pyproject.toml changes,
# the front-end packages when package.json or package-lock.json changes.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV := .venv
PY := $(VENV)/bin/python
TANDEM := $(VENV)/bin/tandem
PYTEST := $(PY) -m pytest
PYTHON_STAMP := $(VENV)/.tandem-python-packages
NODE_STAMP := node_modules/.tandem-npm-ci

HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for the unit suites (0 runs in one process).
WORKERS ?= 2
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/tandem
# The PostgreSQL test databases are named after this checkout (pytest-django adds
# _gw0, _gw1 per xdist worker), so two checkouts can test on one server at once.
TEST_DATABASE_NAME ?= test_tandem_$(shell printf '%s' "$(CURDIR)" | md5sum | cut -c1-8)

export UV_PYTHON_DOWNLOADS := never
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export DJANGO_SETTINGS_MODULE := config.settings

ifeq ($(WORKERS),0)
XDIST :=
else
XDIST := -n $(WORKERS)
endif

# pytest exits 5 when it collected no tests: say so, and fail (a run that tested
# nothing must never pass).
define pytest_strict
	@set +e; $(1); status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: pytest collected no tests (exit code 5)" >&2; fi; \
	exit $$status
endef

.PHONY: help
help:
	@echo "make run            set up, migrate, load demo data if the database is empty, serve on $(HOST):$(PORT)"
	@echo "make test           lint, typecheck, migrations check, suite on SQLite and PostgreSQL, browser tests"
	@echo "make setup          create .venv and install Python and front-end packages (incremental)"
	@echo "make lint           ruff check"
	@echo "make typecheck      mypy on tandem/"
	@echo "make migrations-check  fail if a model change has no migration"
	@echo "make test-sqlite    the test suite on SQLite (WORKERS=$(WORKERS))"
	@echo "make test-postgres  the test suite on PostgreSQL ($(POSTGRES_URL))"
	@echo "make test-browser   Playwright + Chromium: logins, navigation, axe-core on every page"
	@echo "make bench          benchmark ratios (tandem bench)"
	@echo "make screenshots    the README's screenshots (docs/screenshots/), from the demo in Chromium"
	@echo "make clean          remove .venv, node_modules and caches (keeps var/, the local database)"

# --- Environment ------------------------------------------------------------------

.PHONY: setup
setup: $(PYTHON_STAMP) $(NODE_STAMP)

# The virtual environment, made with a Python >= 3.12 (scripts/find-python explains
# what it tried when none is found).
$(PY):
	@python="$$(scripts/find-python)"; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)

# uv installs the locked packages. It is bootstrapped with pip from its own pinned,
# hash-checked entry in requirements/dev.lock, so `uv pip sync` later keeps it.
$(VENV)/bin/uv: requirements/dev.lock | $(PY)
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "error: $(VENV) uses Python %d.%d; Tandem needs 3.12 or newer. Run make clean, then try again." % sys.version_info[:2])'
	scripts/locked-requirement uv requirements/dev.lock > $(VENV)/uv-requirement.txt
	$(PY) -m pip install --quiet --no-deps --require-hashes -r $(VENV)/uv-requirement.txt
	@touch $@

$(PYTHON_STAMP): requirements/dev.lock pyproject.toml $(VENV)/bin/uv
	$(VENV)/bin/uv pip sync --quiet requirements/dev.lock --python $(PY)
	$(VENV)/bin/uv pip install --quiet --no-deps -e . --python $(PY)
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# --- Run --------------------------------------------------------------------------

.PHONY: run
run: setup
	$(TANDEM) migrate
	@# The demo's own list of logins is cut here: the banner below shows it last.
	@if $(PY) scripts/run_info.py empty; then \
		$(TANDEM) demo --scale small | sed '/^Demo logins:/,$$d'; \
	else \
		echo "The database already holds data: demo data not loaded."; \
	fi
	@echo
	@$(PY) scripts/run_info.py banner http://$(HOST):$(PORT)
	@echo
	@# The worker runs queued tasks (search indexing after imports, e-mail) and the daily
	@# jobs; it stops with the server.
	@mkdir -p var; echo "Worker log: var/worker.log"
	@$(TANDEM) worker > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(TANDEM) serve --bind $(HOST):$(PORT)

# --- Checks -----------------------------------------------------------------------

.PHONY: test
test: lint typecheck migrations-check test-sqlite test-postgres test-browser
	@echo "make test: all checks passed."

.PHONY: lint
lint: $(PYTHON_STAMP)
	$(VENV)/bin/ruff check tandem config tests scripts/*.py

.PHONY: typecheck
typecheck: $(PYTHON_STAMP)
	$(VENV)/bin/mypy tandem

.PHONY: migrations-check
migrations-check: setup
	$(PY) manage.py makemigrations --check --dry-run

# The unit suites leave the browser tests out (they have their own target). They need
# node_modules too: the static files finders read it (a missing folder is a system
# check warning, and pages link the files).
UNIT_ARGS := -m "not browser" --ignore=tests/browser $(XDIST) -q

.PHONY: test-sqlite
test-sqlite: setup
	@echo "== test suite on SQLite"
	$(call pytest_strict,env -u DATABASE_URL $(PYTEST) $(UNIT_ARGS) $(PYTEST_ARGS))

.PHONY: test-postgres
test-postgres: setup
	@echo "== test suite on PostgreSQL ($(POSTGRES_URL), test database $(TEST_DATABASE_NAME))"
	@DATABASE_URL='$(POSTGRES_URL)' $(PY) scripts/check_database.py || { \
		echo "error: PostgreSQL is not reachable at $(POSTGRES_URL)." >&2; \
		echo "Start it (.ci/run does), or point POSTGRES_URL at a server." >&2; exit 1; }
	$(call pytest_strict,DATABASE_URL='$(POSTGRES_URL)' TANDEM_TEST_DATABASE_NAME='$(TEST_DATABASE_NAME)' $(PYTEST) $(UNIT_ARGS) $(PYTEST_ARGS))

.PHONY: test-browser
test-browser: setup
	@echo "== browser tests (Playwright, $${TANDEM_CHROMIUM:-/usr/bin/chromium})"
	$(call pytest_strict,env -u DATABASE_URL $(PYTEST) tests/browser -m browser -q $(PYTEST_ARGS))

.PHONY: bench
bench: setup
	$(TANDEM) bench

# The README's screenshots: the demo organisation in Chromium at 1,280 and 390 px, taken
# with the browser tests' set-up (tests/browser/screenshots.py is run by path, never
# collected by the suites).
.PHONY: screenshots
screenshots: setup
	env -u DATABASE_URL $(PYTEST) tests/browser/screenshots.py -m browser -q

# --- Housekeeping -----------------------------------------------------------------

.PHONY: clean
clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis test-results
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
