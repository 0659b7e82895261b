"""Reads about applications, and the complete list of an application's problems."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from applications.models import (
    Application,
    Attachment,
    Company,
    CompanyMember,
    CostLine,
    FinancingLine,
    Invitation,
    MembershipRequest,
)
from programme import clock
from programme.dates import implausible
from programme.models import Municipality, Programme
from programme.money import format_nok
from programme.numbers import format_number


@dataclass(frozen=True)
class Problem:
    """Something that stops an application from being submitted, tied to a step and field."""

    step: str
    field: str
    message: str


def companies_of(*, user: object) -> QuerySet[Company]:
    return Company.objects.filter(memberships__user=user).select_related("municipality", "programme")


def application_problems(*, application: Application) -> list[Problem]:
    """Every problem at once, so the review page can show them all (SPEC §3, step 7)."""
    problems: list[Problem] = []
    add = problems.append
    company = application.company
    programme = application.programme

    if not company.municipality_id:
        add(Problem("company", "municipality", _("Choose the company's municipality.")))
    if not company.memberships.filter(is_contact=True).exists():
        add(Problem("company", "contacts", _("Name at least one contact person.")))

    if not application.title.strip():
        add(Problem("project", "title", _("Give the project a title.")))
    if not application.summary.strip():
        add(Problem("project", "summary", _("Write a short summary of the project.")))
    if not application.description.strip():
        add(Problem("project", "description", _("Describe the project.")))
    if application.focus_area_id is None:
        add(Problem("project", "focus_area", _("Choose a focus area.")))
    elif application.focus_area.programme_id != programme.pk:
        add(Problem("project", "focus_area", _("The focus area does not belong to this programme.")))
    if not application.kind:
        add(Problem("project", "kind", _("Choose the kind of project.")))
    if not application.beside_core_business.strip():
        add(Problem("project", "beside_core_business", _("Explain how the project lies beside the core business.")))
    if application.start_date is None:
        add(Problem("project", "start_date", _("Give the project's start date.")))
    if application.end_date is None:
        add(Problem("project", "end_date", _("Give the project's end date.")))
    for name in ("start_date", "end_date"):
        if implausible(getattr(application, name)):
            add(Problem("project", name, implausible(getattr(application, name))))
    if application.start_date and application.end_date and application.end_date < application.start_date:
        add(Problem("project", "end_date", _("The project cannot end before it starts.")))

    total_cost = application.total_cost()
    total_financing = application.total_financing()
    applied = application.applied_amount()
    if total_cost <= 0:
        add(Problem("costs", "cost_lines", _("Add the project's costs.")))
    if total_financing != total_cost:
        add(
            Problem(
                "costs",
                "financing_lines",
                _("The financing (%(financing)s) must add up to the total cost (%(cost)s).")
                % {"financing": format_nok(total_financing), "cost": format_nok(total_cost)},
            )
        )
    if applied <= 0:
        add(
            Problem(
                "costs",
                "financing_lines",
                _("Say how much you apply for: add a financing line from %(source)s.")
                % {"source": FinancingLine.Source.THIS_PROGRAMME.label},
            )
        )
    elif total_cost > 0 and applied * 100 > total_cost * programme.support_share_max:
        add(
            Problem(
                "costs",
                "financing_lines",
                _("You may apply for at most %(share)s %% of the costs (%(max)s); you apply for %(applied)s.")
                % {
                    "share": format_number(programme.support_share_max),
                    "max": format_nok(total_cost * programme.support_share_max / Decimal(100)),
                    "applied": format_nok(applied),
                },
            )
        )

    if not application.information_is_true:
        add(Problem("declarations", "information_is_true", _("Confirm that the information is true.")))
    return problems


def _is_person(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", False))


def applications_of(*, user: object) -> QuerySet[Application]:
    """The applications of the person's own companies: the only ones his or her pages may
    open (another company's application is simply not found)."""
    if not _is_person(user):
        return Application.objects.none()
    return Application.objects.filter(company__memberships__user=user).select_related(
        "company", "company__municipality", "programme", "focus_area"
    )


def attachments_of(*, user: object) -> QuerySet[Attachment]:
    """The attachments of the person's own companies' applications."""
    if not _is_person(user):
        return Attachment.objects.none()
    return Attachment.objects.filter(application__company__memberships__user=user).select_related("application")


def programmes_to_apply_to() -> QuerySet[Programme]:
    return Programme.objects.order_by("name")


def municipalities_of(*, programme: Programme, include: Municipality | None = None) -> QuerySet[Municipality]:
    """The programme's participating municipalities (and the company's own, should it have
    stopped participating, so that its profile can still be saved)."""
    condition = Q(participating=True)
    if include is not None:
        condition |= Q(pk=include.pk)
    return Municipality.objects.filter(Q(programme=programme) & condition).order_by("name")


def company_by_org_number(*, programme: Programme, org_number: str) -> Company | None:
    return Company.objects.filter(programme=programme, org_number=org_number).first()


def companies_overview(*, user: object) -> QuerySet[Company]:
    """The person's companies with their applications, people, open requests to join and
    open invitations, in a fixed number of queries."""
    if not _is_person(user):
        return Company.objects.none()
    since = clock.now() - Invitation.VALID_FOR
    return (
        companies_of(user=user)
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=Application.objects.filter(status=Application.Status.DRAFT).order_by("-updated_at"),
                to_attr="drafts",
            ),
            Prefetch(
                "applications",
                queryset=Application.objects.exclude(status=Application.Status.DRAFT).order_by("-submitted_at"),
                to_attr="submitted",
            ),
            Prefetch(
                "memberships",
                queryset=CompanyMember.objects.select_related("user").order_by("user__first_name", "user__email"),
                to_attr="people",
            ),
            Prefetch(
                "membership_requests",
                queryset=MembershipRequest.objects.filter(decided_at__isnull=True).select_related("user"),
                to_attr="open_requests",
            ),
            Prefetch(
                "invitations",
                queryset=Invitation.objects.filter(accepted_at__isnull=True, created_at__gt=since),
                to_attr="open_invitations",
            ),
        )
    )


