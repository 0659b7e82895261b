"""Submission and screening: from a submitted application to the adviser's recommendation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.permissions import is_company_member
from applications.selectors import application_problems
from programme import clock
from programme.errors import RuleViolation
from programme.locking import lock_objects, one
from programme.models import Programme
from programme.money import format_nok
from programme.numbers import format_number
from workflow.models import Case, ConflictDeclaration, Decision, Recommendation, Screening, State, TimelineEvent
from workflow.permissions import is_case_adviser, is_case_staff, no_conflict
from workflow.services._core import (
    case_row,
    check_transition,
    fire,
    letter_requested,
    lock_case,
    record,
    refuse_declared_conflict,
    required_text,
)


def _refuse_problems(application: Application) -> None:
    problems = application_problems(application=application)
    if problems:
        raise RuleViolation(
            _("The application cannot be submitted yet: %(problems)s")
            % {"problems": " ".join(p.message for p in problems)},
            code="incomplete",
        )


def _next_reference(programme: Programme, year: int) -> str:
    # The programme row is locked by the caller, so two submissions never share a number.
    prefix = f"{programme.code}-{year}-"
    taken = Case.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    highest = max((int(ref.rsplit("-", 1)[1]) for ref in taken), default=0)
    return f"{prefix}{highest + 1:03d}"


def application_submit(*, application: Application, actor: Any) -> Case:
    """Submit a complete application: it becomes a case in ``submitted``."""
    if not is_company_member(actor, application.company):
        raise RuleViolation(_("Only the company's own people may submit its application."), code="not_allowed")
    if not actor.email_verified:
        # The case's letters and reminders go to this address; it must be known to work.
        raise RuleViolation(
            _("Confirm your e-mail address (follow the link we sent you) before you submit."), code="email"
        )
    returned = Case.objects.filter(application_id=application.pk).first()
    if returned is not None:
        # A returned application is a draft again; submitting it resubmits its case.
        return case_resubmit(case=returned, actor=actor)
    with transaction.atomic():
        # The programme's lock numbers the cases; the application's keeps the draft still.
        programme, application = lock_objects(one(Programme.objects.filter(pk=application.programme_id)), application)
        if application.status != Application.Status.DRAFT:
            raise RuleViolation(_("The application has already been submitted."), code="wrong_state")
        _refuse_problems(application)
        now = clock.now()
        case = Case.objects.create(
            programme=programme,
            application=application,
            reference=_next_reference(programme, timezone.localdate(now).year),
            municipality=application.company.municipality,
            submitted_at=now,
        )
        application.status = Application.Status.SUBMITTED
        application.submitted_at = now
        application.save(update_fields=["status", "submitted_at", "updated_at"])
        record(
            case=case,
            actor=actor,
            kind=TimelineEvent.Kind.TRANSITION,
            to_state=State.SUBMITTED,
            action="case.submitted",
        )
    return case


def case_take(*, case: Case, actor: Any) -> Case:
    """An adviser takes the case for screening."""
    with transaction.atomic():
        case = lock_case(case)
        fire(case, "take", actor)
        Screening.objects.get_or_create(case=case, defaults={"adviser": actor})
    return case


def case_return(*, case: Case, actor: Any, message: str) -> Case:
    """Return the application to the applicant for completion, saying what is missing."""
    text = required_text(message, _("Say what the applicant must complete."))
    with transaction.atomic():
        case = lock_case(case)
        fire(case, "return_for_completion", actor, comment=text)
        Application.objects.filter(pk=case.application_id).update(status=Application.Status.DRAFT)
    return case


def case_resubmit(*, case: Case, actor: Any, comment: str = "") -> Case:
    """The applicant submits the completed application again."""
    with transaction.atomic():
        case, application = lock_objects(case_row(case), one(Application.objects.filter(pk=case.application_id)))
        check_transition(case, "resubmit", actor)
        _refuse_problems(application)
        fire(case, "resubmit", actor, comment=comment)
        application.status = Application.Status.SUBMITTED
        application.save(update_fields=["status", "updated_at"])
    return case


def case_dismiss(*, case: Case, actor: Any, reasons: str) -> Case:
    """Avvisning: formally ineligible; the reasons go in the letter with the appeal rights."""
    text = required_text(reasons, _("Give the reasons for dismissing the application."))
    with transaction.atomic():
        case = lock_case(case)
        fire(case, "dismiss", actor, comment=text)
        Decision.objects.create(case=case, outcome=Decision.Outcome.DISMISS, reasons=text, decided_by=actor)
        letter_requested(case, "dismissal")
    return case


SCREENING_FIELDS = {
    "participating_municipality",
    "focus_area_fits",
    "beside_core_business",
    "support_share_ok",
    "de_minimis_ok",
    "innovation_norway_consulted",
    "innovation_norway_outcome",
    "notes",
}


def screening_save(*, case: Case, actor: Any, **checklist: Any) -> Screening:
    """Save the screening checklist and the coordination with Innovation Norway."""
    unknown = set(checklist) - SCREENING_FIELDS
    if unknown:
        raise RuleViolation(_("Unknown field: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        case = lock_case(case)
        if case.state != State.SCREENING:
            raise RuleViolation(_("Only a case in screening can have its checklist changed."), code="wrong_state")
        refuse_declared_conflict(case, actor)
        if not (is_case_adviser(actor, case) and no_conflict(actor, case)):
            raise RuleViolation(_("Only an adviser for the company's municipality may screen the case."))
        screening, _created = Screening.objects.get_or_create(case=case, defaults={"adviser": actor})
        for name, value in checklist.items():
            setattr(screening, name, value)
        screening.adviser = actor
        screening.save()
        record(case=case, actor=actor, kind=TimelineEvent.Kind.NOTE, action="screening.updated", staff_only=True)
    return screening


def recommendation_record(
    *,
    case: Case,
    actor: Any,
    outcome: str,
    assessment: str,
    amount: Decimal | None = None,
    conditions: str = "",
    reasons: str = "",
) -> Recommendation:
    """Innstilling: the adviser's assessment and recommendation; the case goes to the board."""
    text = required_text(assessment, _("Write the assessment."))
    if outcome not in Recommendation.Outcome.values:
        raise RuleViolation(_("Recommend either approval or rejection."))
    with transaction.atomic():
        case = lock_case(case)
        if case.state != State.SCREENING or not is_case_adviser(actor, case) or not no_conflict(actor, case):
            # The transition explains the state, role or conflict problem in its own words.
            check_transition(case, "recommend", actor)
        if outcome == Recommendation.Outcome.APPROVE:
            if amount is None or amount <= 0:
                raise RuleViolation(_("Give the amount you recommend."), code="amount")
            total_cost = case.application.total_cost()
            ceiling = case.programme.support_share_ceiling
            if amount * 100 > total_cost * ceiling:
                raise RuleViolation(
                    _("%(amount)s is more than %(ceiling)s %% of the costs, the ceiling of the support share.")
                    % {"amount": format_nok(amount), "ceiling": format_number(ceiling)},
                    code="support_share",
                )
        else:
            required_text(reasons, _("Give the reasons for recommending rejection."))
            amount = None
        recommendation = Recommendation.objects.create(
            case=case,
            adviser=actor,
            outcome=outcome,
            amount=amount,
            assessment=text,
            conditions=conditions,
            reasons=reasons,
        )
        fire(case, "recommend", actor, data={"outcome": recommendation.outcome})
    return recommendation


