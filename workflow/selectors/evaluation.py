"""The figures of the two-year evaluation (SPEC §9), as one dict with the JSON keys of §9.

How the period is read (SPEC §9 leaves it open; written down here so the PDF, the JSON and
the tests agree):

- The period chooses the budget years: those of the programme whose calendar year overlaps
  ``period_from``–``period_to``.
- Events are counted in year Y when their date (Oslo time) lies in Y *and* in the period:
  submissions, the board's approvals, final refusals and dismissals, withdrawals and declines,
  lapses and cancellations, and the decisions the median is taken over.  For a period of
  whole calendar years this is simply "in Y".
- Money and jobs are as they stand when the evaluation is made: a budget year's ledger holds
  every entry charged to it (a payment counts for the year of its commitment whenever it is
  paid, SPEC §9), and jobs are those "reported so far".  A stored evaluation keeps the figures
  of the moment it was made.

Definitions chosen where §9 has more than one reading:

- ``approved``: cases whose approval decision (the board's grant) is dated in Y.
- ``rejected``/``dismissed``: cases whose latest decision other than a deferral is a refusal or
  a dismissal, counted in the year of that decision.  A case approved after an appeal is not
  refused; a refusal under appeal still counts until it is reconsidered.
- ``median_days_to_decision``: days from submission to the case's *first* decision (the board's
  approval or refusal, or the dismissal; deferrals are not decisions), over the cases whose first
  decision lies in Y; each case counts once, however many times it is decided after appeals.
- ``approval_rate``: approved / (approved + rejected + dismissed) of the same year, or ``None``.

Numbers stay ``Decimal`` inside (amounts in NOK with two places, jobs in FTE with one) so that
sums are exact; ``evaluation_jsonable``/``evaluation_json`` turn them into JSON numbers at the
edge (an integral value becomes an int, any other a float).

Queries: a fixed number (about a dozen), whatever the number of cases: the budget years, the
budget figures (``selectors.budget_figures``), the ledger grouped by budget year and by case, and
one read each of the cases, their decisions, their final-state events and their job reports.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from programme import clock
from programme.errors import RuleViolation
from programme.models import BudgetYear, FocusArea, Municipality, Programme
from workflow.models import Case, Decision, Evaluation, JobReport, LedgerEntry, State, TimelineEvent
from workflow.selectors import ZERO, _sum, budget_figures

JOBS_ZERO = Decimal("0.0")
NOT_CARRIED_OUT = (State.LAPSED, State.CANCELLED, State.DECLINED)
WITHDRAWN_STATES = (State.WITHDRAWN, State.DECLINED)
LAPSED_STATES = (State.LAPSED, State.CANCELLED)
MONEY_KEYS = ("budget_frame", "committed", "disbursed", "available", "held_back", "released")
COUNT_KEYS = ("applications_received", "approved", "rejected", "dismissed", "withdrawn", "lapsed")
JOB_KEYS = ("jobs_expected", "jobs_reported")
TARGET_KEYS = ("target_projects_min", "target_projects_max", "target_jobs")


@dataclass
class CaseFacts:
    """What the evaluation needs to know about one case, gathered from the bulk reads."""

    pk: int
    reference: str
    state: str
    company: str
    title: str
    focus_area_id: int | None
    municipality_id: int
    submitted_on: date
    jobs_expected: Decimal
    granted: Decimal | None = None
    budget_year: int | None = None
    approved_on: date | None = None
    first_decision_on: date | None = None
    final_refusal: tuple[str, date] | None = None
    withdrawn_on: date | None = None
    lapsed_on: date | None = None
    jobs_reported: Decimal | None = None
    paid: Decimal = ZERO
    released: Decimal = ZERO

    @property
    def carried_out(self) -> bool:
        """Granted and not lapsed, cancelled or declined: its jobs count (SPEC §9)."""
        return self.approved_on is not None and self.state not in NOT_CARRIED_OUT

    @property
    def days_to_decision(self) -> int | None:
        if self.first_decision_on is None:
            return None
        return (self.first_decision_on - self.submitted_on).days


def _day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _case_facts(programme: Programme, period_to: date) -> dict[int, CaseFacts]:
    """Every case of the programme submitted by the period's end, in six queries."""
    rows = (
        Case.objects.filter(programme=programme, submitted_at__date__lte=period_to)
        .values(
            "pk",
            "reference",
            "state",
            "submitted_at",
            "municipality_id",
            "application__company__name",
            "application__title",
            "application__focus_area_id",
            "application__new_jobs_expected",
            "offer__amount",
            "offer__budget_year__year",
        )
        .order_by("submitted_at", "pk")
    )
    cases = {
        row["pk"]: CaseFacts(
            pk=row["pk"],
            reference=row["reference"],
            state=row["state"],
            company=row["application__company__name"],
            title=row["application__title"],
            focus_area_id=row["application__focus_area_id"],
            municipality_id=row["municipality_id"],
            submitted_on=timezone.localdate(row["submitted_at"]),
            jobs_expected=row["application__new_jobs_expected"] or JOBS_ZERO,
            granted=row["offer__amount"],
            budget_year=row["offer__budget_year__year"],
        )
        for row in rows
    }
    of_programme = {"case__programme": programme}

    decisions = (
        Decision.objects.filter(**of_programme)
        .exclude(outcome=Decision.Outcome.DEFER)
        .order_by("decided_at", "pk")
        .values_list("case_id", "outcome", "decided_at")
    )
    for case_id, outcome, decided_at in decisions:
        facts = cases.get(case_id)
        if facts is None:
            continue
        day = _day(decided_at)
        if facts.first_decision_on is None:
            facts.first_decision_on = day
        if outcome == Decision.Outcome.APPROVE:
            facts.approved_on = facts.approved_on or day
            facts.final_refusal = None
        else:  # reject or dismiss; in date order, so the last one stays
            facts.final_refusal = (outcome, day)

    events = (
        TimelineEvent.objects.filter(
            **of_programme, kind=TimelineEvent.Kind.TRANSITION, to_state__in=[*WITHDRAWN_STATES, *LAPSED_STATES]
        )
        .order_by("created_at", "pk")
        .values_list("case_id", "to_state", "created_at")
    )
    for case_id, to_state, created_at in events:
        facts = cases.get(case_id)
        if facts is None:
            continue
        if to_state in WITHDRAWN_STATES:
            facts.withdrawn_on = _day(created_at)
        else:
            facts.lapsed_on = _day(created_at)

    ledger = (
        LedgerEntry.objects.filter(**of_programme)
        .values("case_id")
        .annotate(release=_sum("release"), disburse=_sum("disburse"), reclaim=_sum("reclaim"))
        .order_by()
    )
    for row in ledger:
        facts = cases.get(row["case_id"])
        if facts is not None:
            facts.paid = row["disburse"] - row["reclaim"]
            facts.released = row["release"]

    reports = JobReport.objects.filter(**of_programme).order_by("reported_on", "pk").values_list("case_id", "new_jobs")
    for case_id, new_jobs in reports:  # in date order, so the latest report stays
        facts = cases.get(case_id)
        if facts is not None:
            facts.jobs_reported = new_jobs
    return cases


