"""``manage.py load_demo``: the seed report's trial (2017–2019), every case of it concluded, and
a present that lives on the day it is loaded.  The demo is loaded on the tests' day and again a
year later (and once more that day), in one transaction for the module (tests/demo.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django_fsm import has_transition_perm

from applications.models import Application, CompanyMember
from programme import clock
from programme.models import BudgetYear, Municipality, Programme, User
from tests.demo import kept_for_the_module, load, on_day
from workflow.models import (
    FINAL_STATES,
    Case,
    JobReport,
    LedgerEntry,
    Notification,
    Offer,
    Payment,
    State,
    TimelineEvent,
)
from workflow.selectors import budget_year_figures
from workflow.selectors.evaluation import evaluation_figures
from workflow.services.reminders import reminders_run

# One xdist worker runs the whole module, so the demo is loaded once (tests/demo.py).
pytestmark = pytest.mark.xdist_group(__name__)

APPS = ("programme", "applications", "workflow")
LOGINS = ("soker@demo.no", "radgiver@demo.no", "styre@demo.no", "admin@demo.no")
# The seed report's 2017 (Aktivitet 4.1): frame, grants, projects, jobs reported, jobs expected.
SEED_2017 = {
    "budget_frame": Decimal("5050000"),
    "granted": Decimal("3125000"),
    "approved": 11,
    "jobs_reported": Decimal("42"),
    "jobs_expected": Decimal("260"),
}
ACTIVE_DAYS = 120  # an open case was touched within this many days


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def is_open(case: Case, today: dt.date) -> bool:
    """Not in a final state; a refusal is concluded once its appeal deadline has passed."""
    if case.state in FINAL_STATES:
        return False
    if case.state in (State.REJECTED, State.DISMISSED):
        return today <= case.appeal_deadline()
    return True


def seed_figures_2017(programme: Programme) -> dict[str, Any]:
    [year] = evaluation_figures(programme=programme, period_from=dt.date(2017, 1, 1), period_to=dt.date(2017, 12, 31))[
        "years"
    ]
    return {key: year[key] for key in SEED_2017}


@dataclass
class Day:
    """What the demo looked like on the day it was loaded (read at once, before the next load)."""

    today: dt.date
    output: str
    states: dict[str, int]
    stale: list[tuple[str, str, dt.date]]  # open cases untouched for too long: reference, state, last day
    offers: list[tuple[str, dt.date, bool]]  # offers waiting: reference, accept by, the applicant may accept
    budget_frame: Decimal | None
    figures_2017: dict[str, Any]
    reminders: dict[str, int]
    reminded_in_trial: int  # reminders about cases of the trial (none: they are concluded)
    latest_event: dt.datetime
    latest_payment: dt.date
    next_meeting: tuple[dt.date, int] | None  # the next meeting's date and agenda length


def read_day(today: dt.date, output: str) -> Day:
    programme = Programme.objects.get(code="NUP")
    cases = Case.objects.filter(programme=programme).annotate(last=Max("events__created_at"))
    stale = [
        (case.reference, case.state, timezone.localdate(case.last))
        for case in cases
        if is_open(case, today) and timezone.localdate(case.last) < today - dt.timedelta(days=ACTIVE_DAYS)
    ]
    offers = []
    for case in cases.filter(state=State.APPROVED).select_related("offer", "application__company"):
        applicant = CompanyMember.objects.filter(company=case.application.company).first().user
        offers.append((case.reference, case.offer.accept_by, has_transition_perm(case.accept, applicant)))
    budget_year = BudgetYear.objects.filter(programme=programme, year=today.year).first()
    with transaction.atomic():  # the reminders due today, sent and taken back
        reminders = reminders_run(today=today)
        reminded_in_trial = Notification.objects.filter(case__submitted_at__year__lte=2019).count()
        transaction.set_rollback(True)
    meeting = programme.meetings.filter(date__gte=today).order_by("date").first()
    return Day(
        today=today,
        output=output,
        states={state: cases.filter(state=state).count() for state in State.values},
        stale=stale,
        offers=offers,
        budget_frame=budget_year_figures(budget_year=budget_year).frame if budget_year else None,
        figures_2017=seed_figures_2017(programme),
        reminders=reminders,
        reminded_in_trial=reminded_in_trial,
        latest_event=TimelineEvent.objects.aggregate(latest=Max("created_at"))["latest"],
        latest_payment=Payment.objects.aggregate(latest=Max("paid_on"))["latest"],
        next_meeting=(meeting.date, meeting.items.count()) if meeting else None,
    )


@pytest.fixture(scope="module")
def days(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo loaded on the tests' day, a year later, and again that later day."""
    first = clock.today()
    later = first + relativedelta(years=1)
    with kept_for_the_module(django_db_blocker):
        loaded = {}
        for name, day in (("first", first), ("later", later)):
            with on_day(day):
                loaded[name] = read_day(day, load())
        before = row_counts()
        with on_day(later):
            loaded["again"] = load()
        loaded["rows"] = (before, row_counts())
        yield loaded


@pytest.fixture
def demo(days: dict[str, Any], db: None) -> dict[str, Any]:
    return days


@pytest.fixture(params=["first", "later"])
def day(demo: dict[str, Any], request: pytest.FixtureRequest) -> Day:
    return demo[request.param]


@pytest.fixture
def year_2017(demo: dict[str, Any]) -> BudgetYear:
    return BudgetYear.objects.get(programme__code="NUP", year=2017)


# --- on each day it is loaded, the demo lives that day ------------------------------------------


def test_every_open_case_was_touched_within_the_last_120_days(day):
    assert sum(day.states.values()) > 30
    assert day.stale == []


