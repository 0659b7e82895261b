"""Board meetings and decisions: the agenda, approval under the budget lock, refusal,
deferral and appeal."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from programme import clock
from programme.dates import day_text
from programme.errors import RuleViolation
from programme.locking import de_minimis_key, lock_objects
from programme.models import BudgetYear, Programme
from programme.money import format_nok
from programme.permissions import is_admin_of, is_board_member_of
from workflow.models import AgendaItem, Appeal, BoardMeeting, Case, Decision, LedgerEntry, LegalBasis, Offer
from workflow.selectors import budget_year_figures, de_minimis_status
from workflow.services._core import (
    case_row,
    check_transition,
    fire,
    letter_requested,
    lock_case,
    record,
    required_text,
)

# A board plans its meetings a year ahead at most (its year plan); a date beyond is a typing
# mistake, not a meeting.
MEETING_HORIZON = relativedelta(years=1)


def meeting_date_check(*, programme: Programme, day: date) -> None:
    """A meeting is held while its programme runs: not before the programme's start date, and
    not more than a year ahead."""
    first, last = programme.start_date, clock.today() + MEETING_HORIZON
    if not first <= day <= last:
        raise RuleViolation(
            _("Give a meeting date from %(first)s, when the programme started, to %(last)s, a year from today.")
            % {"first": day_text(first), "last": day_text(last)},
            code="date",
        )


def meeting_create(
    *, programme: Programme, actor: Any, date: date, members: list[Any], title: str = "", location: str = ""
) -> BoardMeeting:
    """Create a board meeting with its members (board members of the programme)."""
    if not (is_admin_of(actor, programme.pk) or is_board_member_of(actor, programme.pk)):
        raise RuleViolation(_("Only the programme's administrators and board members create board meetings."))
    meeting_date_check(programme=programme, day=date)
    outsiders = [str(m) for m in members if not is_board_member_of(m, programme.pk)]
    if outsiders:
        raise RuleViolation(
            _("Not board members of this programme: %(people)s") % {"people": ", ".join(outsiders)}, code="members"
        )
    with transaction.atomic():
        meeting = BoardMeeting.objects.create(programme=programme, date=date, title=title, location=location)
        meeting.members.set(members)
    return meeting


def agenda_add(*, meeting: BoardMeeting, case: Case, actor: Any) -> AgendaItem:
    """Place a recommended (or appealed) case last on the meeting's agenda."""
    with transaction.atomic():
        # The meeting numbers its agenda; in the global order, the meeting before the case.
        meeting, case = lock_objects(meeting, case_row(case))
        if case.programme_id != meeting.programme_id:
            raise RuleViolation(_("The case belongs to another programme than the meeting."))
        if AgendaItem.objects.filter(meeting=meeting, case=case).exists():
            raise RuleViolation(_("The case is already on this meeting's agenda."))
        check_transition(case, "place_on_agenda", actor)
        refuse_submitted_after(case, meeting)
        last = meeting.items.aggregate(last=Max("position"))["last"] or 0
        item = AgendaItem.objects.create(meeting=meeting, case=case, position=last + 1)
        fire(
            case,
            "place_on_agenda",
            actor,
            data={
                "meeting_id": meeting.pk,
                "meeting_title": meeting.title,
                "meeting_date": meeting.date.isoformat(),
                "programme": case.programme.code,
            },
        )
    return item


def _require_meeting_staff(meeting: BoardMeeting, actor: Any, message: str) -> None:
    if not (is_admin_of(actor, meeting.programme_id) or is_board_member_of(actor, meeting.programme_id)):
        raise RuleViolation(message, code="not_allowed")


def meeting_members_set(*, meeting: BoardMeeting, actor: Any, members: list[Any]) -> BoardMeeting:
    """Choose the meeting's members: board members of its programme only."""
    _require_meeting_staff(
        meeting, actor, _("Only the programme's administrators and board members choose a meeting's members.")
    )
    outsiders = [str(m) for m in members if not is_board_member_of(m, meeting.programme_id)]
    if outsiders:
        raise RuleViolation(
            _("Not board members of this programme: %(people)s") % {"people": ", ".join(outsiders)}, code="members"
        )
    with transaction.atomic():
        [meeting] = lock_objects(meeting)
        meeting.members.set(members)
    return meeting


