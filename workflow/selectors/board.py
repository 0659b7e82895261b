"""Reads for the board's pages and documents: a programme's meetings, and a meeting's agenda
with each case's recommendation, support share, de minimis headroom and the year's available
budget before and after each proposed approval, in agenda order.

The agenda is read in a fixed number of queries, whatever its length: the per-case figures
come from annotations and grouped aggregates, not from one query per case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from applications.models import CostLine, SupportDeclaration
from programme import clock
from programme.held_roles import held_roles
from programme.models import BudgetYear, Programme, StaffRole, User
from programme.permissions import roles_in
from workflow.models import (
    AgendaItem,
    BoardMeeting,
    Case,
    ConflictDeclaration,
    Decision,
    LedgerEntry,
    MeetingDocument,
    Recommendation,
    State,
)
from workflow.selectors import BudgetFigures, DeMinimis, applied_amount, budget_year_with_figures, sum_of

ZERO = Decimal("0.00")


# --- who sees the board's pages --------------------------------------------------------------


def board_programme(*, user: Any, code: str) -> Programme | None:
    """The programme whose meetings this person may open: its board members and administrators."""
    for role in held_roles(user):
        if role.programme.code == code and role.kind in (StaffRole.Kind.ADMIN, StaffRole.Kind.BOARD):
            return role.programme
    return None


def board_meeting(*, programme: Programme, pk: int) -> BoardMeeting | None:
    meeting = BoardMeeting.objects.filter(programme=programme, pk=pk).first()
    if meeting is not None:
        meeting.programme = programme  # the object the caller holds: not read again
    return meeting


def board_members_of(*, programme: Programme) -> QuerySet[User]:
    """The people who may sit in the programme's board meetings."""
    return User.objects.filter(
        staff_roles__programme=programme, staff_roles__kind=StaffRole.Kind.BOARD, is_active=True
    ).order_by("first_name", "last_name", "email")


def meetings_of(*, programme: Programme) -> QuerySet[BoardMeeting]:
    """The programme's meetings, newest first, with the number of cases and decisions."""
    return (
        BoardMeeting.objects.filter(programme=programme)
        .annotate(
            item_count=Count("items", distinct=True),
            decision_count=Count("decisions", filter=~Q(decisions__outcome="dismiss"), distinct=True),
        )
        .prefetch_related(Prefetch("members", queryset=User.objects.order_by("first_name", "last_name")))
        .order_by("-date", "-pk")
    )


def agenda_candidates(*, meeting: BoardMeeting) -> QuerySet[Case]:
    """Cases that may be placed on the meeting's agenda: recommended or appealed, submitted by
    the day of the meeting (``services.board.refuse_submitted_after``), not on it yet."""
    return (
        Case.objects.filter(
            programme_id=meeting.programme_id,
            state__in=[State.RECOMMENDED, State.APPEALED],
            # The day in the programme's time zone, as the service reads it (timezone.localdate).
            submitted_at__date__lte=meeting.date,
        )
        .exclude(pk__in=AgendaItem.objects.filter(meeting=meeting).values("case_id"))
        .select_related("application__company")
        .order_by("submitted_at", "pk")
    )


def meeting_documents(*, meeting: BoardMeeting) -> list[MeetingDocument]:
    documents = list(
        MeetingDocument.objects.filter(meeting=meeting).select_related("created_by").order_by("kind", "-version")
    )
    for document in documents:
        document.meeting = meeting  # the caller's meeting (and its programme): not joined again
    return documents


# --- the agenda ------------------------------------------------------------------------------


