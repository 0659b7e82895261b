"""Fixtures of the applicant's pages: uploads go to a temporary folder, pages are in English."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Uploaded files go to a temporary folder, not the machine's private storage."""
    settings.STORAGES = {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    return tmp_path


@pytest.fixture
def client(client, settings):
    """Pages in English, so that the tests read the messages' source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
