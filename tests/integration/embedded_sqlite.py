"""The web side of tests/integration/test_sqlite_embedded_default.py, run as its own process on
the embedded default (SQLite under VAR_DIR, Celery's filesystem transport), since the test
run's own database may be PostgreSQL and settings are read once per process:

    python -m tests.integration.embedded_sqlite prepare   # migrate; the programme and drafts
    python -m tests.integration.embedded_sqlite load      # approve, and save drafts meanwhile

``load`` approves cases, each of which asks the Celery worker (started by the test beside this
process) for an offer letter, and while the worker makes and stores them, threads save step 1
of application drafts through the pages, as the web server's threads would: each thread its own
test client and database connection.  It prints one JSON line with what it saw.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import time
import traceback
import zoneinfo
from collections import Counter
from pathlib import Path
from typing import Any

import django
import time_machine

LETTERS = 10
SAVERS = 4
WAIT_SECONDS = 150
STATE_FILE = "embedded-sqlite.json"


def _today() -> dt.datetime:
    """Noon of the test run's date (TEST_TODAY when the suite runs on a fixed date)."""
    day = dt.date.fromisoformat(os.environ.get("TEST_TODAY") or "2026-12-07")
    return dt.datetime.combine(day, dt.time(12), tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))


def _state_path() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / STATE_FILE


def prepare() -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from programme import clock
    from tests.factories import ApplicationFactory, CompanyFactory, UserFactory, add_member
    from tests.journey import build_world, case_in
    from workflow.models import State

    call_command("migrate", verbosity=0)
    world = build_world()
    # Shared by the two companies, so that neither goes over the de minimis ceiling.
    companies = [world.company_a, world.company_b]
    cases = [case_in(world, State.ON_AGENDA, companies[n % 2]).pk for n in range(LETTERS)]
    drafts = []
    for _ in range(SAVERS):
        # A company and draft per thread, so that each thread can check its own last save.
        person = UserFactory()
        company = CompanyFactory(programme=world.programme, municipality=world.municipality_a)
        add_member(company, person)
        draft = ApplicationFactory(
            company=company,
            created_by=person,
            focus_area=world.focus_area,
            start_date=clock.today() + dt.timedelta(days=30),
            end_date=clock.today() + dt.timedelta(days=400),
        )
        drafts.append(draft.pk)
    state = {"cases": cases, "drafts": drafts, "board_member": world.board_member.pk}
    _state_path().write_text(json.dumps(state))
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
    database = str(settings.DATABASES["default"]["NAME"])
    return {"vendor": connection.vendor, "journal_mode": journal_mode, "database": database}


def _saver(draft_id: int, stop: threading.Event, seen: dict[str, Any]) -> None:
    """Save step 1 of one draft again and again, each time with another address, until told to stop."""
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from applications.models import Application
    from tests.applications.test_drafting_pages import company_step_data

    try:
        application = Application.objects.select_related("company").get(pk=draft_id)
        client = Client()
        client.force_login(application.created_by)
        url = reverse("applications:application_company", kwargs={"pk": draft_id})
        number = 0
        while not stop.is_set():
            number += 1
            address = f"Storgata {number}"
            started = time.monotonic()
            try:
                response = client.post(url, company_step_data(application, address=address))
            except Exception as error:  # what a 500 would have been: the view raised
                seen["errors"].append(f"draft {draft_id}, save {number}: {error!r}")
                continue
            seen["slowest"] = max(seen["slowest"], time.monotonic() - started)
            seen["statuses"][response.status_code] += 1
            if response.status_code == 302:
                seen["saved"][draft_id] = address
            else:
                seen["errors"].append(f"draft {draft_id}, save {number}: status {response.status_code}")
    except Exception:
        seen["errors"].append(traceback.format_exc())
    finally:
        connection.close()


def load() -> dict[str, Any]:
    from applications.models import Company
    from programme.models import User
    from tests.journey import GRANT
    from workflow import services
    from workflow.models import Case, CaseFile

    state = json.loads(_state_path().read_text())
    board_member = User.objects.get(pk=state["board_member"])
    seen: dict[str, Any] = {"errors": [], "statuses": Counter(), "saved": {}, "slowest": 0.0}
    stop = threading.Event()
    savers = [threading.Thread(target=_saver, args=(draft, stop, seen)) for draft in state["drafts"]]
    for saver in savers:
        saver.start()
    approved = 0
    try:
        for case_id in state["cases"]:
            # Each approval asks the worker for the offer letter when it commits.
            services.decision_approve(
                case=Case.objects.get(pk=case_id),
                actor=board_member,
                amount=GRANT,
                legal_basis="de_minimis",
            )
            approved += 1
            time.sleep(0.2)
        deadline = time.monotonic() + WAIT_SECONDS
        letters = 0
        while time.monotonic() < deadline:
            letters = CaseFile.objects.filter(kind=CaseFile.Kind.LETTER, case_id__in=state["cases"]).count()
            if letters == len(state["cases"]):
                break
            time.sleep(0.5)
    except Exception:
        seen["errors"].append(traceback.format_exc())
        letters = CaseFile.objects.filter(kind=CaseFile.Kind.LETTER, case_id__in=state["cases"]).count()
    finally:
        stop.set()
        for saver in savers:
            saver.join(timeout=60)
    # Every save that answered "saved" is in the database: the last address of each draft.
    kept = {draft: Company.objects.get(applications__pk=draft).address for draft in seen["saved"]}
    return {
        "approved": approved,
        "letters": letters,
        "saves": seen["statuses"].get(302, 0),
        "statuses": {str(code): count for code, count in seen["statuses"].items()},
        "errors": seen["errors"],
        "slowest_save_seconds": round(seen["slowest"], 2),
        "drafts_saved": len(seen["saved"]),
        "last_saves_kept": all(kept[draft] == seen["saved"][draft] for draft in kept),
    }


def main(phase: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "programme.settings")
    django.setup()
    from django.conf import settings

    # As in the test suite: real password hashing costs a third of a second per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The clock at the test run's date, running (the worker beside it reads the real clock).
    with time_machine.travel(_today(), tick=True):
        result = prepare() if phase == "prepare" else load()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
