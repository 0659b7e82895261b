"""Guards a clerk expects of the board (issue 17): a meeting is dated while its programme runs
and at most a year ahead; it takes up only cases submitted by its date (and is not offered the
others); its decisions are recorded at the meeting or after it; and an approval is charged to
the budget year of the meeting, refused when that year is absent or closed.  Each refusal
names its rule and changes nothing; the edge day is allowed.  Dates are built from the clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import unescape

import pytest
from dateutil.relativedelta import relativedelta
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programme import clock
from programme.errors import RuleViolation
from programme.models import BudgetYear
from tests.factories import BudgetYearFactory
from tests.journey import GRANT, World
from tests.workflow.staff.admin_support import literal
from tests.workflow.staff.board_support import approve_data, decision_path, meeting_path, nb, recommended_case
from workflow import services
from workflow.models import AgendaItem, BoardMeeting, Case, Decision, LedgerEntry, Offer, State, TimelineEvent
from workflow.selectors.board import agenda_candidates

DAY = dt.timedelta(days=1)


def snapshot(case: Case) -> tuple:
    """What a refused decision must leave as it was."""
    return (
        Case.objects.get(pk=case.pk).state,
        LedgerEntry.objects.count(),
        Decision.objects.count(),
        Offer.objects.count(),
        TimelineEvent.objects.filter(case=case).count(),
    )


def meeting_on(world: World, day: dt.date) -> BoardMeeting:
    return services.meeting_create(programme=world.programme, actor=world.admin, date=day, members=[world.board_member])


def budget_for(world: World, year: int) -> BudgetYear:
    """The programme's budget year ``year`` (the world has this year's; another is added)."""
    found = BudgetYear.objects.filter(programme=world.programme, year=year).first()
    return found or BudgetYearFactory(programme=world.programme, year=year, frame=Decimal("5000000"))


def placed_without_the_guard(meeting: BoardMeeting, case: Case) -> Case:
    """A case on a meeting's agenda as data from before the guard could have it."""
    AgendaItem.objects.create(meeting=meeting, case=case, position=1)
    Case.objects.filter(pk=case.pk).update(state=State.ON_AGENDA)
    return Case.objects.get(pk=case.pk)


# --- the meeting's date ----------------------------------------------------------------------


def test_a_meeting_may_be_dated_from_the_programmes_start_to_a_year_ahead(world: World) -> None:
    first = world.programme.start_date
    last = clock.today() + relativedelta(years=1)

    assert meeting_on(world, first).date == first
    assert meeting_on(world, last).date == last
    meetings = BoardMeeting.objects.count()
    for day in (first - DAY, last + DAY, dt.date(1900, 1, 1)):
        with pytest.raises(RuleViolation) as refused:
            meeting_on(world, day)
        assert refused.value.code == "date"
        assert "01.01.2017" in refused.value.message
    assert BoardMeeting.objects.count() == meetings


def test_a_mistyped_meeting_date_is_refused_at_the_field(world: World, client: Client) -> None:
    client.force_login(world.admin)
    meetings = BoardMeeting.objects.count()

    response = client.post(
        reverse("board:meetings", args=[world.programme.code]), {"date": "1900-03-14", "members": []}
    )

    assert response.status_code == 409
    html = unescape(response.content.decode())
    assert 'id="id_date_error"' in html and 'id="error-summary"' in html
    message = "Give a meeting date from %(first)s, when the programme started, to %(last)s, a year from today."
    assert literal(message) in html
    assert BoardMeeting.objects.count() == meetings


# --- a meeting takes up only the cases submitted by its date ---------------------------------