def _median(values: Iterable[int]) -> Decimal | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return Decimal(ordered[middle - 1] + ordered[middle]) / 2


def _rate(approved: int, refused: int) -> Decimal | None:
    decided = approved + refused
    if not decided:
        return None
    return (Decimal(approved) / decided).quantize(Decimal("0.0001"))


def _flow(cases: list[CaseFacts], within: Callable[[date | None], bool]) -> dict[str, Any]:
    """The counts, jobs and median of SPEC §9 for the cases' events that fall ``within``."""
    granted = [c for c in cases if within(c.approved_on)]
    carried_out = [c for c in granted if c.carried_out]
    refused = {outcome: 0 for outcome in (Decision.Outcome.REJECT, Decision.Outcome.DISMISS)}
    for case in cases:
        if case.final_refusal is not None and within(case.final_refusal[1]):
            refused[case.final_refusal[0]] += 1
    return {
        "applications_received": sum(1 for c in cases if within(c.submitted_on)),
        "approved": len(granted),
        "rejected": refused[Decision.Outcome.REJECT],
        "dismissed": refused[Decision.Outcome.DISMISS],
        "withdrawn": sum(1 for c in cases if within(c.withdrawn_on)),
        "lapsed": sum(1 for c in cases if within(c.lapsed_on)),
        "granted": sum((c.granted or ZERO for c in granted), ZERO),
        "jobs_expected": sum((c.jobs_expected for c in carried_out), JOBS_ZERO),
        "jobs_reported": sum((c.jobs_reported or JOBS_ZERO for c in carried_out), JOBS_ZERO),
        "median_days_to_decision": _median(
            c.days_to_decision for c in cases if within(c.first_decision_on) and c.days_to_decision is not None
        ),
    }


