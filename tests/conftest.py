"""Shared fixtures.  ``world`` is a programme with its people; see tests/journey.py."""

from __future__ import annotations

import os

import pytest

# Helpers in plain modules assert too: let pytest explain their failures in detail.
pytest.register_assert_rewrite("tests.workflow.transition_table", "tests.programme.accounts.support", "tests.journey")

from tests.journey import World, build_world  # noqa: E402


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def services_required() -> bool:
    """In CI (REQUIRE_SERVICES=1) a missing PostgreSQL or Redis is a failure, not a skip."""
    return os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Real hashing costs a third of a second per user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
