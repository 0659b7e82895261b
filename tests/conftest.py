"""Shared fixtures.  ``world`` is a programme with its people; see tests/journey.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

# Helpers in plain modules assert too: let pytest explain their failures in detail.
pytest.register_assert_rewrite("tests.workflow.transition_table", "tests.programme.accounts.support", "tests.journey")

from tests.journey import World, build_world  # noqa: E402
from tests.storage import storages_in  # noqa: E402


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the site's default language (Norwegian bokmål).

    A test-client request leaves the language its LocaleMiddleware chose active in the
    thread, so without this a test's messages would depend on the test run before it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def private_storage(settings, tmp_path: Path) -> Path:
    """Stored files go to a temporary folder, not the machine's private storage (a live server
    runs in this process, so it stores there too)."""
    settings.STORAGES = storages_in(tmp_path)
    return tmp_path


def services_required() -> bool:
    """In CI (REQUIRE_SERVICES=1) a missing PostgreSQL or Redis is a failure, not a skip."""
    return os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.fixture
def postgresql_required() -> None:
    """A test marked with tests.integration.postgresql.postgresql_only runs only on PostgreSQL:
    when it was not skipped (REQUIRE_SERVICES=1) on another database, it fails."""
    if connection.vendor != "postgresql":
        pytest.fail(
            f"REQUIRE_SERVICES=1 but this test needs PostgreSQL; this run uses {connection.vendor}", pytrace=False
        )


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Real hashing costs a third of a second per user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