def agenda_add_cases(*, meeting: BoardMeeting, cases: list[Case], actor: Any) -> list[AgendaItem]:
    """Place several cases last on the agenda, in the order given: all of them or none."""
    if not cases:
        raise RuleViolation(_("Choose at least one case to place on the agenda."), code="cases")
    items = []
    with transaction.atomic():
        # The meeting and every chosen case at once, in the global order (cases by id, not in
        # the order chosen): two people adding overlapping cases take turns, never deadlock.
        # Each agenda_add below locks again what this transaction already holds.
        lock_objects(meeting, Case.objects.filter(pk__in=[case.pk for case in cases]))
        for case in cases:
            try:
                items.append(agenda_add(meeting=meeting, case=case, actor=actor))
            except RuleViolation as refusal:
                # Say which case was refused: none of the chosen cases is placed then.
                raise RuleViolation(f"{case.reference}: {refusal.message}", code=refusal.code) from refusal
    return items


def agenda_reorder(*, meeting: BoardMeeting, item: AgendaItem, actor: Any, direction: str) -> list[AgendaItem]:
    """Move an agenda item one place up or down; the positions are renumbered 1, 2, 3 …

    The meeting is locked, so that two people ordering the agenda at once take turns."""
    if direction not in ("up", "down"):
        raise RuleViolation(_("An agenda item moves up or down."), code="direction")
    _require_meeting_staff(meeting, actor, _("Only the programme's administrators and board members order the agenda."))
    with transaction.atomic():
        # The agenda's items are read under the meeting's lock, taken first.
        _meeting, items = lock_objects(meeting, AgendaItem.objects.filter(meeting=meeting))
        items.sort(key=lambda other: (other.position, other.pk))
        index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
        if index is None:
            raise RuleViolation(_("The case is not on this meeting's agenda."), code="item")
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
        changed = [other for position, other in enumerate(items, start=1) if other.position != position]
        for position, other in enumerate(items, start=1):
            other.position = position
        AgendaItem.objects.bulk_update(changed, ["position"])
    return items


def _meeting_of(case: Case) -> BoardMeeting:
    item = case.current_agenda_item()
    if item is None:
        raise RuleViolation(_("The case is not on any board meeting's agenda."))
    return item.meeting


def refuse_submitted_after(case: Case, meeting: BoardMeeting) -> None:
    """A meeting takes up only the cases it could have had before it: those submitted by its
    date (a meeting dated 2019 does not decide a case submitted in 2026)."""
    submitted_on = timezone.localdate(case.submitted_at)
    if submitted_on > meeting.date:
        raise RuleViolation(
            _(
                "%(reference)s was submitted on %(submitted)s, after the meeting of %(meeting)s: "
                "a board meeting takes up only cases submitted by the day of the meeting."
            )
            % {"reference": case.reference, "submitted": day_text(submitted_on), "meeting": day_text(meeting.date)},
            code="submitted_after_meeting",
        )


def _refuse_before_meeting(meeting: BoardMeeting) -> None:
    """The board's decisions are recorded at the meeting or after it (SPEC §6), never before."""
    if meeting.date > clock.today():
        raise RuleViolation(
            _("The meeting is on %(date)s: its decisions are recorded at the meeting or after it, not before.")
            % {"date": day_text(meeting.date)},
            code="meeting_ahead",
        )


def _refuse_undecidable(case: Case, meeting: BoardMeeting) -> None:
    """What approving and refusing check on the locked case: the meeting has been held, and the
    case was submitted by its date.  (Deferring checks only the first: it is also how a case
    placed on a meeting that cannot decide it comes off that agenda.)"""
    _refuse_before_meeting(meeting)
    refuse_submitted_after(case, meeting)


def _charged_budget_year(meeting: BoardMeeting) -> BudgetYear:
    """The budget year an approval at ``meeting`` is charged to (SPEC §5: the year of the
    meeting); refused when the programme has none for that year."""
    try:
        return BudgetYear.objects.get(programme_id=meeting.programme_id, year=meeting.date.year)
    except BudgetYear.DoesNotExist as missing:
        raise RuleViolation(
            _("The programme has no budget for %(year)s, the year of the meeting.") % {"year": meeting.date.year},
            code="no_budget",
        ) from missing