def test_a_case_submitted_after_the_meeting_is_neither_offered_nor_placed(world: World) -> None:
    case = recommended_case(world, GRANT)
    submitted_on = timezone.localdate(case.submitted_at)
    day_before = meeting_on(world, submitted_on - DAY)

    assert case not in agenda_candidates(meeting=day_before)
    with pytest.raises(RuleViolation) as refused:
        services.agenda_add(meeting=day_before, case=case, actor=world.admin)
    assert refused.value.code == "submitted_after_meeting"
    assert case.reference in refused.value.message
    assert submitted_on.strftime("%d.%m.%Y") in refused.value.message
    assert Case.objects.get(pk=case.pk).state == State.RECOMMENDED
    assert not AgendaItem.objects.filter(case=case).exists()

    # The edge: a meeting on the day the case was submitted takes it up.
    same_day = meeting_on(world, submitted_on)
    assert case in agenda_candidates(meeting=same_day)
    services.agenda_add(meeting=same_day, case=case, actor=world.admin)
    assert Case.objects.get(pk=case.pk).state == State.ON_AGENDA


def test_the_agenda_page_does_not_offer_a_case_submitted_after_the_meeting(world: World, client: Client) -> None:
    case = recommended_case(world, GRANT)
    day_before = meeting_on(world, timezone.localdate(case.submitted_at) - DAY)
    client.force_login(world.admin)

    before = client.get(meeting_path(day_before)).content.decode()
    same_day = client.get(meeting_path(world.meeting)).content.decode()

    assert case.reference not in before
    assert case.reference in same_day


def test_a_case_placed_before_the_guard_is_not_decided_at_that_meeting_but_may_be_deferred(world: World) -> None:
    case = recommended_case(world, GRANT)
    day_before = meeting_on(world, timezone.localdate(case.submitted_at) - DAY)
    budget_for(world, day_before.date.year)
    case = placed_without_the_guard(day_before, case)
    before = snapshot(case)

    for decide in (
        lambda: services.decision_approve(case=case, actor=world.board_member, amount=GRANT, legal_basis="de_minimis"),
        lambda: services.decision_reject(case=case, actor=world.board_member, reasons="Svak forankring."),
    ):
        with pytest.raises(RuleViolation) as refused:
            decide()
        assert refused.value.code == "submitted_after_meeting"
        assert snapshot(case) == before

    # Deferring takes it off that agenda, back to a later meeting.
    services.decision_defer(case=case, actor=world.board_member, comment="Feil møte.")
    assert Case.objects.get(pk=case.pk).state == State.RECOMMENDED


# --- decisions are recorded at the meeting or after it ---------------------------------------


def test_a_meeting_ahead_decides_nothing_until_its_day(world: World, client: Client) -> None:
    case = recommended_case(world, GRANT)
    tomorrow = meeting_on(world, clock.today() + DAY)
    services.agenda_add(meeting=tomorrow, case=case, actor=world.admin)
    budget_for(world, tomorrow.date.year)
    case = Case.objects.get(pk=case.pk)
    before = snapshot(case)

    for decide in (
        lambda: services.decision_approve(case=case, actor=world.board_member, amount=GRANT, legal_basis="de_minimis"),
        lambda: services.decision_reject(case=case, actor=world.board_member, reasons="Svak forankring."),
        lambda: services.decision_defer(case=case, actor=world.board_member),
    ):
        with pytest.raises(RuleViolation) as refused:
            decide()
        assert refused.value.code == "meeting_ahead"
        assert tomorrow.date.strftime("%d.%m.%Y") in refused.value.message
        assert snapshot(case) == before

    # The page says when the forms open, and offers none; a decision posted anyway is refused.
    client.force_login(world.board_member)
    html = unescape(client.get(meeting_path(tomorrow)).content.decode())
    assert 'id="meeting-ahead"' in html
    assert decision_path(tomorrow, case, "approve") not in html
    response = client.post(decision_path(tomorrow, case, "approve"), approve_data(case, "400 000"))
    assert response.status_code == 409
    message = "The meeting is on %(date)s: its decisions are recorded at the meeting or after it, not before."
    assert literal(message) in unescape(response.content.decode())
    assert snapshot(case) == before

    # On the meeting's day the board decides.
    with clock.travel_to(timezone.make_aware(dt.datetime.combine(tomorrow.date, dt.time(14)))):
        offer = services.decision_approve(case=case, actor=world.board_member, amount=GRANT, legal_basis="de_minimis")
    assert offer.budget_year.year == tomorrow.date.year
    assert Case.objects.get(pk=case.pk).state == State.APPROVED