def membership_requests_waiting(*, user: object) -> QuerySet[MembershipRequest]:
    """The person's own requests to join that no member has answered yet."""
    if not _is_person(user):
        return MembershipRequest.objects.none()
    return MembershipRequest.objects.filter(user=user, decided_at__isnull=True).select_related("company")


def membership_requests_to_decide(*, user: object) -> QuerySet[MembershipRequest]:
    """Open requests to join the person's companies: the ones he or she may answer."""
    if not _is_person(user):
        return MembershipRequest.objects.none()
    return MembershipRequest.objects.filter(company__memberships__user=user, decided_at__isnull=True).select_related(
        "company", "user"
    )


def invitation_by_token(*, token: str) -> Invitation | None:
    return Invitation.objects.select_related("company", "invited_by").filter(token=str(token)).first()


@dataclass(frozen=True)
class Budget:
    """Step 3's figures: the costs by category, the financing, and the amount applied for
    against the programme's maximum support share."""

    costs_by_category: list[tuple[str, Decimal]]
    financing_by_source: list[tuple[str, Decimal]]
    total_cost: Decimal
    total_financing: Decimal
    applied: Decimal
    share_max: Decimal

    @property
    def difference(self) -> Decimal:
        return self.total_financing - self.total_cost

    @property
    def balanced(self) -> bool:
        return self.total_cost > 0 and self.difference == 0

    @property
    def applied_max(self) -> Decimal:
        return (self.total_cost * self.share_max / Decimal(100)).quantize(Decimal("0.01"))

    @property
    def applied_share(self) -> Decimal | None:
        if self.total_cost <= 0:
            return None
        return (self.applied * 100 / self.total_cost).quantize(Decimal("0.1"))

    @property
    def within_share(self) -> bool:
        return self.applied * 100 <= self.total_cost * self.share_max

    # Shown on the pages in the Norwegian way (1 250 000 kr).
    @property
    def total_cost_display(self) -> str:
        return format_nok(self.total_cost)

    @property
    def total_financing_display(self) -> str:
        return format_nok(self.total_financing)

    @property
    def applied_display(self) -> str:
        return format_nok(self.applied)

    @property
    def applied_max_display(self) -> str:
        return format_nok(self.applied_max)

    @property
    def difference_display(self) -> str:
        return format_nok(abs(self.difference))

    @property
    def share_max_display(self) -> str:
        return f"{self.share_max.normalize():f}"

    @property
    def applied_share_display(self) -> str:
        share = self.applied_share
        return "" if share is None else f"{share.normalize():f}".replace(".", ",")

    @property
    def costs_by_category_display(self) -> list[tuple[str, str]]:
        return [(label, format_nok(amount)) for label, amount in self.costs_by_category]

    @property
    def financing_by_source_display(self) -> list[tuple[str, str]]:
        return [(label, format_nok(amount)) for label, amount in self.financing_by_source]


def application_budget(*, application: Application) -> Budget:
    """Totals of the application's lines, in two queries (an application has a handful)."""
    return budget_of_lines(
        cost_lines=application.cost_lines.all(),
        financing_lines=application.financing_lines.all(),
        share_max=application.programme.support_share_max,
    )


def budget_of_lines(
    *, cost_lines: Iterable[CostLine], financing_lines: Iterable[FinancingLine], share_max: Decimal
) -> Budget:
    """The totals by category and by source of the lines given; the staff case page gives
    the lines it lists, read once."""
    costs: dict[str, Decimal] = {}
    for cost in cost_lines:
        costs[cost.category] = costs.get(cost.category, Decimal("0.00")) + cost.amount
    financing: dict[str, Decimal] = {}
    for line in financing_lines:
        financing[line.source] = financing.get(line.source, Decimal("0.00")) + line.amount
    return budget_of(costs=costs, financing=financing, share_max=share_max)


def budget_of(*, costs: dict[str, Decimal], financing: dict[str, Decimal], share_max: Decimal) -> Budget:
    """The figures of totals by category and by source, saved or just typed."""
    zero = Decimal("0.00")
    return Budget(
        costs_by_category=[(label, costs.get(value) or zero) for value, label in CostLine.Category.choices],
        financing_by_source=[(label, financing.get(value) or zero) for value, label in FinancingLine.Source.choices],
        total_cost=sum(costs.values(), zero),
        total_financing=sum(financing.values(), zero),
        applied=financing.get(FinancingLine.Source.THIS_PROGRAMME) or zero,
        share_max=share_max,
    )