def case_reopen(*, case: Case, actor: Any, comment: str = "") -> Case:
    with transaction.atomic():
        case = lock_case(case)
        fire(case, "reopen", actor, comment=comment, staff_only=False)
    return case


def case_withdraw(*, case: Case, actor: Any, comment: str = "") -> Case:
    """The applicant withdraws the application."""
    with transaction.atomic():
        case = lock_case(case)
        fire(case, "withdraw", actor, comment=comment)
    return case


def conflict_declare(*, case: Case, actor: Any, reason: str) -> ConflictDeclaration:
    """Inhabilitet: from now on the declarant cannot act on the case; the timeline shows it."""
    text = required_text(reason, _("Say why you are disqualified (forvaltningsloven § 6)."))
    with transaction.atomic():
        case = lock_case(case)
        if not is_case_staff(actor, case):
            raise RuleViolation(_("Only the programme's staff declare conflicts of interest on a case."))
        if case.conflicts.filter(user=actor).exists():
            raise RuleViolation(_("You have already declared a conflict of interest in this case."))
        declaration = ConflictDeclaration.objects.create(case=case, user=actor, reason=text)
        record(
            case=case,
            actor=actor,
            kind=TimelineEvent.Kind.CONFLICT,
            action="conflict.declared",
            data={"person": str(actor)},
        )
    return declaration


def case_note_add(*, case: Case, actor: Any, text: str, staff_only: bool = True) -> TimelineEvent:
    """An internal note (staff only by default) on the case's timeline."""
    body = required_text(text, _("Write the note."))
    with transaction.atomic():
        case = lock_case(case)
        if not is_case_staff(actor, case):
            raise RuleViolation(_("Only the programme's staff write notes on a case."))
        refuse_declared_conflict(case, actor)
        return record(
            case=case,
            actor=actor,
            kind=TimelineEvent.Kind.NOTE,
            action="note.added",
            comment=body,
            staff_only=staff_only,
        )
