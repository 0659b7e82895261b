"""What the stateful invariant test (test_invariants_stateful.py) reads and checks: the people
relative to a case, a snapshot of everything a refused action could have written, a model of
the money the machine expects, and the invariants of the case state machine and the ledger."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone

from applications.models import Application
from programme import clock
from programme.models import BudgetYear
from tests.journey import World
from workflow.models import (
    AgendaItem,
    Appeal,
    BoardMeeting,
    Case,
    ConflictDeclaration,
    Decision,
    FinalReport,
    JobReport,
    LedgerEntry,
    Offer,
    Payment,
    PaymentRequest,
    Recommendation,
    Screening,
    State,
    TimelineEvent,
)
from workflow.selectors import budget_figures, case_money

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# Who acts, relative to the case acted on ("system" is nobody: the scheduled jobs).
ROLES = (
    "own_applicant",
    "other_applicant",
    "own_adviser",
    "other_adviser",
    "board_member",
    "admin",
    "other_admin",
)

# The actions that fit a state come up more often than the others; every action can be tried
# in every state, by anyone.
FITTING = {
    State.SUBMITTED: ["take"],
    State.SCREENING: ["recommend", "recommend", "recommend", "return", "dismiss", "screening_save"],
    State.RETURNED: ["resubmit", "withdraw"],
    State.DISMISSED: ["appeal"],
    State.RECOMMENDED: ["agenda", "agenda", "reopen"],
    State.ON_AGENDA: ["approve", "approve", "reject", "defer"],
    State.APPROVED: ["accept", "accept", "accept", "decline", "lapse"],
    State.REJECTED: ["appeal"],
    State.APPEALED: ["agenda"],
    State.ACCEPTED: [
        *["payment_request", "part_payment", "part_payment", "final_report", "final_report", "final_report"],
        *["reclaim", "cancel", "lapse"],
    ],
    State.REPORTING: ["final_payment", "final_payment", "final_payment", "final_report_return", "reclaim"],
    State.COMPLETED: ["job_report", "job_report", "close", "reclaim"],
}
# Who may act, by action; drawn more often than the other people.
RIGHT_PEOPLE = {
    "take": ["own_adviser"],
    "withdraw": ["own_applicant"],
    "screening_save": ["own_adviser"],
    "return": ["own_adviser"],
    "dismiss": ["own_adviser"],
    "recommend": ["own_adviser"],
    "conflict": ["own_adviser", "board_member"],
    "resubmit": ["own_applicant"],
    "appeal": ["own_applicant"],
    "agenda": ["admin", "board_member"],
    "reopen": ["own_adviser"],
    "approve": ["board_member"],
    "reject": ["board_member"],
    "defer": ["board_member"],
    "accept": ["own_applicant"],
    "decline": ["own_applicant"],
    "lapse": ["system", "admin"],
    "payment_request": ["own_applicant"],
    "part_payment": ["admin"],
    "final_report": ["own_applicant"],
    "cancel": ["admin"],
    "reclaim": ["admin"],
    "final_payment": ["admin"],
    "final_report_return": ["own_adviser", "admin"],
    "job_report": ["own_applicant", "admin"],
    "close": ["system", "admin"],
}
ACTIONS = sorted(RIGHT_PEOPLE)
SYSTEM_ACTIONS = {"lapse", "close"}  # the only ones the scheduled jobs perform

# Which test run saw what: {(action, "ok" | refusal code): count}.  Read by a quick local
# check of how far the machine explores; the test itself never prints it.
OUTCOMES: Counter[tuple[str, str]] = Counter()


def person(w: World, case: Case, role: str) -> Any:
    own_company = case.application.company_id == w.company_a.pk
    own_municipality = case.municipality_id == w.municipality_a.pk
    return {
        "system": None,
        "own_applicant": w.applicant_a if own_company else w.applicant_b,
        "other_applicant": w.applicant_b if own_company else w.applicant_a,
        "own_adviser": w.adviser_a if own_municipality else w.adviser_b,
        "other_adviser": w.adviser_b if own_municipality else w.adviser_a,
        "board_member": w.board_member,
        "admin": w.admin,
        "other_admin": w.other_admin,
    }[role]


def cents(value: int | Decimal) -> Decimal:
    return Decimal(value).quantize(CENT)


# Tables whose rows services only ever add: their count, highest key and total say whether a
# refused action added (or took away) anything, in one query.
GROWING = (
    (TimelineEvent, ""),
    (LedgerEntry, "amount"),
    (Payment, "amount"),
    (Decision, ""),
    (Recommendation, ""),
    (Appeal, ""),
    (FinalReport, ""),
    (JobReport, ""),
    (ConflictDeclaration, ""),
    (BoardMeeting, ""),
)


def _growing_sql() -> str:
    columns = []
    for model, total in GROWING:
        table = model._meta.db_table  # names from the models, never from input
        columns.append(f"(SELECT COUNT(*) FROM {table}), (SELECT MAX(id) FROM {table})")  # noqa: S608
        columns.append(f"(SELECT SUM({total}) FROM {table})" if total else "0")  # noqa: S608
    return "SELECT " + ", ".join(columns)


GROWING_SQL = _growing_sql()


def world_snapshot() -> dict[str, Any]:
    """Every row a case service writes: a refusal must leave all of it exactly as it was."""
    with connection.cursor() as cursor:
        cursor.execute(GROWING_SQL)
        growing = cursor.fetchone()
    return {
        "growing": [str(value) for value in growing],
        "cases": sorted(Case.objects.values_list("pk", "state")),
        "applications": sorted(Application.objects.values_list("pk", "status", "submitted_at")),
        "offers": sorted(Offer.objects.values_list("pk", "amount", "holdback_amount", "accepted_at", "start_by")),
        "payment_requests": sorted(PaymentRequest.objects.values_list("pk", "case_id", "is_final", "status")),
        "screenings": sorted(Screening.objects.values_list("pk", "case_id", "adviser_id", "notes")),
        "agenda": sorted(AgendaItem.objects.values_list("pk", "meeting_id", "case_id", "position")),
    }


@dataclass
class CaseMoneyModel:
    """What the machine expects of one case's money, kept apart from the ledger."""

    budget_year_id: int | None = None
    granted: Decimal = ZERO
    holdback: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    final_paid: bool = False