def _refuse_closed(budget_year: BudgetYear) -> None:
    if budget_year.closed:
        raise RuleViolation(
            _(
                "The budget for %(year)s is closed: a grant is charged to the budget of the meeting's year, "
                "and a closed year takes no new grants."
            )
            % {"year": budget_year.year},
            code="budget_closed",
        )


def _share(amount: Decimal, total_cost: Decimal) -> Decimal:
    return (amount * 100 / total_cost).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def decision_approve(
    *,
    case: Case,
    actor: Any,
    amount: Decimal,
    legal_basis: str,
    conditions: str = "",
    share_reason: str = "",
) -> Offer:
    """Tilsagn: grant ``amount``, commit it against the meeting year's budget, issue the offer.

    Refused when the amount breaks the support-share rule, the de minimis ceiling or the
    available budget.  The budget year is locked first, so two approvals at the same moment
    are counted one after the other.
    """
    amount = Decimal(amount)
    if not amount.is_finite() or amount <= 0:
        raise RuleViolation(_("Give the amount to grant."), code="amount")
    amount = amount.quantize(Decimal("0.01"))
    if legal_basis not in LegalBasis.values:
        raise RuleViolation(_("Choose the legal basis of the support."), code="legal_basis")
    # Refuse a wrong state or person before anything else, in the same words as elsewhere.
    check_transition(Case.objects.select_related("programme", "application").get(pk=case.pk), "approve", actor)
    # The budget year is locked before the case (the global order), so it is found first from
    # the meeting as read now, and checked again below once the case is locked.
    budget_year = _charged_budget_year(_meeting_of(Case.objects.get(pk=case.pk)))

    with transaction.atomic():
        # The company's de minimis key, the budget year and the case, in the global order.
        org_number = Case.objects.values_list("application__company__org_number", flat=True).get(pk=case.pk)
        budget_year, case = lock_objects(budget_year, case_row(case), advisory=[de_minimis_key(org_number)])
        check_transition(case, "approve", actor)
        meeting = _meeting_of(case)
        if meeting.date.year != budget_year.year:
            # Placed on another meeting between the two reads: charge the year of that one.
            raise RuleViolation(_("The case changed while it was being approved. Try again."), code="changed")
        _refuse_undecidable(case, meeting)
        _refuse_closed(budget_year)
        programme = case.programme
        application = case.application

        total_cost = application.total_cost()
        if total_cost <= 0:
            raise RuleViolation(_("The application has no costs to grant support against."), code="support_share")
        share = _share(amount, total_cost)
        # Compare exactly; the rounded share is only for people to read.
        if amount * 100 > total_cost * programme.support_share_ceiling:
            raise RuleViolation(
                _("%(amount)s is %(share)s %% of the costs; support may never exceed %(ceiling)s %%.")
                % {
                    "amount": format_nok(amount),
                    "share": number_format(share, 2),
                    "ceiling": number_format(programme.support_share_ceiling, 0),
                },
                code="support_share",
            )
        if amount * 100 > total_cost * programme.support_share_max and not share_reason.strip():
            raise RuleViolation(
                _(
                    "%(amount)s is %(share)s %% of the costs, above the programme's %(max)s %%; "
                    "give the reasons for the higher share."
                )
                % {
                    "amount": format_nok(amount),
                    "share": number_format(share, 2),
                    "max": number_format(programme.support_share_max, 0),
                },
                code="support_share",
            )

        today = clock.today()
        amount_eur = (amount / programme.eur_nok_rate).quantize(Decimal("0.01"))
        if legal_basis == LegalBasis.DE_MINIMIS:
            status = de_minimis_status(application=application, on=today, exclude_case=case)
            if status.used_eur + amount_eur > status.ceiling_eur:
                raise RuleViolation(
                    _(
                        "The grant of EUR %(grant)s would bring the company's de minimis support over "
                        "%(years)s years to EUR %(total)s, above the ceiling of EUR %(ceiling)s."
                    )
                    % {
                        "grant": amount_eur,
                        "years": programme.de_minimis_years,
                        "total": status.used_eur + amount_eur,
                        "ceiling": status.ceiling_eur,
                    },
                    code="de_minimis",
                )

        figures = budget_year_figures(budget_year=budget_year)
        if amount > figures.available:
            raise RuleViolation(
                _("%(amount)s does not fit the budget of %(year)s: only %(available)s is available.")
                % {"amount": format_nok(amount), "year": budget_year.year, "available": format_nok(figures.available)},
                code="budget",
            )

        decision = Decision.objects.create(
            case=case,
            meeting=meeting,
            outcome=Decision.Outcome.APPROVE,
            amount=amount,
            legal_basis=legal_basis,
            conditions=conditions,
            reasons=share_reason,
            decided_by=actor,
        )
        end = application.end_date or today
        offer = Offer.objects.create(
            case=case,
            decision=decision,
            budget_year=budget_year,
            amount=amount,
            support_share=share,
            holdback_amount=(amount * programme.holdback_share / 100).quantize(Decimal("0.01"), ROUND_HALF_UP),
            legal_basis=legal_basis,
            amount_eur=amount_eur,
            accept_by=today + relativedelta(days=programme.acceptance_days),
            final_report_due=end + relativedelta(days=programme.final_report_days),
            expires_on=end + relativedelta(months=programme.offer_expiry_months),
            public_register_required=amount_eur >= programme.public_register_threshold_eur,
        )
        LedgerEntry.objects.create(
            budget_year=budget_year, case=case, kind=LedgerEntry.Kind.COMMIT, amount=amount, created_by=actor
        )
        fire(case, "approve", actor, data={"amount": str(amount), "share": str(share), "offer_id": offer.pk})
        letter_requested(case, "offer")
    return offer


