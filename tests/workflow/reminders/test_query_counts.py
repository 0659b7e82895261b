"""The daily sweep's number of queries does not grow with the number of cases (issue 7 runs
it over 50 000), nor with the number of reminders it sends: candidates are chosen by date
arithmetic in SQL, recipients and taken keys are read for all candidates at once, and the
reminders of a rule are recorded in one insert and mailed together.

The cases are copies of cases made through the services (same dates, same company), so 200
of each state cost seconds, not minutes."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programme import clock
from tests.journey import World, case_in
from workflow.models import Case, Notification, State

pytestmark = pytest.mark.django_db

# Queries one sent reminder may cost: the key check, the savepoint and insert, the claim and
# the read of the row it mails, and what the template reads.
PER_SENT = 10
_serial = itertools.count(1000)


def copy_case(template: Case, copies: int) -> None:
    """``copies`` new cases like ``template``: its application, offer and decision, its
    timeline's return and its final payment, as separate rows."""
    for _ in range(copies):
        application = template.application
        application.pk = application.id = None
        application.save()
        case = Case.objects.get(pk=template.pk)
        events = list(case.events.filter(to_state=State.RETURNED))
        payments = list(case.payments.filter(is_final=True))
        offer = getattr(case, "offer", None)
        decision = offer.decision if offer else None
        case.pk = case.id = None
        case.application = application
        case.reference = f"{template.programme.code}-2099-{next(_serial)}"
        case.save()
        if offer is not None:
            decision.pk = decision.id = None
            decision.case = case
            decision.save()
            offer.pk = offer.id = None
            offer.case, offer.decision = case, decision
            offer.save()
        for row in events + payments:
            row.pk = row.id = None
            row.case = case
            if hasattr(row, "request_id"):
                row.request = None  # one payment per request
            row.save()
        template.application.refresh_from_db()


def templates(world: World) -> list[Case]:
    return [
        world.submitted_case(),
        case_in(world, State.RETURNED),
        case_in(world, State.APPROVED),
        case_in(world, State.ACCEPTED),
        case_in(world, State.COMPLETED),
    ]


def sweep_days(cases: list[Case]) -> list[dt.date]:
    today = clock.today()
    approved, accepted = cases[2], cases[3]
    return [
        today + dt.timedelta(days=7),  # returned
        approved.offer.accept_by - dt.timedelta(days=7),  # offer not accepted
        today + dt.timedelta(days=15),  # screening overdue
        accepted.offer.final_report_due,  # final report (approved offers have lapsed by now)
        today + relativedelta(months=12),  # job report
    ]


def count(run, day: dt.date) -> tuple[int, int]:
    """(queries, reminders and lapses) of one sweep."""
    with CaptureQueriesContext(connection) as captured:
        counts = run(day)
    return len(captured.captured_queries), sum(counts.values())


def test_a_sweep_costs_as_many_queries_for_200_cases_as_for_10(world, run) -> None:
    cases = templates(world)
    days = sweep_days(cases)

    def measure(copies: int) -> tuple[list[int], list[int], int]:
        for case in cases:
            copy_case(case, copies)
        first = [count(run, day) for day in days]
        again = [count(run, day)[0] for day in days]
        return [queries for queries, _sent in first], again, sum(sent for _queries, sent in first)

    first_10, again_10, sent_10 = measure(9)
    sent_before = Notification.objects.count()
    first_200, again_200, sent_200 = measure(190)

    assert sent_10 > 0 and Notification.objects.count() > sent_before
    assert again_200 == again_10, "a sweep with nothing new to send must not read case by case"
    # A first sweep costs the fixed queries plus a few for each reminder sent (lapses excepted:
    # each goes through the lapse service).
    lapses_day = days.index(cases[3].offer.final_report_due)
    for index, (queries, fixed) in enumerate(zip(first_200, again_200, strict=True)):
        if index == lapses_day:
            continue
        sent = Notification.objects.filter(created_at__date=days[index]).count()
        assert queries <= fixed + PER_SENT * sent, (days[index], queries, fixed, sent)


def test_the_taken_keys_are_read_in_one_query_however_many_reminders_are_due(world) -> None:
    # 1 200 reminders due whose keys are all taken: nothing is sent, and PostgreSQL reads the
    # taken keys in one query; SQLite (its limit on bound variables) in chunks of 500.
    from workflow.services.notifications import SQLITE_KEY_CHUNK
    from workflow.services.reminders._common import Reminder, deliver

    case = world.submitted_case()
    today = clock.today()
    reminders = [
        Reminder(
            kind=Notification.Kind.SCREENING_OVERDUE,
            recipient=world.adviser_a,
            due=today + dt.timedelta(n),
            url="/",
            case=case,
        )
        for n in range(1200)
    ]
    Notification.objects.bulk_create(
        Notification(recipient=world.adviser_a, case=case, kind=r.kind, key=r.key, subject="s", body="b")
        for r in reminders
    )
    with CaptureQueriesContext(connection) as captured:
        assert deliver(reminders) == 0
    expected = 1 if connection.vendor == "postgresql" else -(-len(reminders) // SQLITE_KEY_CHUNK)
    assert len(captured.captured_queries) == expected
    assert Notification.objects.count() == 1200


def test_a_sweep_costs_as_many_queries_with_30_reminders_due_as_with_3(world, run, mailoutbox) -> None:
    # Submitted cases past the screening level (their advisers are reminded) and returned cases
    # not completed (their applicants are), 3 and then 30 of each due on the same day: the
    # reminders are recorded in one insert and mailed together, so the sweep's queries are
    # bounded by its rules, not by the reminders it sends (issue 16: thousands at 50 000 cases).
    submitted, returned = world.submitted_case(), case_in(world, State.RETURNED)
    day = clock.today() + dt.timedelta(days=submitted.programme.screening_days + 1)

    def sweep(cases_each: int) -> tuple[int, int, int]:
        Notification.objects.all().delete()
        mailoutbox.clear()
        have = Case.objects.filter(state=State.SUBMITTED).count()
        copy_case(submitted, cases_each - have)
        copy_case(returned, cases_each - have)
        with CaptureQueriesContext(connection) as captured:
            run(day)
        return len(captured.captured_queries), Notification.objects.count(), len(mailoutbox)

    queries_3, sent_3, mailed_3 = sweep(3)
    queries_30, sent_30, mailed_30 = sweep(30)

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {Notification.Kind.SCREENING_OVERDUE, Notification.Kind.RETURNED_NOT_COMPLETED}
    assert sent_30 == 10 * sent_3 and sent_3 >= 6
    assert mailed_3 > 0 and mailed_30 == 10 * mailed_3
    assert queries_30 == queries_3, "each reminder sent must not cost queries of its own"
