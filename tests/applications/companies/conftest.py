"""Fixtures of the company pages: pages in English."""

from __future__ import annotations

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def english(client):
    """The pages in English, so that the assertions hold whatever the Norwegian catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
