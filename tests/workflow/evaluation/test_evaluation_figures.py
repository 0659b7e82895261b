"""The figures of the two-year evaluation (SPEC §9): each key per budget year and in total,
checked against figures the test computes itself from the ledger rows, the decisions, the
timeline events and the job reports, over a story that runs across two budget years."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import Company
from programme import clock
from programme.errors import RuleViolation
from programme.models import BudgetYear, Contribution, FocusArea
from tests.factories import BudgetYearFactory, CompanyFactory, FocusAreaFactory, add_member
from tests.journey import STEPS, World, build_world, case_in
from workflow import services
from workflow.models import Case, Decision, JobReport, LedgerEntry, Offer, State, TimelineEvent
from workflow.selectors.evaluation import evaluation_figures, evaluation_json, evaluation_jsonable

OSLO = ZoneInfo("Europe/Oslo")
FROM, TO = dt.date(2023, 1, 1), dt.date(2024, 12, 31)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=OSLO)


def step(w: World, case: Case, *names: str) -> Case:
    for name in names:
        STEPS[name](w, Case.objects.get(pk=case.pk))
    return Case.objects.get(pk=case.pk)


@contextmanager
def applying_in(w: World, area: FocusArea) -> Iterator[None]:
    """The world's applications name ``area`` inside the block."""
    usual, w.focus_area = w.focus_area, area
    try:
        yield
    finally:
        w.focus_area = usual


def new_company(w: World, municipality=None) -> Company:
    """Another company of applicant B, so that no company meets the de minimis ceiling."""
    company = CompanyFactory(programme=w.programme, municipality=municipality or w.municipality_b)
    add_member(company, w.applicant_b)
    return company


@pytest.fixture
def story(db: None) -> World:
    """Cases in every state over 2023 and 2024, with decisions, appeals, payments, a reclaim
    and job reports falling in both years, and one case on each side of new year's night."""
    # The world's meeting is on 1 March 2023, the day its cases are submitted and decided (a
    # meeting takes up only the cases submitted by its date).
    with clock.travel_to(at(2023, 3, 1)):
        w = build_world(frame=Decimal("20000000"))
    BudgetYearFactory(
        programme=w.programme, year=2024, frame=Decimal("8000000"), target_projects_min=4, target_projects_max=6
    )
    BudgetYearFactory(programme=w.programme, year=2025, frame=Decimal("1000000"))  # outside the period
    ikt = FocusAreaFactory(programme=w.programme, code="ikt", name="IKT")
    w.cases = {}  # type: ignore[attr-defined]
    cases = w.cases  # type: ignore[attr-defined]

    with clock.travel_to(at(2023, 3, 1)):
        for state in (State.APPROVED, State.DECLINED, State.LAPSED, State.CANCELLED, State.DISMISSED):
            cases[f"{state}_23"] = case_in(w, state)
        with applying_in(w, ikt):
            for state in (State.WITHDRAWN, State.SUBMITTED, State.SCREENING, State.RETURNED, State.RECOMMENDED):
                cases[f"{state}_23"] = case_in(w, state)
            cases["appeal_lost"] = case_in(w, State.REJECTED, new_company(w))
        cases["on_agenda_23"] = case_in(w, State.ON_AGENDA, new_company(w))
        cases["closed_23"] = case_in(w, State.CLOSED, new_company(w), new_jobs_expected=Decimal("6.5"))
        cases["accepted_23"] = case_in(w, State.ACCEPTED, w.company_b, new_jobs_expected=Decimal("9"))
        cases["rejected_23"] = case_in(w, State.REJECTED, w.company_b)
        cases["appeal_won"] = case_in(w, State.REJECTED, new_company(w))
    with clock.travel_to(at(2023, 3, 10)):
        step(w, cases["appeal_won"], "appeal")
        step(w, cases["appeal_lost"], "appeal")
    with clock.travel_to(at(2023, 12, 31, 23, 30)):  # 22:30 UTC: still 2023 in Oslo
        cases["late_23"] = step(w, w.submitted_case(new_company(w)), "take", "recommend")
    with clock.travel_to(at(2024, 1, 1, 0, 30)):  # 23:30 UTC on 31 December: already 2024 in Oslo
        cases["early_24"] = w.submitted_case(new_company(w))

    w.meeting = services.meeting_create(
        programme=w.programme, actor=w.admin, date=dt.date(2024, 2, 20), members=[w.board_member]
    )
    with clock.travel_to(at(2024, 2, 1)):
        # A 2023 grant paid in 2024, and money paid back: both count for 2023.
        cases["accepted_23"] = step(w, cases["accepted_23"], "final_report", "final_payment")
        services.payment_reclaim(case=cases["accepted_23"], actor=w.admin, amount=50000, reason="For mye utbetalt.")
    with clock.travel_to(at(2024, 2, 20)):
        cases["appeal_won"] = step(w, cases["appeal_won"], "agenda", "approve")
        cases["appeal_lost"] = step(w, cases["appeal_lost"], "agenda", "reject")
        cases["late_23"] = step(w, cases["late_23"], "agenda", "approve")
        with applying_in(w, ikt):
            cases["approved_24"] = case_in(w, State.APPROVED, new_company(w, w.municipality_a))
        cases["closed_24"] = case_in(w, State.CLOSED, new_company(w), new_jobs_expected=Decimal("3"))
        cases["dismissed_24"] = case_in(w, State.DISMISSED)
        cases["declined_24"] = case_in(w, State.DECLINED, new_company(w))
    with clock.travel_to(at(2024, 7, 1)):
        cases["withdrawn_24"] = case_in(w, State.WITHDRAWN, w.company_b)
    return w