@dataclass
class AgendaRow:
    """One case on the agenda, as the agenda page and the agenda pack show it."""

    item: AgendaItem
    case: Case
    recommendation: Recommendation | None
    total_cost: Decimal
    applied_amount: Decimal
    de_minimis: DeMinimis
    headroom_nok: Decimal
    decision: Decision | None
    pending: bool
    conflicts: list[ConflictDeclaration]
    user_conflict: bool = False
    may_decide: bool = False
    before: Decimal | None = None
    after: Decimal | None = None
    exceeds_budget: bool = False

    @property
    def recommends_approval(self) -> bool:
        return self.recommendation is not None and self.recommendation.outcome == Recommendation.Outcome.APPROVE

    @property
    def recommended_amount(self) -> Decimal | None:
        return self.recommendation.amount if self.recommends_approval else None

    @property
    def applied_share(self) -> Decimal | None:
        return _share(self.applied_amount, self.total_cost)

    @property
    def recommended_share(self) -> Decimal | None:
        amount = self.recommended_amount
        return None if amount is None else _share(amount, self.total_cost)

    @property
    def recommended_amount_eur(self) -> Decimal | None:
        amount = self.recommended_amount
        rate = self.case.programme.eur_nok_rate
        return None if amount is None else (amount / rate).quantize(Decimal("0.01"))

    @property
    def exceeds_de_minimis(self) -> bool:
        """Granted as de minimis support, the recommended amount would pass the ceiling."""
        eur = self.recommended_amount_eur
        return self.pending and eur is not None and eur > self.de_minimis.headroom_eur


def _share(amount: Decimal, total_cost: Decimal) -> Decimal | None:
    if total_cost <= 0:
        return None
    return (amount * 100 / total_cost).quantize(Decimal("0.01"))


@dataclass
class Agenda:
    meeting: BoardMeeting
    budget_year: BudgetYear | None
    figures: BudgetFigures | None
    rows: list[AgendaRow]
    members: list[User]
    user_is_member: bool = False
    user_is_board_member: bool = False
    user_may_arrange: bool = False
    decisions: list[Decision] = field(default_factory=list)

    @property
    def projected_available(self) -> Decimal | None:
        """Available when every pending approval recommendation is granted as recommended."""
        afters = [row.after for row in self.rows if row.after is not None]
        if self.figures is None:
            return None
        return afters[-1] if afters else self.figures.available

    @property
    def pending_count(self) -> int:
        return sum(1 for row in self.rows if row.pending)

    @property
    def decisions_open(self) -> bool:
        """The meeting's day has come: its decisions are recorded at the meeting or after it."""
        return self.meeting.date <= clock.today()


def _total_cost() -> Coalesce:
    return sum_of(CostLine.objects.filter(application=OuterRef("case__application")))


def _latest_meeting() -> Subquery:
    """As Case.current_agenda_item: the case's last placement is where it is decided."""
    return Subquery(AgendaItem.objects.filter(case=OuterRef("case")).order_by("-pk").values("meeting_id")[:1])


def _agenda_items(meeting: BoardMeeting, *, since: date, on: date) -> list[AgendaItem]:
    """The meeting's items in order with their cases, each with its costs, the amount applied
    for, the meeting it is decided at, the de minimis support declared in the period (since,
    on], its recommendations (newest first) and its conflict declarations."""
    declared = sum_of(
        SupportDeclaration.objects.filter(
            application=OuterRef("case__application"),
            kind=SupportDeclaration.Kind.DE_MINIMIS,
            granted_on__gt=since,
            granted_on__lte=on,
        )
    )
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("case__application__company", "case__application__focus_area")
        .annotate(
            total_cost=_total_cost(),
            applied_amount=applied_amount("case__application"),
            latest_meeting_id=_latest_meeting(),
            declared_de_minimis=declared,
        )
        .prefetch_related(
            Prefetch(
                "case__recommendations",
                queryset=Recommendation.objects.select_related("adviser").order_by("-created_at", "-pk"),
                to_attr="recommendations_newest_first",
            ),
            Prefetch(
                "case__conflicts",
                queryset=ConflictDeclaration.objects.select_related("user").order_by("pk"),
                to_attr="conflict_list",
            ),
        )
        .order_by("position", "pk")
    )
    # Every case on the agenda is the meeting's programme's: one object for all.
    for item in items:
        item.meeting = meeting
        item.case.programme = meeting.programme
    return items


