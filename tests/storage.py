"""Files the code under test stores (uploads, letters, meeting documents, evaluations) go to a
temporary folder, never to the machine's private storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings


def storages_in(folder: Path) -> dict[str, Any]:
    """The ``STORAGES`` setting with the private storage (``default``) in ``folder``."""
    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