# --- the figures, computed here from the rows themselves -----------------------------------


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, OSLO).date()


def inside(day: dt.date | None, year: int | None, start: dt.date = FROM, end: dt.date = TO) -> bool:
    return day is not None and start <= day <= end and (year is None or day.year == year)


def expected_figures(w: World, year: int | None, start: dt.date = FROM, end: dt.date = TO) -> dict:
    """SPEC §9 for budget year ``year`` (``None``: the whole period), from the rows."""
    cases = list(Case.objects.filter(programme=w.programme).select_related("application"))
    decisions: dict[int, list[Decision]] = {}
    for decision in Decision.objects.filter(case__programme=w.programme).order_by("decided_at", "pk"):
        if decision.outcome != Decision.Outcome.DEFER:
            decisions.setdefault(decision.case_id, []).append(decision)
    events = list(TimelineEvent.objects.filter(case__programme=w.programme, kind="transition"))

    def when(decision: Decision) -> dt.date:
        return local_day(decision.decided_at)

    granted = [
        c
        for c in cases
        if any(d.outcome == "approve" and inside(when(d), year, start, end) for d in decisions.get(c.pk, []))
    ]
    carried_out = [c for c in granted if c.state not in ("lapsed", "cancelled", "declined")]
    final = {pk: ds[-1] for pk, ds in decisions.items()}
    first = {pk: ds[0] for pk, ds in decisions.items()}

    def latest_jobs(case: Case) -> Decimal:
        report = JobReport.objects.filter(case=case).order_by("-reported_on", "-pk").first()
        return report.new_jobs if report else Decimal(0)

    def moved_to(states: tuple[str, ...]) -> int:
        return len(
            {e.case_id for e in events if e.to_state in states and inside(local_day(e.created_at), year, start, end)}
        )

    days = [
        (when(first[c.pk]) - local_day(c.submitted_at)).days
        for c in cases
        if c.pk in first and inside(when(first[c.pk]), year, start, end)
    ]
    return {
        "applications_received": sum(1 for c in cases if inside(local_day(c.submitted_at), year, start, end)),
        "approved": len(granted),
        "rejected": sum(1 for d in final.values() if d.outcome == "reject" and inside(when(d), year, start, end)),
        "dismissed": sum(1 for d in final.values() if d.outcome == "dismiss" and inside(when(d), year, start, end)),
        "withdrawn": moved_to(("withdrawn", "declined")),
        "lapsed": moved_to(("lapsed", "cancelled")),
        "jobs_expected": sum((c.application.new_jobs_expected for c in carried_out), Decimal(0)),
        "jobs_reported": sum((latest_jobs(c) for c in carried_out), Decimal(0)),
        "median_days_to_decision": statistics.median(days) if days else None,
    }