def decision_reject(*, case: Case, actor: Any, reasons: str) -> Decision:
    """Avslag: the board refuses, with reasons; the applicant may appeal within three weeks."""
    text = required_text(reasons, _("Give the reasons for the refusal."))
    with transaction.atomic():
        case = lock_case(case)
        check_transition(case, "reject", actor)
        meeting = _meeting_of(case)
        _refuse_undecidable(case, meeting)
        decision = Decision.objects.create(
            case=case, meeting=meeting, outcome=Decision.Outcome.REJECT, reasons=text, decided_by=actor
        )
        fire(case, "reject", actor, comment=text)
        letter_requested(case, "refusal")
    return decision


def decision_defer(*, case: Case, actor: Any, comment: str = "") -> Decision:
    """The board defers the case; it goes back to ``recommended`` for a later meeting."""
    with transaction.atomic():
        case = lock_case(case)
        check_transition(case, "defer", actor)
        meeting = _meeting_of(case)
        _refuse_before_meeting(meeting)
        decision = Decision.objects.create(
            case=case, meeting=meeting, outcome=Decision.Outcome.DEFER, reasons=comment, decided_by=actor
        )
        fire(case, "defer", actor, comment=comment)
    return decision


def case_appeal(*, case: Case, actor: Any, text: str) -> Appeal:
    """Klage: the applicant appeals a refusal or dismissal within the appeal deadline."""
    grounds = required_text(text, _("Give the grounds for the appeal."))
    with transaction.atomic():
        case = lock_case(case)
        check_transition(case, "appeal", actor)
        appeal = Appeal.objects.create(case=case, decision=case.latest_refusal(), text=grounds, filed_by=actor)
        fire(case, "appeal", actor, comment=grounds)
    return appeal


def public_register_mark(*, offer: Offer, actor: Any) -> Offer:
    """Mark an award as recorded in the Register for offentlig støtte."""
    with transaction.atomic():
        case, offer = lock_objects(case_row(offer.case_id), offer)
        if not is_admin_of(actor, case.programme_id):
            raise RuleViolation(_("Only the programme's administrators register awards."))
        if offer.public_register_done_at is not None:
            raise RuleViolation(_("The award is already marked as registered."))
        offer.public_register_done_at = clock.now()
        offer.save(update_fields=["public_register_done_at"])
        record(case=case, actor=actor, kind="note", action="offer.publicly_registered", data={"offer_id": offer.pk})
    return offer
