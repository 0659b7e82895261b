"""Fixtures of the applicant's pages: uploads go to a temporary folder, pages are in English."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_storage(private_storage: Path) -> Path:
    """Every test here uploads to a temporary folder (the fixture of tests/conftest.py)."""
    return private_storage


@pytest.fixture
def client(client, settings):
    """Pages in English, so that the tests read the messages' source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