def expected_money(w: World, year: int) -> dict:
    budget_year = BudgetYear.objects.get(programme=w.programme, year=year)
    total: dict[str, Decimal] = {
        "commit": Decimal(0),
        "release": Decimal(0),
        "disburse": Decimal(0),
        "reclaim": Decimal(0),
    }
    for entry in LedgerEntry.objects.filter(budget_year=budget_year):
        total[entry.kind] += entry.amount
    frame = sum((c.amount for c in Contribution.objects.filter(budget_year=budget_year)), Decimal(0))
    held_back = Decimal(0)
    for offer in Offer.objects.filter(budget_year=budget_year, case__state__in=("approved", "accepted", "reporting")):
        paid = sum(
            (e.amount if e.kind == "disburse" else -e.amount)
            for e in LedgerEntry.objects.filter(case=offer.case, kind__in=("disburse", "reclaim"))
        )
        held_back += max(Decimal(0), min(offer.holdback_amount, offer.amount - paid))
    return {
        "budget_frame": frame,
        "committed": total["commit"] - total["release"],
        "disbursed": total["disburse"] - total["reclaim"],
        "available": frame - (total["commit"] - total["release"]),
        "released": total["release"],
        "held_back": held_back,
        "target_projects_min": budget_year.target_projects_min,
        "target_projects_max": budget_year.target_projects_max,
        "target_jobs": budget_year.target_jobs,
    }


def pick(row: dict, keys) -> dict:
    return {key: row[key] for key in keys}


# --- the tests -----------------------------------------------------------------------------


def test_every_figure_per_year_and_in_total_equals_the_one_computed_from_the_rows(story):
    figures = evaluation_figures(programme=story.programme, period_from=FROM, period_to=TO)
    assert [y["year"] for y in figures["years"]] == [2023, 2024]  # not 2025: outside the period
    for row in figures["years"]:
        flow = expected_figures(story, row["year"])
        money = expected_money(story, row["year"])
        assert pick(row, flow) == flow, row["year"]
        assert pick(row, money) == money, row["year"]
    totals = figures["totals"]
    whole = expected_figures(story, None)
    assert pick(totals, whole) == whole  # the median over every case decided in the period
    summed = [key for key in (*whole, *expected_money(story, 2023)) if key != "median_days_to_decision"]
    for key in summed:
        assert totals[key] == sum(y[key] for y in figures["years"]), key


