"""Fixtures of the account tests: a fresh cache, and pages in English."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # The resend throttle lives in the cache, which outlives a test's database.
    cache.clear()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
