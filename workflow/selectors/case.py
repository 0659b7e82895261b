"""The staff case page's reads: the application in full, the system's own reading beside each
screening check, the recommendation, decisions and money, the timeline with internal notes,
and what this person may do now.  A fixed number of queries, whatever the number of timeline
events, cost lines or attachments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import rules
from django.utils import timezone
from django_fsm import has_transition_perm

from applications.models import Attachment, CompanyMember, CostLine, FinancingLine, SupportDeclaration
from applications.selectors import Budget, budget_of_lines
from programme import clock
from programme.models import FocusArea, Municipality
from workflow.models import (
    Case,
    CaseFile,
    ConflictDeclaration,
    Decision,
    Offer,
    Recommendation,
    Screening,
    State,
    TimelineEvent,
)
from workflow.permissions import has_declared_conflict, is_case_staff
from workflow.selectors import ZERO, CaseMoney, DeMinimis, case_money, de_minimis_status, pending_part_requests

# The states in which the screening service level (SPEC §2: 14 days from submission to a
# completed screening) still runs.
SCREENING_CLOCK_STATES = (State.SUBMITTED, State.SCREENING)


def format_eur(value: Decimal) -> str:
    """``300000`` → ``300 000 euro`` (whole euros, non-breaking spaces, the unit after the number
    like ``kr`` after the kroner amounts; GLOSSARY: "300 000 euro", never "EUR 300 000")."""
    whole = int(value.copy_abs().quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    sign = "−" if value < 0 else ""
    return f"{sign}{whole:,}".replace(",", "\u00a0") + "\u00a0euro"


def staff_case_for_page(*, user: object, reference: str) -> Case | None:
    """The case with this reference, if the person is one of its staff: an adviser of its
    municipality, or a board member or administrator of its programme."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    case = (
        Case.objects.select_related(
            "programme",
            "municipality",
            "application__programme",
            "application__company__municipality",
            "application__focus_area",
            "offer__decision",
            "offer__budget_year",
        )
        .filter(reference=reference)
        .first()
    )
    if case is None or not is_case_staff(user, case):
        return None
    return case


@dataclass(frozen=True)
class StaffCaseActions:
    """What this person may do on the case now: exactly the forms the staff case page shows."""

    take: bool = False
    screen: bool = False
    return_for_completion: bool = False
    dismiss: bool = False
    recommend: bool = False
    reopen: bool = False
    declare_conflict: bool = False
    add_note: bool = False

    @property
    def case_work(self) -> bool:
        """Any of the adviser's steps (everything but notes and conflicts)."""
        return any((self.take, self.screen, self.return_for_completion, self.dismiss, self.recommend, self.reopen))


def staff_case_actions(*, case: Case, user: object) -> StaffCaseActions:
    """The transitions' own state and permission rules decide, as ``case_actions`` does for the
    applicant.  Whoever declared a conflict may do nothing at all (forvaltningsloven § 6)."""
    if user is None or not getattr(user, "is_authenticated", False) or not is_case_staff(user, case):
        return StaffCaseActions()
    if has_declared_conflict(user, case):
        return StaffCaseActions()

    def may(name: str) -> bool:
        return has_transition_perm(getattr(case, name), user)

    in_screening = case.state == State.SCREENING
    return StaffCaseActions(
        take=may("take"),
        screen=in_screening and rules.has_perm("workflow.screen_case", user, case),
        return_for_completion=may("return_for_completion"),
        dismiss=may("dismiss"),
        # The transition's guard wants a recommendation, which this very action records.
        recommend=in_screening and rules.has_perm("workflow.case_recommend", user, case),
        reopen=may("reopen"),
        declare_conflict=rules.has_perm("workflow.declare_conflict", user, case),
        add_note=True,
    )


@dataclass(frozen=True)
class ScreeningReading:
    """What the system itself reads from the application, beside each screening check."""

    municipality: Municipality
    focus_area: FocusArea | None
    focus_area_in_programme: bool
    beside_core_business: str
    budget: Budget
    share_ceiling: Decimal
    innovation_norway_financing: Decimal
    de_minimis: DeMinimis
    de_minimis_years: int
    eur_nok_rate: Decimal

    @property
    def municipality_participates(self) -> bool:
        return self.municipality.participating

    @property
    def applied_eur(self) -> Decimal:
        return (self.budget.applied / self.eur_nok_rate).quantize(Decimal("0.01"))

    @property
    def headroom_nok(self) -> Decimal:
        return (self.de_minimis.headroom_eur * self.eur_nok_rate).quantize(Decimal("0.01"))

    @property
    def headroom_after_applied_eur(self) -> Decimal:
        return self.de_minimis.headroom_eur - self.applied_eur

    @property
    def applied_fits_de_minimis(self) -> bool:
        return self.headroom_after_applied_eur >= 0

    # Shown the Norwegian way (300 000 euro).
    @property
    def declared_eur_display(self) -> str:
        return format_eur(self.de_minimis.declared_eur)

    @property
    def granted_here_eur_display(self) -> str:
        return format_eur(self.de_minimis.granted_here_eur)

    @property
    def ceiling_eur_display(self) -> str:
        return format_eur(self.de_minimis.ceiling_eur)

    @property
    def headroom_eur_display(self) -> str:
        return format_eur(self.de_minimis.headroom_eur)

    @property
    def applied_eur_display(self) -> str:
        return format_eur(self.applied_eur)

    @property
    def headroom_after_applied_eur_display(self) -> str:
        return format_eur(self.headroom_after_applied_eur)

    @property
    def share_ceiling_display(self) -> str:
        return f"{self.share_ceiling.normalize():f}"


