"""The table of SPEC §4's transitions that test_transitions.py and test_transition_deadlines.py
are generated from, and what arranging, firing and refusing a transition needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.db.models import Count, Sum
from django.utils import timezone, translation

from applications.models import Application
from programme import clock
from programme.errors import RuleViolation
from tests.journey import GRANT, PATHS, World, case_in
from workflow import services
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

# --- the people, by the name ``World.people()`` gives them ----------------------------------

# How a test id names each person, seen from a case of company_a in municipality_a on the
# agenda of world.meeting.
WHO = {
    "system": "the_system",
    "applicant_a": "the_applicant",
    "applicant_b": "an_applicant_of_another_company",
    "adviser_a": "the_adviser_of_the_municipality",
    "adviser_b": "an_adviser_of_another_municipality",
    "board_member": "a_member_of_the_board_meeting",
    "board_member_2": "another_member_of_the_board_meeting",
    "other_board_member": "a_board_member_of_another_programme",
    "admin": "the_administrator",
    "other_admin": "an_administrator_of_another_programme",
}
# Everyone in World.people(): the actors every refusal is tried with.
EVERYONE = tuple(name for name in WHO if name != "board_member_2")
STAFF = {"adviser_a", "board_member", "board_member_2", "admin"}


def person(world: World, name: str) -> Any:
    people = world.people()
    return people[name] if name in people else getattr(world, name)


# --- what each transition needs ------------------------------------------------------------


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def late_on(day: dt.date) -> dt.datetime:
    """One minute before midnight in Oslo: still ``day`` for every deadline."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def early_on(day: dt.date) -> dt.datetime:
    """One minute past midnight in Oslo."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 1)))


def ensure_free_meeting(world: World, case: Case) -> None:
    """A meeting of world.meeting's members that the case is not on yet (agenda_add refuses
    a case twice on one meeting, e.g. after a deferral or an appeal)."""
    if AgendaItem.objects.filter(meeting=world.meeting, case=case).exists():
        services.meeting_create(
            programme=world.programme,
            actor=world.admin,
            date=clock.today(),
            members=[world.board_member, world.board_member_2],
            title="Nytt styremøte",
        )


def free_meeting(world: World, case: Case) -> BoardMeeting:
    return BoardMeeting.objects.filter(programme=world.programme).exclude(items__case=case).latest("pk")


def lapse_moment(case: Case) -> dt.datetime:
    """Early on the first day the offer may lapse (after accept_by, or after expires_on)."""
    offer = Offer.objects.filter(case=case).first()
    if offer is None:
        return early_on(clock.today() + dt.timedelta(days=1))
    last_day = offer.accept_by if case.state == State.APPROVED else offer.expires_on
    return early_on(last_day + dt.timedelta(days=1))


def act_lapse(w: World, c: Case, a: Any) -> Any:
    with clock.travel_to(lapse_moment(c)):
        return services.case_lapse(case=c, actor=a)


def after_the_follow_up(case: Case) -> dt.datetime:
    """Early on a day when the job follow-up of a completed case is surely over (a month after
    the last report was asked for); for a case not completed, tomorrow."""
    completion = (
        TimelineEvent.objects.filter(case=case, kind=TimelineEvent.Kind.TRANSITION, to_state=State.COMPLETED)
        .order_by("-pk")
        .first()
    )
    if completion is None:
        return early_on(clock.today() + dt.timedelta(days=1))
    months = max(case.programme.job_followup_months) + 1
    return early_on(timezone.localdate(completion.created_at) + relativedelta(months=months))


def act_close(w: World, c: Case, a: Any) -> Any:
    with clock.travel_to(after_the_follow_up(c)):
        return services.case_close(case=c, actor=a)


def file_first_job_report(w: World, c: Case) -> None:
    """Before the last job report, the one at 12 months (only a completed case takes it)."""
    if c.state == State.COMPLETED:
        services.job_report_file(case=c, actor=w.applicant_a, new_jobs=2, period_months=12)


Act = Callable[[World, Case, Any], Any]


@dataclass(frozen=True)
class Transition:
    name: str
    # The Case method that the service fires.
    method: str
    act: Act
    # Where it may start: a state of PATHS, or a state reached another way (VARIANTS).
    sources: tuple[str, ...]
    target: str
    # Who may fire it on a case of company_a (names of World.people(), or board_member_2).
    actors: frozenset[str]
    # What the refusal of anyone else must mention (in English).
    rule_words: str
    # Done before the snapshot, in any state.
    prepare: Callable[[World, Case], Any] | None = None
    # The timeline names the system, not the person whose act set it off.
    recorded_as_system: bool = False

    @property
    def source_states(self) -> set[str]:
        return {STATE_OF[source] for source in self.sources}


S = State
TRANSITIONS_LIST = [
    Transition(
        name="take",
        method="take",
        act=lambda w, c, a: services.case_take(case=c, actor=a),
        sources=(S.SUBMITTED, "submitted_again"),
        target=S.SCREENING,
        actors=frozenset({"adviser_a"}),
        rule_words="take the case for screening",
    ),
    Transition(
        name="return_for_completion",
        method="return_for_completion",
        act=lambda w, c, a: services.case_return(case=c, actor=a, message="Legg ved budsjett."),
        sources=(S.SCREENING, "screening_reopened"),
        target=S.RETURNED,
        actors=frozenset({"adviser_a"}),
        rule_words="return the application for completion",
    ),
    Transition(
        name="resubmit",
        method="resubmit",
        act=lambda w, c, a: services.case_resubmit(case=c, actor=a),
        sources=(S.RETURNED,),
        target=S.SUBMITTED,
        actors=frozenset({"applicant_a"}),
        rule_words="submit the application again",
    ),
    Transition(
        name="dismiss",
        method="dismiss",
        act=lambda w, c, a: services.case_dismiss(case=c, actor=a, reasons="Utenfor formålet."),
        sources=(S.SCREENING, "screening_reopened"),
        target=S.DISMISSED,
        actors=frozenset({"adviser_a"}),
        rule_words="dismiss the application",
    ),
    Transition(
        name="recommend",
        method="recommend",
        act=lambda w, c, a: services.recommendation_record(
            case=c, actor=a, outcome="approve", amount=GRANT, assessment="Godt prosjekt."
        ),
        sources=(S.SCREENING, "screening_reopened"),
        target=S.RECOMMENDED,
        actors=frozenset({"adviser_a"}),
        rule_words="recommend the case",
    ),
    Transition(
        name="reopen",
        method="reopen",
        act=lambda w, c, a: services.case_reopen(case=c, actor=a, comment="Mangler vurdering av markedet."),
        sources=(S.RECOMMENDED, "recommended_after_deferral"),
        target=S.SCREENING,
        actors=frozenset({"adviser_a"}),
        rule_words="reopen the screening",
    ),
    Transition(
        name="withdraw",
        method="withdraw",
        act=lambda w, c, a: services.case_withdraw(case=c, actor=a),
        sources=(S.SUBMITTED, S.SCREENING, S.RETURNED, S.RECOMMENDED, "recommended_after_deferral"),
        target=S.WITHDRAWN,
        actors=frozenset({"applicant_a"}),
        rule_words="withdraw the application",
    ),
    Transition(
        name="place_on_agenda",
        method="place_on_agenda",
        act=lambda w, c, a: services.agenda_add(meeting=free_meeting(w, c), case=c, actor=a),
        sources=(S.RECOMMENDED, S.APPEALED, "recommended_after_deferral", "appealed_after_dismissal"),
        target=S.ON_AGENDA,
        actors=frozenset({"admin", "board_member", "board_member_2"}),
        rule_words="place the case on a board meeting",
        prepare=ensure_free_meeting,
    ),
    Transition(
        name="approve",
        method="approve",
        act=lambda w, c, a: services.decision_approve(case=c, actor=a, amount=GRANT, legal_basis="de_minimis"),
        sources=(S.ON_AGENDA, "on_agenda_after_appeal"),
        target=S.APPROVED,
        actors=frozenset({"board_member", "board_member_2"}),
        rule_words="approve the case",
    ),
    Transition(
        name="reject",
        method="reject",
        act=lambda w, c, a: services.decision_reject(case=c, actor=a, reasons="Svak forankring."),
        sources=(S.ON_AGENDA, "on_agenda_after_appeal"),
        target=S.REJECTED,
        actors=frozenset({"board_member", "board_member_2"}),
        rule_words="reject the case",
    ),
    Transition(
        name="defer",
        method="defer",
        act=lambda w, c, a: services.decision_defer(case=c, actor=a, comment="Trenger mer informasjon."),
        sources=(S.ON_AGENDA, "on_agenda_after_appeal"),
        target=S.RECOMMENDED,
        actors=frozenset({"board_member", "board_member_2"}),
        rule_words="defer the case",
    ),
    Transition(
        name="appeal",
        method="appeal",
        act=lambda w, c, a: services.case_appeal(case=c, actor=a, text="Vi er uenige."),
        sources=(S.REJECTED, S.DISMISSED),
        target=S.APPEALED,
        actors=frozenset({"applicant_a"}),
        rule_words="appeal the decision",
    ),
    Transition(
        name="accept",
        method="accept",
        act=lambda w, c, a: services.offer_accept(case=c, actor=a),
        sources=(S.APPROVED,),
        target=S.ACCEPTED,
        actors=frozenset({"applicant_a"}),
        rule_words="accept the offer",
    ),
    Transition(
        name="decline",
        method="decline",
        act=lambda w, c, a: services.offer_decline(case=c, actor=a),
        sources=(S.APPROVED,),
        target=S.DECLINED,
        actors=frozenset({"applicant_a"}),
        rule_words="decline the offer",
    ),
    Transition(
        name="lapse",
        method="lapse",
        act=act_lapse,
        sources=(S.APPROVED, S.ACCEPTED, "accepted_after_report_returned"),
        target=S.LAPSED,
        actors=frozenset({"system", "admin"}),
        rule_words="let the offer lapse",
    ),
    Transition(
        name="cancel",
        method="cancel",
        act=lambda w, c, a: services.case_cancel(case=c, actor=a, reason="Prosjektet ble ikke startet."),
        sources=(S.ACCEPTED, "accepted_after_report_returned"),
        target=S.CANCELLED,
        actors=frozenset({"admin"}),
        rule_words="cancel the offer",
    ),
    Transition(
        name="file_final_report",
        method="file_final_report",
        act=lambda w, c, a: services.final_report_file(
            case=c, actor=a, text="Prosjektet er gjennomført.", amount=GRANT, costs_to_date=900000
        ),
        sources=(S.ACCEPTED, "accepted_after_report_returned"),
        target=S.REPORTING,
        actors=frozenset({"applicant_a"}),
        rule_words="file the final report",
    ),
    Transition(
        name="return_report",
        method="return_report",
        act=lambda w, c, a: services.final_report_return(case=c, actor=a, message="Regnskapet mangler."),
        sources=(S.REPORTING,),
        target=S.ACCEPTED,
        actors=frozenset({"adviser_a", "admin"}),
        rule_words="return the final report",
    ),
    Transition(
        name="complete",
        method="complete",
        act=lambda w, c, a: services.payment_register(case=c, actor=a, amount=GRANT, is_final=True),
        sources=(S.REPORTING,),
        target=S.COMPLETED,
        actors=frozenset({"admin"}),
        rule_words="register payments",
    ),
    Transition(
        name="close",
        method="close",
        act=act_close,
        sources=(S.COMPLETED,),
        target=S.CLOSED,
        actors=frozenset({"system", "admin"}),
        rule_words="close the case",
    ),
    Transition(
        name="close_by_the_last_job_report",
        method="close",
        act=lambda w, c, a: services.job_report_file(case=c, actor=a, new_jobs=3, period_months=24),
        sources=(S.COMPLETED,),
        target=S.CLOSED,
        actors=frozenset({"applicant_a", "admin"}),
        rule_words="report jobs",
        prepare=file_first_job_report,
        recorded_as_system=True,
    ),
]
TRANSITIONS = {t.name: t for t in TRANSITIONS_LIST}

# States reached by another road than PATHS': (state, from the PATHS state, by transition, actor).
VARIANTS = {
    "submitted_again": (S.SUBMITTED, S.RETURNED, "resubmit", "applicant_a"),
    "screening_reopened": (S.SCREENING, S.RECOMMENDED, "reopen", "adviser_a"),
    "recommended_after_deferral": (S.RECOMMENDED, S.ON_AGENDA, "defer", "board_member"),
    "appealed_after_dismissal": (S.APPEALED, S.DISMISSED, "appeal", "applicant_a"),
    "on_agenda_after_appeal": (S.ON_AGENDA, S.APPEALED, "place_on_agenda", "admin"),
    "accepted_after_report_returned": (S.ACCEPTED, S.REPORTING, "return_report", "adviser_a"),
}
STATE_OF = {**{str(state): str(state) for state in PATHS}, **{name: v[0] for name, v in VARIANTS.items()}}


def case_at(world: World, source: str) -> Case:
    """A case of company_a in ``source``: a state of PATHS or one of VARIANTS."""
    if source not in VARIANTS:
        return case_in(world, source)
    state, base, by, actor = VARIANTS[source]
    case = case_in(world, base)
    if TRANSITIONS[by].prepare:
        TRANSITIONS[by].prepare(world, case)
    TRANSITIONS[by].act(world, fresh(case), person(world, actor))
    case = fresh(case)
    assert case.state == state, f"expected {state}, got {case.state}"
    return case


def arrange(world: World, transition: Transition, source: str) -> Case:
    case = case_at(world, source)
    if transition.prepare:
        transition.prepare(world, case)
    return fresh(case)


# --- what "nothing changed" means ------------------------------------------------------------


def snapshot(case: Case) -> dict[str, Any]:
    """Everything a refused action could have written, for the case and the whole database."""
    ledger = LedgerEntry.objects.aggregate(rows=Count("pk"), total=Sum("amount"))
    by_kind = LedgerEntry.objects.values("kind").annotate(total=Sum("amount")).order_by("kind")
    offer = Offer.objects.filter(case=case).values("accepted_at", "start_by").first()
    return {
        "state": Case.objects.values_list("state", flat=True).get(pk=case.pk),
        "application_status": Application.objects.values_list("status", flat=True).get(pk=case.application_id),
        "timeline_events": TimelineEvent.objects.count(),
        "ledger_entries": ledger["rows"],
        "ledger_sum": ledger["total"] or Decimal("0"),
        "ledger_by_kind": {row["kind"]: row["total"] for row in by_kind},
        "decisions": Decision.objects.count(),
        "offers": Offer.objects.count(),
        "offer_acceptance": offer,
        "payments": Payment.objects.count(),
        "payment_requests": sorted(PaymentRequest.objects.values_list("pk", "status")),
        "recommendations": Recommendation.objects.count(),
        "screenings": Screening.objects.count(),
        "agenda_items": AgendaItem.objects.count(),
        "appeals": Appeal.objects.count(),
        "final_reports": FinalReport.objects.count(),
        "job_reports": JobReport.objects.count(),
        "conflicts": ConflictDeclaration.objects.count(),
    }


def assert_refused(attempt: Callable[[], Any], case: Case, *, code: str, words: tuple[str, ...]) -> RuleViolation:
    """``attempt`` raises a RuleViolation of ``code`` whose (English) message has ``words``,
    and the database is as it was."""
    before = snapshot(case)
    with translation.override("en"), pytest.raises(RuleViolation) as refused:
        attempt()
    after = snapshot(case)
    error = refused.value
    message = str(error.message)
    assert message.strip(), "the refusal has no message"
    assert "%(" not in message and "%s" not in message, f"unformatted message: {message!r}"
    assert (error.code, [w for w in words if w not in message]) == (code, []), (
        f"refused with code {error.code!r}: {message!r}"
    )
    assert after == before, f"the refusal ({message!r}) changed the database"
    return error


def assert_fired(world: World, transition: Transition, case: Case, actor_name: str) -> None:
    """The transition moved the case and wrote one timeline event saying who, from and to."""
    actor = person(world, actor_name)
    source = case.state
    last_event = TimelineEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    transition.act(world, fresh(case), actor)

    assert fresh(case).state == transition.target
    events = TimelineEvent.objects.filter(case=case, kind=TimelineEvent.Kind.TRANSITION, pk__gt=last_event)
    recorded = None if transition.recorded_as_system else actor
    assert [(e.actor, e.from_state, e.to_state) for e in events] == [(recorded, source, transition.target)]


def state_label(state: str) -> str:
    with translation.override("en"):
        return str(State(state).label)
