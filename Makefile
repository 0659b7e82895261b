# The two commands of the README.  Only python3 (with venv and pip) is assumed.
#
#   make run    set up .venv, migrate, load the demo data, collect static files, then run the
#               web server on http://localhost:8000 with a Celery worker and beat beside it
#   make test   set up .venv, then lint, format check, Django checks, migration check, pytest
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

.PHONY: run test

run: $(STAMP)
	VENV=$(VENV) bin/run

test: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(STAMP) $@
