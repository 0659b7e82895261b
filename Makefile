# The two commands of the README.  Only python3 (with venv and pip) is assumed.
#
#   make run    set up .venv, migrate, load the demo data, collect static files, then run the
#               web server on http://localhost:8000 with a Celery worker and beat beside it
#   make test   set up .venv, then lint, format check, Django checks, migration check, pytest
#               (two processes, then the tests that start processes; the migrated test
#               databases reused), on today's date
#   make test-dates   the date-sensitive tests on each of TEST_DATES (as CI does after make test)
#
# DATABASE_URL, REDIS_URL and the other settings variables are read from the environment;
# without them the project uses SQLite and Celery's filesystem transport under var/.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install: pip runs again only when a requirements file is newer.
# `make run` needs the runtime dependencies only; `make test` the test tools too.
STAMP := $(VENV)/.requirements-installed
DEV_STAMP := $(VENV)/.requirements-dev-installed

# The tests that roll back in two processes (pytest-xdist), then those that commit or start
# processes (Celery workers, gunicorn, a live server) on their own, one after the other: a
# Celery message one test leaves must not reach the worker another test started meanwhile
# (tests/conftest.py, "services").  --reuse-db keeps the migrated test databases for the next
# run; their names carry a digest of the migrations, so a changed migration gets a new one.
PYTEST_PARALLEL := $(BIN)/pytest -n 2 --reuse-db -m "not services"
PYTEST_SERVICES := $(BIN)/pytest --reuse-db -m services
# Around the turn of the year and a leap day (README, "Tests on a fixed date").
TEST_DATES := 2026-12-07 2026-12-31 2027-01-01 2028-02-29
# The tests whose outcome depends on the date: deadlines, lapses, reminders, budget years,
# the evaluation, the demo data, the applicant's dates, and the workers that compute them.
# Not the two that set their own clock and only search wider on each run (the invariants'
# state machine starts on a fixed day; schemathesis fuzzes the API's input).
DATE_TESTS := tests/test_frozen_clock.py tests/workflow tests/applications \
	tests/integration/test_evaluation_worker.py tests/integration/test_concurrent_reminders.py \
	--ignore=tests/workflow/test_invariants_stateful.py --ignore=tests/workflow/api/test_schemathesis.py

.PHONY: run test test-dates

run: $(STAMP)
	VENV=$(VENV) bin/run

test: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(PYTEST_PARALLEL)
	$(PYTEST_SERVICES)

# Every date is run, and the dates that failed are named at the end.
test-dates: $(DEV_STAMP)
	failed=""; \
	for day in $(TEST_DATES); do \
		echo "==> TEST_TODAY=$$day"; \
		{ TEST_TODAY=$$day $(PYTEST_PARALLEL) -q $(DATE_TESTS) && \
		  TEST_TODAY=$$day $(PYTEST_SERVICES) -q $(DATE_TESTS); } || failed="$$failed $$day"; \
	done; \
	if [ -n "$$failed" ]; then echo "the date-sensitive tests failed on:$$failed" >&2; exit 1; fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(STAMP) $@
