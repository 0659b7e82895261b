"""Shared fixtures.  ``world`` is a programme with its people; see tests/journey.py."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import translation

# Helpers in plain modules assert too: let pytest explain their failures in detail.
pytest.register_assert_rewrite("tests.workflow.transition_table", "tests.programme.accounts.support", "tests.journey")

from tests import frozen_clock  # noqa: E402
from tests.journey import World, build_world  # noqa: E402
from tests.storage import storages_in  # noqa: E402


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[time_machine.Traveller]:
    """Every test starts at noon in Oslo on TEST_TODAY (tests/frozen_clock.py), whatever the
    tests before it did to the clock.  A test that needs another moment, or a clock that stands
    still, travels again inside (``time_machine.travel(moment, tick=False)``, or
    ``clock.travel_to`` for the services)."""
    with frozen_clock.travel() as traveller:
        yield traveller


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


# --- Two processes (pytest-xdist, `make test`) ---------------------------------------------
# Each xdist worker has its own test database (pytest-django: test_<name>_gw0, _gw1), but the
# Redis database, the Celery queue and the machine are shared.  A Celery message that a test
# leaves behind (one that rolls back, with its on-commit callbacks run) is read by whichever
# worker process reads the queue next; a Celery worker started by a test in the other xdist
# process would run it against its own database, where the same primary key may be another
# row (seen: a fault test's worker took another test's evaluation message and the test's own
# never came); the fault tests also flush Redis.  So every test that commits or starts
# processes is marked ``services``: `make test` runs the others in two processes first
# (-m "not services"), then these alone, one after the other (-m services).  They are also one
# xdist group, for a run with -n 2 --dist loadgroup of everything.
SERVICES_GROUP = "services"
_SERVICE_FOLDERS = ("browser", "integration")


def _commits_or_starts_processes(item: pytest.Item) -> bool:
    tests = Path(__file__).parent
    if any(tests / folder in item.path.parents for folder in _SERVICE_FOLDERS):
        return True
    if item.get_closest_marker("integration") or item.get_closest_marker("browser"):
        return True
    if {"live_server", "transactional_db", "django_db_serialized_rollback"} & set(getattr(item, "fixturenames", ())):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: before pytest-xdist reads the group marks.
    for item in items:
        if _commits_or_starts_processes(item):
            item.add_marker(pytest.mark.services)
            item.add_marker(pytest.mark.xdist_group(SERVICES_GROUP))


# --- Reusing the migrated test database (--reuse-db, `make test`) ---------------------------


def migrations_digest() -> str:
    """Eight hex digits that change whenever any migration file does."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for path in sorted(root.glob("*/migrations/*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:8]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None, request: pytest.FixtureRequest):
    """With --reuse-db the test database's name ends in a digest of the migrations: a database
    that other migrations made (another branch, an edited migration) is never reused, a new one
    is made beside it."""
    if not request.config.getvalue("reuse_db"):
        return
    suffix = migrations_digest()
    for database in settings.DATABASES.values():
        test = database.setdefault("TEST", {})
        if database["ENGINE"].endswith("sqlite3") and not test.get("NAME"):
            continue  # in memory: nothing to reuse
        test["NAME"] = f"{test.get('NAME') or 'test_' + database['NAME']}_{suffix}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker, request: pytest.FixtureRequest) -> None:
    """A reused database starts empty: a run that was stopped half-way through a test that
    commits leaves its rows behind.  (Nothing is seeded by the migrations.)"""
    if request.config.getvalue("reuse_db"):
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


# --- The clock (tests/frozen_clock.py) --------------------------------------------------------

_session_travel: time_machine.travel | None = None


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # The whole session, collection and session fixtures too, runs on TEST_TODAY; the real
    # date is read here once when TEST_TODAY is unset (tests/frozen_clock.py).  Set in the
    # environment before pytest-xdist starts its workers, so they run on the same date.
    global _session_travel
    try:
        frozen_clock.session_today()
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    _session_travel = frozen_clock.travel()
    _session_travel.start()

    # Real hashing costs a third of a second per user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_unconfigure(config: pytest.Config) -> None:
    global _session_travel
    if _session_travel is not None:
        _session_travel.stop()
        _session_travel = None


def pytest_report_header(config: pytest.Config) -> str:
    start = frozen_clock.start_of_test()
    return f"clock: every test starts at {start.isoformat()} (TEST_TODAY={frozen_clock.session_today()})"