def _breakdown(
    cases: list[CaseFacts],
    within: Callable[[date | None], bool],
    groups: list[tuple[int | None, str, str]],
    key: Callable[[CaseFacts], int | None],
) -> list[dict[str, Any]]:
    """Per focus area or municipality: cases received and granted, amounts, jobs."""
    rows = []
    for pk, code, name in groups:
        mine = [c for c in cases if key(c) == pk]
        granted = [c for c in mine if within(c.approved_on)]
        carried_out = [c for c in granted if c.carried_out]
        rows.append(
            {
                "code": code,
                "name": name,
                "applications_received": sum(1 for c in mine if within(c.submitted_on)),
                "approved": len(granted),
                "granted": sum((c.granted or ZERO for c in granted), ZERO),
                "paid": sum((c.paid for c in granted), ZERO),
                "jobs_expected": sum((c.jobs_expected for c in carried_out), JOBS_ZERO),
                "jobs_reported": sum((c.jobs_reported or JOBS_ZERO for c in carried_out), JOBS_ZERO),
            }
        )
    return rows


def _groups(named: Iterable[tuple[int, str, str]], used: set[int | None], unnamed: str) -> list[tuple[Any, ...]]:
    """Every named group, zeros included, and a last one for cases outside them (no focus area)."""
    groups: list[tuple[Any, ...]] = list(named)
    if any(pk not in {g[0] for g in groups} for pk in used):
        groups.append((None, "", unnamed))
    return groups


def _within(period_from: date, period_to: date, year: int | None = None) -> Callable[[date | None], bool]:
    def check(day: date | None) -> bool:
        return day is not None and period_from <= day <= period_to and (year is None or day.year == year)

    return check


