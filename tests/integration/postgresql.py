"""What the tests that need PostgreSQL itself share (its row locks, advisory locks and truly
overlapping transactions; SQLite serialises whole transactions): the marks of such a module.

Elsewhere the module skips with the reason; in CI (REQUIRE_SERVICES=1) running without
PostgreSQL is a failure, not a skip (the fixture ``postgresql_required`` of tests/conftest.py).
The vendor comes from the settings, without connecting: a skip needs no database at all."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.conftest import services_required


def postgresql_only(need: str) -> list[pytest.MarkDecorator]:
    """The marks of a module whose tests need PostgreSQL; ``need`` says what for."""
    reason = f"{need}; this run uses {connection.vendor} (set DATABASE_URL=postgres://… to run it)"
    return [
        pytest.mark.integration,
        pytest.mark.skipif(connection.vendor != "postgresql" and not services_required(), reason=reason),
        pytest.mark.django_db(transaction=True),
        pytest.mark.usefixtures("postgresql_required"),
    ]
