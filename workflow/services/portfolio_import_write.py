"""Portfolio import (SPEC §10), second half: write the checked rows as cases in their states,
with the decisions, offers, ledger rows, payments, job reports and timeline events that
explain their figures.  All or nothing: one transaction, and nothing at all unless every row
is valid and every budget year keeps a non-negative available amount.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Company, CostLine, FinancingLine
from programme import clock
from programme.locking import lock_objects
from programme.models import BudgetYear, Programme
from programme.money import format_nok
from workflow.models import (
    Case,
    Decision,
    JobReport,
    LedgerEntry,
    LegalBasis,
    Offer,
    Payment,
    State,
    TimelineEvent,
)
from workflow.selectors import budget_figures
from workflow.services.portfolio_import_parse import (
    FINALLY_PAID,
    GRANTED,
    ZERO,
    Checked,
    ImportRow,
    RowError,
    check_rows,
    read_table,
)

# Cases whose offer has been accepted (the acceptance date is not in the file: the decision's).
ACCEPTED_STATES = {State.ACCEPTED, State.REPORTING, State.COMPLETED, State.CLOSED, State.LAPSED, State.CANCELLED}


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    written: bool = False

    @property
    def states(self) -> list[tuple[str, str, int]]:
        """(state, label, cases) in the order of SPEC §4."""
        counts = Counter(row.state for row in self.rows)
        return [(state, str(label), counts[state]) for state, label in State.choices if counts[state]]

    @property
    def years(self) -> list[dict[str, Any]]:
        """Per budget year: cases granted, committed (granted − released) and disbursed."""
        years: dict[int, dict[str, Any]] = {}
        for row in self.rows:
            if row.budget_year is None:
                continue
            year = years.setdefault(
                row.budget_year.year, {"year": row.budget_year.year, "granted": 0, "committed": ZERO, "disbursed": ZERO}
            )
            year["granted"] += 1
            year["committed"] += row.committed
            year["disbursed"] += row.disbursed_amount
        return [years[y] for y in sorted(years)]


def _moment(day: date) -> datetime:
    # Midday Oslo time: the file has dates only, and noon keeps the date in every zone around.
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _budget_errors(rows: list[ImportRow]) -> list[RowError]:
    """A budget year whose available amount the import would make negative (SPEC §5)."""
    needed: dict[Any, Decimal] = {}
    for row in rows:
        if row.budget_year is not None:
            needed[row.budget_year] = needed.get(row.budget_year, ZERO) + row.committed
    figures = budget_figures(budget_years=list(needed))
    errors = []
    for budget_year, amount in sorted(needed.items(), key=lambda item: item[0].year):
        available = figures[budget_year.pk].available
        if amount > available:
            errors.append(
                RowError(
                    None,
                    "budget_year",
                    _("The file commits %(amount)s on %(year)s, but only %(available)s is available.")
                    % {"amount": format_nok(amount), "year": budget_year.year, "available": format_nok(available)},
                )
            )
    return errors


def check_portfolio(*, programme: Programme, data: bytes, filename: str = "") -> ImportResult:
    """Read and check the file; every problem, nothing written.  A file that is not a table
    of the import's columns is refused with ``RuleViolation``."""
    checked: Checked = check_rows(programme, read_table(data, filename))
    errors = checked.errors or _budget_errors(checked.rows)
    return ImportResult(errors=errors, rows=checked.rows if not errors else [])


def portfolio_import(
    *, programme: Programme, actor: Any, data: bytes, filename: str = "", dry_run: bool = False
) -> ImportResult:
    """Check the file and, unless ``dry_run`` or any row is wrong, write it all in one
    transaction.  Importing a file again is refused: every reference exists by then."""
    result = check_portfolio(programme=programme, data=data, filename=filename)
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        # Lock the budget years (in the global order, as the approvals do), then check again
        # under the locks: an approval may have used the money meanwhile.
        years = {row.budget_year.pk for row in result.rows if row.budget_year is not None}
        lock_objects(BudgetYear.objects.filter(pk__in=years))
        again = check_portfolio(programme=programme, data=data, filename=filename)
        if again.errors:
            return again
        companies = {c.org_number: c for c in Company.objects.filter(programme=programme)}
        for row in again.rows:
            _write_row(programme, actor, row, companies)
        again.written = True
    return again