def test_every_offer_waiting_for_acceptance_can_still_be_accepted(day):
    assert day.offers, "the demo has an offer to accept"
    for reference, accept_by, may_accept in day.offers:
        assert accept_by >= day.today, reference
        assert may_accept, reference


def test_the_current_year_has_a_budget_from_the_municipalities(day):
    assert day.budget_frame == Decimal("5050000")


def test_the_2017_figures_of_the_evaluation_are_the_seeds(day):
    assert day.figures_2017 == SEED_2017


def test_the_next_meeting_is_a_week_ahead_with_an_agenda(day):
    assert day.next_meeting == (day.today + dt.timedelta(days=7), 3)


def test_reminders_fall_due_on_the_day_and_no_offer_lapses(day):
    due = {rule for rule, sent in day.reminders.items() if sent}
    assert {
        "screening_overdue",
        "returned_not_completed",
        "offer_not_accepted",
        "final_report_due",
        "board_meeting",
    } <= due
    assert day.reminders["lapsed_not_accepted"] == day.reminders["lapsed_expired"] == 0
    assert day.reminded_in_trial == 0
    assert Programme.objects.get(code="NUP").reminders_active


def test_nothing_happened_after_the_day(day):
    assert timezone.localdate(day.latest_event) < day.today
    assert day.latest_payment < day.today


def test_every_state_of_the_case_has_a_demo_case(day):
    assert {state for state, n in day.states.items() if n} == set(State.values)


def test_a_year_later_the_present_is_told_afresh_and_the_history_kept(demo):
    first, later = demo["first"], demo["later"]
    assert "15 saker i dag" in first.output and "historikken 2017–2019 med 26 saker" in first.output
    assert "Historikken 2017–2019 er uendret; fjernet 15 saker" in later.output
    assert later.states == first.states
    # The budget years of the trial, and of the present: this year, and last year's no more
    # than the present needs.
    years = set(BudgetYear.objects.filter(programme__code="NUP").values_list("year", flat=True))
    assert {2017, 2018, 2019, later.today.year} <= years
    assert not years & set(range(2020, later.today.year - 1))


def test_loading_again_the_same_day_changes_no_row(demo):
    before, after = demo["rows"]
    assert after == before
    assert before["workflow.Case"] > 0 and before["workflow.LedgerEntry"] > 0
    assert "allerede lagt inn i dag" in demo["again"]


# --- the trial, as the seed report tells it -------------------------------------------------------


def test_the_2017_frame_is_5_050_000_from_the_four_participating_municipalities(year_2017):
    figures = budget_year_figures(budget_year=year_2017)

    assert figures.frame == Decimal("5050000")
    assert {c.municipality.name for c in year_2017.contributions.all()} == {
        "Gjøvik",
        "Østre Toten",
        "Vestre Toten",
        "Søndre Land",
    }
    assert (year_2017.target_projects_min, year_2017.target_projects_max, year_2017.target_jobs) == (15, 20, 45)


def test_eleven_2017_projects_were_granted_3_125_000_and_all_of_it_was_paid(year_2017):
    offers = Offer.objects.filter(budget_year=year_2017)

    assert offers.count() == 11
    assert offers.aggregate(total=Sum("amount"))["total"] == Decimal("3125000")
    commits = LedgerEntry.objects.filter(budget_year=year_2017, kind="commit").aggregate(total=Sum("amount"))
    assert commits["total"] == Decimal("3125000")
    figures = budget_year_figures(budget_year=year_2017)
    assert figures.committed == figures.disbursed == Decimal("3125000")
    assert {d.year for d in offers.values_list("decision__meeting__date", flat=True)} == {2017}


def test_the_2017_projects_reported_42_new_jobs_and_expect_260_and_are_closed(year_2017):
    cases = list(Case.objects.filter(offer__budget_year=year_2017))
    latest = [JobReport.objects.filter(case=case).order_by("-reported_on", "-pk").first() for case in cases]
    expected = Application.objects.filter(case__in=cases).aggregate(total=Sum("new_jobs_expected"))["total"]

    assert sum(report.new_jobs for report in latest) == Decimal("42")
    assert expected == Decimal("260")
    assert {case.state for case in cases} == {State.CLOSED}
    assert not LedgerEntry.objects.filter(budget_year=year_2017, kind="release").exists()


def test_every_case_of_the_trial_is_concluded(demo):
    trial = Case.objects.filter(submitted_at__year__lte=2019)
    assert trial.count() == 26
    assert not [case.reference for case in trial if is_open(case, demo["later"].today)]
    # A screening is last saved while the case was screened, not on the day of loading.
    for case in trial.exclude(screening=None).select_related("screening"):
        assert case.screening.updated_at.year <= 2019, case.reference


def test_nordre_land_is_in_the_region_but_does_not_take_part(demo):
    nordre_land = Municipality.objects.get(programme__code="NUP", name="Nordre Land")

    assert nordre_land.participating is False
    assert not nordre_land.contributions.exists()
    assert Municipality.objects.filter(programme__code="NUP", participating=True).count() == 4


def test_the_output_names_each_demo_login_and_the_2017_figures(demo):
    output = demo["first"].output
    for email in LOGINS:
        assert email in output
        assert User.objects.get(email=email).check_password("demo-Passord-2017")
    assert "demo-Passord-2017" in output
    assert "5\u00a0050\u00a0000\u00a0kr" in output and "3\u00a0125\u00a0000\u00a0kr" in output
    assert "42 nye arbeidsplasser" in output and "potensial 260" in output
    admin = User.objects.get(email="admin@demo.no")
    assert admin.is_staff and admin.is_superuser
    assert Programme.objects.get(code="NUP").owner_organisation == "Gjøvikregionen Utvikling (GR-U)"