@dataclass
class Expectations:
    """The machine's own record: successful transitions and money per case."""

    transitions: Counter[int] = field(default_factory=Counter)
    money: dict[int, CaseMoneyModel] = field(default_factory=dict)

    def of(self, case_pk: int) -> CaseMoneyModel:
        return self.money.setdefault(case_pk, CaseMoneyModel())


def holdback_of(amount: Decimal, share: Decimal) -> Decimal:
    return (amount * share / 100).quantize(CENT, ROUND_HALF_UP)


def followup_over_after(case: Case, period_months: int | None) -> bool:
    """Would the follow-up be over once a job report for ``period_months`` is in (SPEC §4)?"""
    months = set(case.programme.job_followup_months)
    reported = set(case.job_reports.exclude(period_months=None).values_list("period_months", flat=True))
    if period_months is not None:
        reported.add(period_months)
    if not months or reported >= months:
        return True
    final = case.payments.filter(is_final=True).first()
    return final is not None and clock.today() > final.paid_on + relativedelta(months=max(months), days=14)


def appeal_deadline(case: Case) -> dt.date | None:
    refusal = case.latest_refusal()
    if refusal is None:
        return None
    return timezone.localdate(refusal.decided_at) + dt.timedelta(days=case.programme.appeal_days)


# --- the invariants ---------------------------------------------------------------------------