def _de_minimis_by_case(
    programme: Programme, items: list[AgendaItem], *, since: date, on: date
) -> dict[int, DeMinimis]:
    """``workflow.selectors.de_minimis_status`` for every case of the agenda: the support
    declared in the period is read with the items; granted support here in one query, per
    organisation number and case (each case's own grant left out, as at its approval)."""
    rate = programme.eur_nok_rate
    org_numbers = {item.case.application.company.org_number for item in items}
    # Per organisation number: the sum over all its cases, and each case's own part.
    granted_by_org: dict[str, Decimal] = {}
    granted_by_case: dict[int, Decimal] = {}
    rows = (
        LedgerEntry.objects.filter(
            case__application__company__org_number__in=org_numbers,
            case__offer__legal_basis="de_minimis",
            case__offer__decision__decided_at__date__gt=since,
            case__offer__decision__decided_at__date__lte=on,
            kind__in=[LedgerEntry.Kind.COMMIT, LedgerEntry.Kind.RELEASE],
        )
        .values("case__application__company__org_number", "case_id", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        org_number, case_id = row["case__application__company__org_number"], row["case_id"]
        amount = row["total"] if row["kind"] == LedgerEntry.Kind.COMMIT else -row["total"]
        granted_by_org[org_number] = granted_by_org.get(org_number, ZERO) + amount
        granted_by_case[case_id] = granted_by_case.get(case_id, ZERO) + amount
    result = {}
    for item in items:
        org_number = item.case.application.company.org_number
        granted_nok = granted_by_org.get(org_number, ZERO) - granted_by_case.get(item.case_id, ZERO)
        declared_nok = item.declared_de_minimis
        result[item.case_id] = DeMinimis(
            declared_eur=(declared_nok / rate).quantize(Decimal("0.01")),
            granted_here_eur=(granted_nok / rate).quantize(Decimal("0.01")),
            ceiling_eur=programme.de_minimis_ceiling_eur,
        )
    return result


def meeting_agenda(*, meeting: BoardMeeting, user: Any = None) -> Agenda:
    """The agenda in order, with the running budget: it starts from what is available in the
    meeting's budget year now (decisions already made are in that figure), and each case still
    to be decided with a recommendation to approve takes its recommended amount off it.

    ``user`` only decides which decision forms the page offers; the services decide anew.
    """
    programme = meeting.programme
    # The de minimis period (SPEC §5): the rolling years up to today.
    on = clock.today()
    since = on - relativedelta(years=programme.de_minimis_years)
    items = _agenda_items(meeting, since=since, on=on)
    budget_year, figures = budget_year_with_figures(programme=programme, year=meeting.date.year)
    decisions: dict[int, Decision] = {}
    ordered_decisions = list(
        Decision.objects.filter(meeting=meeting).select_related("decided_by").order_by("decided_at", "pk")
    )
    for decision in ordered_decisions:
        decisions[decision.case_id] = decision  # the latest decision on the case at this meeting
    members = list(meeting.members.order_by("first_name", "last_name", "email"))
    member_ids = {member.pk for member in members}
    kinds = roles_in(user, programme.pk)
    is_board = StaffRole.Kind.BOARD in kinds
    is_admin = StaffRole.Kind.ADMIN in kinds
    user_id = getattr(user, "pk", None)
    decisions_open = meeting.date <= on  # as Agenda.decisions_open
    de_minimis = _de_minimis_by_case(programme, items, since=since, on=on)
    rows = []
    running = figures.available if figures is not None else None
    for item in items:
        case = item.case
        conflicts = case.conflict_list
        decision = decisions.get(case.pk)
        pending = case.state == State.ON_AGENDA and decision is None and item.latest_meeting_id == meeting.pk
        headroom = de_minimis[case.pk].headroom_eur
        row = AgendaRow(
            item=item,
            case=case,
            recommendation=next(iter(case.recommendations_newest_first), None),
            total_cost=item.total_cost,
            applied_amount=item.applied_amount,
            de_minimis=de_minimis[case.pk],
            headroom_nok=(headroom * programme.eur_nok_rate).quantize(Decimal("0.01")),
            decision=decision,
            pending=pending,
            conflicts=conflicts,
            user_conflict=any(conflict.user_id == user_id for conflict in conflicts),
        )
        row.may_decide = pending and is_board and user_id in member_ids and not row.user_conflict and decisions_open
        if pending and running is not None:
            row.before = running
            row.after = running - (row.recommended_amount or ZERO)
            row.exceeds_budget = row.after < 0
            running = row.after
        rows.append(row)
    return Agenda(
        meeting=meeting,
        budget_year=budget_year,
        figures=figures,
        rows=rows,
        members=members,
        user_is_member=user_id in member_ids,
        user_is_board_member=is_board,
        user_may_arrange=is_board or is_admin,
        decisions=ordered_decisions,
    )