def _write_row(programme: Programme, actor: Any, row: ImportRow, companies: dict[str, Company]) -> Case:
    submitted_at = _moment(row.submitted_on)
    company = companies.get(row.org_number)
    if company is None:
        company = Company.objects.create(
            programme=programme, org_number=row.org_number, name=row.company_name, municipality=row.municipality
        )
        companies[row.org_number] = company
    application = Application.objects.create(
        programme=programme,
        company=company,
        created_by=actor,
        created_at=submitted_at,
        status=Application.Status.SUBMITTED,
        submitted_at=submitted_at,
        title=row.title,
        focus_area=row.focus_area,
        new_jobs_expected=row.expected_jobs,
        information_is_true=True,
    )
    # One line each, so that the application's total cost and applied amount read as in the file.
    if row.total_cost > 0:
        CostLine.objects.create(
            application=application,
            category=CostLine.Category.OTHER,
            description=_("Total cost (imported)"),
            amount=row.total_cost,
        )
    if row.applied_amount > 0:
        FinancingLine.objects.create(
            application=application, source=FinancingLine.Source.THIS_PROGRAMME, amount=row.applied_amount
        )
    if row.total_cost > row.applied_amount:
        FinancingLine.objects.create(
            application=application,
            source=FinancingLine.Source.OWN_FUNDS,
            amount=row.total_cost - row.applied_amount,
        )
    # The one place a case's state is written directly rather than by a transition: the import
    # records a history that happened elsewhere; it does not change one.  The FSM field is
    # protected, so the state is given at creation.
    case = Case.objects.create(
        programme=programme,
        application=application,
        reference=row.reference,
        municipality=row.municipality,
        state=row.state,
        submitted_at=submitted_at,
        created_at=submitted_at,
        imported=True,
    )
    decided_at = _moment(row.decided_on) if row.decided_on else None
    if row.state in GRANTED:
        _write_grant(programme, actor, case, row, decided_at)  # type: ignore[arg-type]
    elif row.state in (State.REJECTED, State.APPEALED, State.DISMISSED):
        Decision.objects.create(
            case=case,
            outcome=Decision.Outcome.DISMISS if row.state == State.DISMISSED else Decision.Outcome.REJECT,
            reasons=_("Imported from the earlier portfolio."),
            decided_at=decided_at,
        )
    # One event that tells how the case came here; dated at its last known date, so that the
    # evaluation counts withdrawals, lapses and cancellations in that year.
    TimelineEvent.objects.create(
        case=case,
        actor=actor,
        kind=TimelineEvent.Kind.TRANSITION,
        from_state=State.SUBMITTED,
        to_state=row.state,
        action="case.imported",
        data={"row": row.row},
        created_at=decided_at or submitted_at,
    )
    return case


def _write_grant(programme: Programme, actor: Any, case: Case, row: ImportRow, decided_at: datetime) -> None:
    day = row.decided_on
    amount = row.granted_amount
    budget_year = row.budget_year
    decision = Decision.objects.create(
        case=case,
        outcome=Decision.Outcome.APPROVE,
        amount=amount,
        # The file does not say; de minimis is the programme's ordinary basis (SPEC §5).
        legal_basis=LegalBasis.DE_MINIMIS,
        reasons=_("Imported from the earlier portfolio."),
        decided_at=decided_at,
    )
    amount_eur = (amount / programme.eur_nok_rate).quantize(Decimal("0.01"))
    Offer.objects.create(
        case=case,
        decision=decision,
        budget_year=budget_year,
        amount=amount,
        support_share=(amount * 100 / row.total_cost).quantize(Decimal("0.01"), ROUND_HALF_UP),
        holdback_amount=(amount * programme.holdback_share / 100).quantize(Decimal("0.01"), ROUND_HALF_UP),
        legal_basis=LegalBasis.DE_MINIMIS,
        amount_eur=amount_eur,
        # The project's end is not in the file: the deadlines run from the decision.
        accept_by=day + relativedelta(days=programme.acceptance_days),
        final_report_due=day + relativedelta(days=programme.final_report_days),
        expires_on=day + relativedelta(months=programme.offer_expiry_months),
        accepted_at=decided_at if row.state in ACCEPTED_STATES else None,
        public_register_required=amount_eur >= programme.public_register_threshold_eur,
    )
    ledger = {"budget_year": budget_year, "case": case, "created_by": actor, "note": _("Import")}
    LedgerEntry.objects.create(kind=LedgerEntry.Kind.COMMIT, amount=amount, booked_on=day, **ledger)
    if row.disbursed_amount > 0:
        payment = Payment.objects.create(
            case=case,
            amount=row.disbursed_amount,
            is_final=row.state in FINALLY_PAID,
            paid_on=day,
            registered_by=actor,
        )
        LedgerEntry.objects.create(
            kind=LedgerEntry.Kind.DISBURSE, amount=row.disbursed_amount, booked_on=day, payment=payment, **ledger
        )
    if row.released > 0:
        LedgerEntry.objects.create(kind=LedgerEntry.Kind.RELEASE, amount=row.released, booked_on=day, **ledger)
    if row.reported_jobs is not None:
        JobReport.objects.create(
            case=case,
            new_jobs=row.reported_jobs,
            reported_on=clock.today(),
            reported_by=actor,
            on_behalf=True,
            note=_("Imported from the earlier portfolio."),
        )