def test_the_story_gives_the_figures_a_reader_would_count_by_hand(story):
    """The same figures written out, so that a mistake shared by the selector and the test's own
    computation would still show."""
    figures = evaluation_figures(programme=story.programme, period_from=FROM, period_to=TO)
    y2023, y2024 = figures["years"]
    counts = ["applications_received", "approved", "rejected", "dismissed", "withdrawn", "lapsed"]
    assert pick(y2023, counts) == {
        # 16 cases on 1 March and the one submitted half an hour before midnight on 31 December.
        "applications_received": 17,
        # approved, declined, lapsed, cancelled, closed, accepted (the appeal won counts in 2024).
        "approved": 6,
        # rejected_23 only: the one appeal was won, the other was refused again in 2024.
        "rejected": 1,
        "dismissed": 1,
        "withdrawn": 2,  # withdrawn and declined
        "lapsed": 2,  # lapsed and cancelled
    }
    # approved (4) + closed (6.5) + accepted (9); declined, lapsed, cancelled do not count.
    assert y2023["jobs_expected"] == Decimal("19.5")
    assert y2023["jobs_reported"] == Decimal("3")  # the closed case reported 2, then 3
    # closed_23, and accepted_23 paid in 2024 on its 2023 grant, less what it paid back.
    assert y2023["disbursed"] == Decimal("750000")
    # Six grants of 400 000, of which declined, lapsed and cancelled were released.
    assert y2023["committed"] == Decimal("1200000") and y2023["released"] == Decimal("1200000")
    assert pick(y2024, counts) == {
        "applications_received": 6,  # early_24, approved_24, closed_24, dismissed_24, declined_24, withdrawn_24
        "approved": 5,  # appeal_won, late_23, approved_24, closed_24, declined_24
        "rejected": 1,  # appeal_lost, refused again
        "dismissed": 1,
        "withdrawn": 2,  # declined_24 and withdrawn_24
        "lapsed": 0,
    }
    assert y2024["jobs_expected"] == Decimal("15")  # 4 + 4 + 4 + 3; declined_24 does not count
    assert (y2023["target_projects_min"], y2023["target_projects_max"], y2023["target_jobs"]) == (15, 20, 45)
    assert (y2024["target_projects_min"], y2024["target_projects_max"]) == (4, 6)
    assert figures["totals"]["budget_frame"] == Decimal("28000000")


def test_the_distributions_share_out_the_cases_money_and_jobs(story):
    figures = evaluation_figures(programme=story.programme, period_from=FROM, period_to=TO)
    for row in [*figures["years"], figures["totals"]]:
        for key in ("by_focus_area", "by_municipality"):
            parts = row[key]
            assert sum(p["applications_received"] for p in parts) == row["applications_received"]
            assert sum(p["approved"] for p in parts) == row["approved"]
            assert sum((p["granted"] for p in parts), Decimal(0)) == row["granted"]
            assert sum((p["jobs_expected"] for p in parts), Decimal(0)) == row["jobs_expected"]
            assert sum((p["jobs_reported"] for p in parts), Decimal(0)) == row["jobs_reported"]
    by_area = {p["code"]: p for p in figures["totals"]["by_focus_area"]}
    assert by_area["ikt"]["approved"] == 1  # approved_24 (appeal_lost was refused)
    assert by_area["ikt"]["granted"] == Decimal("400000")
    assert by_area["ikt"]["applications_received"] == 7
    by_place = {p["name"]: p for p in figures["years"][0]["by_municipality"]}
    assert by_place["Gjøvik"]["approved"] == 4  # approved, declined, lapsed, cancelled (company A)

    # The table of every project granted in the period, with its money and state.
    granted = Decision.objects.filter(case__programme=story.programme, outcome="approve")
    assert {p["reference"] for p in figures["projects"]} == {d.case.reference for d in granted}
    accepted = next(p for p in figures["projects"] if p["reference"] == story.cases["accepted_23"].reference)
    assert (accepted["granted"], accepted["paid"], accepted["state"]) == (400000, 350000, State.COMPLETED)
    lapsed = next(p for p in figures["projects"] if p["reference"] == story.cases["lapsed_23"].reference)
    assert lapsed["released"] == Decimal("400000") and lapsed["jobs_count"] is False