def check_budget(w: World, expected: Expectations, ledger: list[tuple[int, int, str, Decimal]]) -> None:
    """Per budget year, the figures the budget page shows: available never negative, committed
    the ledger's commits less releases, both as the machine's own model expects."""
    years = list(BudgetYear.objects.filter(programme=w.programme))
    figures = budget_figures(budget_years=years)
    for year in years:
        shown = figures[year.pk]
        by_kind: Counter[str] = Counter()
        for year_id, _case, kind, amount in ledger:
            if year_id == year.pk:
                by_kind[kind] += amount
        assert shown.available >= 0, f"{year.year}: available {shown.available} < 0 ({shown})"
        assert shown.committed == by_kind["commit"] - by_kind["release"], (year.year, shown, by_kind)
        assert shown.disbursed == by_kind["disburse"] - by_kind["reclaim"], (year.year, shown, by_kind)
        modelled = [m for m in expected.money.values() if m.budget_year_id == year.pk]
        assert shown.committed == sum((m.committed for m in modelled), ZERO), (year.year, shown, modelled)
        assert shown.disbursed == sum((m.paid for m in modelled), ZERO), (year.year, shown, modelled)


def check_cases(w: World, expected: Expectations, ledger: list[tuple[int, int, str, Decimal]]) -> None:
    """Every case: its money from the ledger rows as the machine expects, never more paid than
    granted, the hold-back kept until the final payment; its timeline matching its state."""
    cases = dict(Case.objects.filter(programme=w.programme).values_list("pk", "state"))
    offers = {o.case_id: o for o in Offer.objects.filter(case_id__in=cases)}
    finals = set(Payment.objects.filter(case_id__in=cases, is_final=True).values_list("case_id", flat=True))
    events: dict[int, list[tuple[str, str]]] = {pk: [] for pk in cases}
    transitions = TimelineEvent.objects.filter(case_id__in=cases, kind=TimelineEvent.Kind.TRANSITION).order_by("pk")
    for case_id, from_state, to_state in transitions.values_list("case_id", "from_state", "to_state"):
        events[case_id].append((from_state, to_state))
    sums: dict[int, Counter[str]] = {pk: Counter() for pk in cases}
    for _year, case_id, kind, amount in ledger:
        sums[case_id][kind] += amount
    for pk, state in cases.items():
        committed = sums[pk]["commit"] - sums[pk]["release"]
        paid = sums[pk]["disburse"] - sums[pk]["reclaim"]
        _check_money(pk, committed, paid, offers.get(pk), pk in finals, expected.of(pk))
        _check_timeline(pk, state, events[pk], expected.transitions[pk])


def _check_money(
    pk: int, committed: Decimal, paid: Decimal, offer: Offer | None, final_paid: bool, model: CaseMoneyModel
) -> None:
    assert (committed, paid, final_paid) == (model.committed, model.paid, model.final_paid), (pk, committed, model)
    if offer is None:
        assert (committed, paid) == (ZERO, ZERO), (pk, committed, paid)
        return
    assert (offer.amount, offer.holdback_amount) == (model.granted, model.holdback), (pk, offer)
    assert ZERO <= paid <= offer.amount, f"case {pk}: paid {paid} of {offer.amount} granted"
    assert paid <= committed <= offer.amount, (pk, committed, paid, offer.amount)
    if not final_paid:
        # Net of reclaims: money paid back may be paid out again, the hold-back still stays.
        limit = offer.amount - offer.holdback_amount
        assert paid <= limit, f"case {pk}: {paid} paid before the final report, limit {limit}"


def _check_timeline(pk: int, state: str, events: list[tuple[str, str]], transitions: int) -> None:
    """Every state change has its event: the last one's to-state is the case's state, there
    are as many as the machine saw transitions succeed, and each starts where the last ended."""
    assert events, f"case {pk} has no state-change event"
    assert events[-1][1] == state, f"case {pk} is {state}, its last event says {events[-1]}"
    assert len(events) == transitions, (pk, events, transitions)
    assert events[0] == ("", State.SUBMITTED), f"case {pk} began with {events[0]}"
    for before, after in zip(events, events[1:], strict=False):
        assert after[0] == before[1], f"case {pk}: {after} does not follow {before}"


def check_case_money_as_shown(case_pk: int, expected: Expectations) -> None:
    """The selector the case page shows agrees with the ledger rows (checked above)."""
    money = case_money(case=Case.objects.get(pk=case_pk))
    model = expected.of(case_pk)
    assert (money.committed, money.paid) == (model.committed, model.paid), (case_pk, money, model)