# --- the budget year charged -----------------------------------------------------------------


def test_an_approval_is_refused_when_the_meetings_year_has_no_budget(world: World) -> None:
    case = recommended_case(world, GRANT)
    services.agenda_add(meeting=world.meeting, case=case, actor=world.admin)
    BudgetYear.objects.filter(pk=world.budget_year.pk).delete()  # no grant charges it yet
    case = Case.objects.get(pk=case.pk)
    before = snapshot(case)

    with pytest.raises(RuleViolation) as refused:
        services.decision_approve(case=case, actor=world.board_member, amount=GRANT, legal_basis="de_minimis")

    assert refused.value.code == "no_budget"
    assert str(world.meeting.date.year) in refused.value.message
    assert snapshot(case) == before


def test_a_closed_budget_year_takes_no_new_grant(world: World, client: Client) -> None:
    case = recommended_case(world, GRANT)
    services.agenda_add(meeting=world.meeting, case=case, actor=world.admin)
    BudgetYear.objects.filter(pk=world.budget_year.pk).update(closed=True)
    case = Case.objects.get(pk=case.pk)
    before = snapshot(case)

    with pytest.raises(RuleViolation) as refused:
        services.decision_approve(case=case, actor=world.board_member, amount=GRANT, legal_basis="de_minimis")
    assert refused.value.code == "budget_closed"
    assert str(world.budget_year.year) in refused.value.message
    assert snapshot(case) == before

    # The page warns, and a posted approval is refused at the amount, nothing changed.
    client.force_login(world.board_member)
    html = unescape(client.get(meeting_path(world.meeting)).content.decode())
    assert 'id="budget-closed"' in html
    response = client.post(decision_path(world.meeting, case, "approve"), approve_data(case, "400 000"))
    assert response.status_code == 409
    html = unescape(response.content.decode())
    assert f'id="id_approve-{case.pk}-amount_error"' in html
    assert literal("The budget for %(year)s is closed: a grant is charged to the budget of the meeting's year, "
                   "and a closed year takes no new grants.") in html  # fmt: skip
    assert snapshot(case) == before

    # Opened again, it takes the grant.
    BudgetYear.objects.filter(pk=world.budget_year.pk).update(closed=False)
    offer = services.decision_approve(case=case, actor=world.board_member, amount=GRANT, legal_basis="de_minimis")
    assert offer.budget_year == world.budget_year
    assert LedgerEntry.objects.get(case=case).kind == LedgerEntry.Kind.COMMIT


def test_a_closed_budget_year_still_lets_the_board_refuse(world: World) -> None:
    case = recommended_case(world, GRANT)
    services.agenda_add(meeting=world.meeting, case=case, actor=world.admin)
    BudgetYear.objects.filter(pk=world.budget_year.pk).update(closed=True)

    services.decision_reject(case=Case.objects.get(pk=case.pk), actor=world.board_member, reasons="Svak forankring.")

    assert Case.objects.get(pk=case.pk).state == State.REJECTED


def test_the_budget_page_says_a_year_is_closed(world: World, client: Client) -> None:
    client.force_login(world.admin)
    address = reverse("staff_admin:budget", args=[world.programme.code, world.budget_year.year])
    assert 'id="budget-closed"' not in client.get(address).content.decode()

    BudgetYear.objects.filter(pk=world.budget_year.pk).update(closed=True)

    html = client.get(address).content.decode()
    assert 'id="budget-closed"' in html
    assert nb("Budget years") in html