def test_a_period_counts_events_on_its_first_and_last_day_and_none_outside(story):
    # 1 March 2023 to 30 June 2024: withdrawn_24 (1 July 2024) falls outside.
    start, end = dt.date(2023, 3, 1), dt.date(2024, 6, 30)
    figures = evaluation_figures(programme=story.programme, period_from=start, period_to=end)
    assert figures["years"][1]["withdrawn"] == 1  # declined_24 of 20 February only
    for row in figures["years"]:
        flow = expected_figures(story, row["year"], start, end)
        assert pick(row, flow) == flow
    # One day later, the period no longer holds the events of 1 March.
    later = evaluation_figures(programme=story.programme, period_from=dt.date(2023, 3, 2), period_to=end)
    assert later["years"][0]["applications_received"] == 1  # only the case of 31 December
    assert later["years"][0]["lapsed"] == 1  # the lapse of 31 March, not the cancellation of 1 March
    assert later["years"][0]["approved"] == 0

    # New year's night in Oslo time: 23:30 on 31 December is 2023, 00:30 on 1 January is 2024.
    only_2023 = evaluation_figures(programme=story.programme, period_from=FROM, period_to=dt.date(2023, 12, 31))
    assert [y["year"] for y in only_2023["years"]] == [2023]
    assert only_2023["years"][0]["applications_received"] == 17
    only_2024 = evaluation_figures(programme=story.programme, period_from=dt.date(2024, 1, 1), period_to=TO)
    assert only_2024["years"][0]["applications_received"] == 6
    assert story.cases["late_23"].reference in {p["reference"] for p in only_2024["projects"]}


def test_the_json_has_the_keys_of_the_spec_as_plain_numbers(story):
    figures = evaluation_figures(programme=story.programme, period_from=FROM, period_to=TO)
    data = json.loads(evaluation_json(figures))
    keys = {
        "budget_frame", "committed", "disbursed", "available", "applications_received", "approved", "rejected",
        "dismissed", "withdrawn", "lapsed", "jobs_expected", "jobs_reported", "target_projects_min",
        "target_projects_max", "target_jobs", "median_days_to_decision", "by_focus_area", "by_municipality",
    }  # fmt: skip
    for row in [*data["years"], data["totals"]]:
        assert keys <= set(row)
    assert data["years"][0]["jobs_expected"] == 19.5
    assert data["years"][0]["budget_frame"] == 20000000 and isinstance(data["years"][0]["budget_frame"], int)
    assert data["period"] == {"from": "2023-01-01", "to": "2024-12-31"}
    assert data["programme"]["code"] == "NUP"
    assert evaluation_jsonable(figures) == data


def test_a_period_that_ends_before_it_starts_is_refused(world):
    with pytest.raises(RuleViolation) as refused:
        evaluation_figures(programme=world.programme, period_from=TO, period_to=FROM)
    assert refused.value.code == "period"


def test_a_programme_without_cases_or_budget_years_gives_zeros(world):
    figures = evaluation_figures(programme=world.other_programme, period_from=FROM, period_to=TO)
    assert figures["years"] == [] and figures["projects"] == []
    assert figures["totals"]["approved"] == 0 and figures["totals"]["median_days_to_decision"] is None
    json.loads(evaluation_json(figures))


# --- a fixed number of queries -------------------------------------------------------------


def add_cases(w: World, count: int) -> None:
    """``count`` more cases in assorted states, each of a company of its own."""
    # Mostly cheap states, with a grant, a closed case (payments, job reports) and refusals among them.
    states = [State.CLOSED, State.SUBMITTED, State.DISMISSED, State.APPROVED, State.WITHDRAWN, State.SUBMITTED]
    states += [State.REJECTED, State.SUBMITTED, State.LAPSED, State.SUBMITTED]
    for n in range(count):
        case_in(w, states[n % len(states)], new_company(w, w.municipality_a if n % 2 else None))


def queries_for(w: World) -> int:
    today = clock.today()
    with CaptureQueriesContext(connection) as captured:
        figures = evaluation_figures(programme=w.programme, period_from=dt.date(today.year, 1, 1), period_to=today)
    assert figures["totals"]["applications_received"] == Case.objects.filter(programme=w.programme).count()
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_cases():
    w = build_world(frame=Decimal("100000000"))
    add_cases(w, 10)
    few = queries_for(w)
    add_cases(w, 190)
    assert queries_for(w) == few
    assert few <= 15
