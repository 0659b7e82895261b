"""Two reminder sweeps at the same moment (two workers, or beat firing while a manual run is
under way) send each reminder once, mail it once and let each overdue offer lapse once
(SPEC §8): the unique key, the mail claim and the case's row lock decide.

Runs only on PostgreSQL, where the two threads' transactions really overlap (SQLite
serialises whole transactions).  Each thread uses its own database connection and closes it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any

from django.core import mail
from django.db import connection
from django.db.models import Count

from programme import clock
from tests.factories import CompanyFactory, UserFactory, add_member, staff_role
from tests.integration.postgresql import postgresql_only
from tests.journey import build_world, case_in
from workflow.models import Case, LedgerEntry, Notification, State, TimelineEvent
from workflow.services.reminders import reminders_run

ROUNDS = 5
CASES_PER_ROUND = 3
THREAD_TIMEOUT = 120

pytestmark = postgresql_only("the sweep race needs PostgreSQL's concurrent transactions")


def two_sweeps_at_once(today: dt.date) -> list[Any]:
    barrier = threading.Barrier(2)
    results: list[Any] = [None, None]

    def sweep(index: int) -> None:
        try:
            barrier.wait(timeout=THREAD_TIMEOUT)
            results[index] = reminders_run(today=today)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a sweep hung"
    errors = [result for result in results if isinstance(result, BaseException)]
    assert not errors, errors
    return results


def assert_no_mail_twice() -> None:
    sent = Counter((message.to[0], message.subject) for message in mail.outbox)
    assert sent and max(sent.values()) == 1, sent.most_common(3)


def test_two_sweeps_at_once_send_each_reminder_once():
    world = build_world()
    # A second adviser for the municipality, so each case has two staff recipients.
    second = UserFactory()

    staff_role(second, world.programme, "adviser", [world.municipality_a])

    for round_number in range(ROUNDS):
        mail.outbox.clear()
        cases = [world.submitted_case() for _ in range(CASES_PER_ROUND)]
        due = clock.today() + dt.timedelta(days=15)  # the first overdue day (service level 14 days)
        expected = Notification.objects.count()
        results = two_sweeps_at_once(due)

        made = Notification.objects.filter(case__in=cases, kind=Notification.Kind.SCREENING_OVERDUE)
        assert made.count() == 2 * CASES_PER_ROUND, f"round {round_number}"
        assert sum(result["screening_overdue"] for result in results) == 2 * CASES_PER_ROUND
        assert Notification.objects.count() >= expected + 2 * CASES_PER_ROUND
        assert not made.filter(emailed_at=None).exists()
        assert_no_mail_twice()
        assert len(mail.outbox) == Notification.objects.filter(emailed_at__isnull=False).count() - expected


def test_two_sweeps_at_once_let_each_overdue_offer_lapse_once():
    world = build_world()
    for round_number in range(ROUNDS):
        mail.outbox.clear()
        cases = []
        for _ in range(CASES_PER_ROUND):
            company = CompanyFactory(programme=world.programme, municipality=world.municipality_b)
            add_member(company, world.applicant_b)
            cases.append(case_in(world, State.APPROVED, company))
        accept_by = cases[0].offer.accept_by
        results = two_sweeps_at_once(accept_by + dt.timedelta(days=1))

        assert sum(result["lapsed_not_accepted"] for result in results) == CASES_PER_ROUND, f"round {round_number}"
        for case in cases:
            assert Case.objects.get(pk=case.pk).state == State.LAPSED
        releases = LedgerEntry.objects.filter(case__in=cases, kind="release").values("case").annotate(n=Count("pk"))
        assert sorted(row["n"] for row in releases) == [1] * CASES_PER_ROUND
        lapses = TimelineEvent.objects.filter(case__in=cases, to_state=State.LAPSED).count()
        assert lapses == CASES_PER_ROUND
        told = Notification.objects.filter(case__in=cases, kind=Notification.Kind.CASE_EVENT)
        assert told.count() == CASES_PER_ROUND
        assert_no_mail_twice()