def evaluation_figures(*, programme: Programme, period_from: date, period_to: date) -> dict[str, Any]:
    """The evaluation's figures per budget year and in total, the distributions, and the table
    of every project granted in the period (see the module's docstring for the definitions)."""
    if period_from > period_to:
        raise RuleViolation(_("The period must end on or after the day it starts."), code="period")
    budget_years = list(
        BudgetYear.objects.filter(programme=programme, year__gte=period_from.year, year__lte=period_to.year).order_by(
            "year"
        )
    )
    money = budget_figures(budget_years=budget_years)
    released = dict(
        LedgerEntry.objects.filter(budget_year__in=budget_years)
        .values("budget_year_id")
        .annotate(release=_sum("release"))
        .order_by()
        .values_list("budget_year_id", "release")
    )
    facts = _case_facts(programme, period_to)
    cases = list(facts.values())
    focus_areas = _groups(
        FocusArea.objects.filter(programme=programme).order_by("name").values_list("pk", "code", "name"),
        {c.focus_area_id for c in cases},
        _("No focus area"),
    )
    municipalities = _groups(
        Municipality.objects.filter(programme=programme).order_by("name").values_list("pk", "number", "name"),
        {c.municipality_id for c in cases},
        _("Other"),
    )

    def distributions(within: Callable[[date | None], bool]) -> dict[str, list[dict[str, Any]]]:
        return {
            "by_focus_area": _breakdown(cases, within, focus_areas, lambda c: c.focus_area_id),
            "by_municipality": _breakdown(cases, within, municipalities, lambda c: c.municipality_id),
        }

    years = []
    for budget_year in budget_years:
        figures = money[budget_year.pk]
        within = _within(period_from, period_to, budget_year.year)
        flow = _flow(cases, within)
        years.append(
            {
                "year": budget_year.year,
                "budget_frame": figures.frame,
                "committed": figures.committed,
                "disbursed": figures.disbursed,
                "available": figures.available,
                "held_back": figures.held_back,
                "released": released.get(budget_year.pk, ZERO),
                **flow,
                "approval_rate": _rate(flow["approved"], flow["rejected"] + flow["dismissed"]),
                "target_projects_min": budget_year.target_projects_min,
                "target_projects_max": budget_year.target_projects_max,
                "target_jobs": budget_year.target_jobs,
                **distributions(within),
            }
        )

    whole = _within(period_from, period_to)
    totals: dict[str, Any] = {key: sum((y[key] for y in years), ZERO) for key in (*MONEY_KEYS, "granted")}
    totals |= {key: sum(y[key] for y in years) for key in (*COUNT_KEYS, *TARGET_KEYS)}
    totals |= {key: sum((y[key] for y in years), JOBS_ZERO) for key in JOB_KEYS}
    totals["median_days_to_decision"] = _flow(cases, whole)["median_days_to_decision"]
    totals["approval_rate"] = _rate(totals["approved"], totals["rejected"] + totals["dismissed"])
    totals |= distributions(whole)

    names = {pk: name for pk, _code, name in focus_areas}
    places = {pk: name for pk, _code, name in municipalities}
    projects = [
        {
            "reference": c.reference,
            "company": c.company,
            "title": c.title,
            "focus_area": names.get(c.focus_area_id, ""),
            "municipality": places.get(c.municipality_id, ""),
            "budget_year": c.budget_year,
            "approved_on": c.approved_on,
            "granted": c.granted or ZERO,
            "paid": c.paid,
            "released": c.released,
            "state": c.state,
            "jobs_expected": c.jobs_expected,
            "jobs_reported": c.jobs_reported or JOBS_ZERO,
            # Lapsed, cancelled and declined projects are listed, but their jobs do not count.
            "jobs_count": c.carried_out,
        }
        for c in sorted(cases, key=lambda c: (c.approved_on or date.min, c.reference))
        if whole(c.approved_on)
    ]
    return {
        "programme": {
            "code": programme.code,
            "name": programme.name,
            "owner_organisation": programme.owner_organisation,
            "start_date": programme.start_date,
        },
        "period": {"from": period_from, "to": period_to},
        "generated_at": timezone.localtime(clock.now()),
        "years": years,
        "totals": totals,
        "projects": projects,
    }


def _plain(value: Any) -> Any:
    """Decimal → int when whole, else float; dates as ISO 8601; lists and dicts all the way down."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def evaluation_jsonable(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures with JSON types only (for a JSONField or an API response)."""
    return _plain(figures)


def evaluation_json(figures: dict[str, Any]) -> str:
    """The figures as a JSON document (UTF-8 text, Norwegian letters as they are)."""
    return json.dumps(evaluation_jsonable(figures), ensure_ascii=False, indent=2)


def programme_evaluations(*, programme: Programme) -> QuerySet[Evaluation]:
    """The programme's evaluations, newest first, with who asked (one query; not the figures)."""
    return Evaluation.objects.filter(programme=programme).select_related("requested_by").defer("figures")