@dataclass(frozen=True)
class StaffCasePage:
    """Everything the staff case page shows, read for one person."""

    case: Case
    actions: StaffCaseActions
    own_conflict: ConflictDeclaration | None
    conflicts: list[ConflictDeclaration]
    taken_by: object | None
    age_days: int
    screening_due: date
    screening: Screening | None
    reading: ScreeningReading
    recommendations: list[Recommendation]
    decisions: list[Decision]
    offer: Offer | None
    money: CaseMoney | None
    contacts: list[CompanyMember]
    cost_lines: list[CostLine]
    financing_lines: list[FinancingLine]
    declarations: list[SupportDeclaration]
    attachments: list[Attachment]
    case_files: list[CaseFile]
    events: list[TimelineEvent]
    # Part payments asked for and not yet paid or refused.
    pending_part_payments: Decimal = ZERO

    @property
    def service_level_days(self) -> int:
        return self.case.programme.screening_days

    @property
    def screening_clock_runs(self) -> bool:
        return self.case.state in SCREENING_CLOCK_STATES

    @property
    def screening_overdue(self) -> bool:
        return self.screening_clock_runs and clock.today() > self.screening_due

    @property
    def recommendation(self) -> Recommendation | None:
        return self.recommendations[0] if self.recommendations else None

    @property
    def screening_complete(self) -> bool:
        """Every check of the checklist ticked (the outcome of Innovation Norway's view aside)."""
        s = self.screening
        return s is not None and all(
            (
                s.participating_municipality,
                s.focus_area_fits,
                s.beside_core_business,
                s.support_share_ok,
                s.de_minimis_ok,
                s.innovation_norway_consulted,
            )
        )

    @property
    def payable_before_final_report(self) -> Decimal:
        """What may still be paid before the final report: the grant less the hold-back, less
        what is paid and what is asked for and not paid yet (as the service counts)."""
        if self.offer is None or self.money is None:
            return ZERO
        return max(ZERO, self.offer.payable_before_final_report() - self.money.paid - self.pending_part_payments)


def _taken_by(events: list[TimelineEvent]) -> object | None:
    takes = [e for e in events if e.from_state == State.SUBMITTED and e.to_state == State.SCREENING]
    return takes[-1].actor if takes else None


def staff_case_page(*, case: Case, user: object) -> StaffCasePage:
    """The page of ``staff_case_for_page``'s case: all of it, internal notes included."""
    application = case.application
    today = clock.today()
    submitted_on = timezone.localdate(case.submitted_at)
    events = list(case.events.select_related("actor"))
    conflicts = list(case.conflicts.select_related("user").order_by("declared_at", "pk"))
    own_conflict = next((c for c in conflicts if c.user_id == getattr(user, "pk", None)), None)
    offer = getattr(case, "offer", None)
    # Read once: the page lists them and the screening reading sums them.
    cost_lines = list(application.cost_lines.all())
    financing_lines = list(application.financing_lines.all())
    declarations = list(application.support_declarations.all())
    reading = ScreeningReading(
        municipality=case.municipality,
        focus_area=application.focus_area,
        focus_area_in_programme=application.focus_area is not None
        and application.focus_area.programme_id == case.programme_id,
        beside_core_business=application.beside_core_business,
        budget=budget_of_lines(
            cost_lines=cost_lines, financing_lines=financing_lines, share_max=application.programme.support_share_max
        ),
        share_ceiling=case.programme.support_share_ceiling,
        innovation_norway_financing=sum(
            (line.amount for line in financing_lines if line.source == FinancingLine.Source.INNOVATION_NORWAY), ZERO
        ),
        de_minimis=de_minimis_status(application=application, on=today, exclude_case=case, declarations=declarations),
        de_minimis_years=case.programme.de_minimis_years,
        eur_nok_rate=case.programme.eur_nok_rate,
    )
    return StaffCasePage(
        case=case,
        actions=staff_case_actions(case=case, user=user),
        own_conflict=own_conflict,
        conflicts=conflicts,
        taken_by=_taken_by(events),
        age_days=(today - submitted_on).days,
        screening_due=submitted_on + timedelta(days=case.programme.screening_days),
        screening=Screening.objects.filter(case=case).select_related("adviser").first(),
        reading=reading,
        recommendations=list(case.recommendations.select_related("adviser")),
        decisions=list(case.decisions.select_related("decided_by", "meeting__programme")),
        offer=offer,
        money=case_money(case=case, offer=offer) if offer is not None else None,
        contacts=list(application.company.memberships.filter(is_contact=True).select_related("user").order_by("pk")),
        cost_lines=cost_lines,
        financing_lines=financing_lines,
        declarations=declarations,
        attachments=list(application.attachments.all()),
        case_files=list(case.files.all()),
        events=events,
        pending_part_payments=pending_part_requests([case.pk]).get(case.pk, ZERO) if offer is not None else ZERO,
    )
