"""Drafting an application: its fields step by step, the company step, the budget's cost
and financing lines, and the declared public support.  Every change needs a draft."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import Application, Company, CostLine, FinancingLine, SupportDeclaration
from applications.services._common import _amount, _input_errors, _lock_draft, _require_draft, _require_member
from applications.services.companies import company_update
from programme import clock
from programme.dates import implausible
from programme.errors import InputError, InputViolation, RuleViolation

APPLICATION_FIELDS = {
    "title",
    "summary",
    "description",
    "focus_area",
    "kind",
    "beside_core_business",
    "start_date",
    "end_date",
    "new_jobs_expected",
    "jobs_secured",
    "expected_turnover",
    "information_is_true",
}


def application_create(*, company: Company, actor: Any, **fields: Any) -> Application:
    _require_member(user=actor, company=company)
    application = Application(programme=company.programme, company=company, created_by=actor)
    return application_update(application=application, actor=actor, **fields)


def application_update(*, application: Application, actor: Any, **fields: Any) -> Application:
    """Save a step of the draft: only known fields, validated, nothing half-written."""
    _require_member(user=actor, company=application.company)
    if application.pk:
        _require_draft(application)
    unknown = set(fields) - APPLICATION_FIELDS
    if unknown:
        raise RuleViolation(_("Unknown field: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(application, name, value)
    if application.focus_area_id and application.focus_area.programme_id != application.programme_id:
        raise InputViolation(
            [InputError("focus_area", _("The focus area does not belong to this programme."))], code="focus_area"
        )
    # A typing mistake (1900, 3026) is refused at its field; whether the dates are given is
    # checked when the application is submitted.
    mistyped = [
        InputError(name, implausible(getattr(application, name)))
        for name in ("start_date", "end_date")
        if name in fields and implausible(getattr(application, name))
    ]
    if mistyped:
        raise InputViolation(mistyped, code="dates")
    if application.start_date and application.end_date and application.end_date < application.start_date:
        raise InputViolation([InputError("end_date", _("The project cannot end before it starts."))], code="dates")
    try:
        application.full_clean(exclude=["programme", "company", "created_by"])
    except ValidationError as error:
        raise InputViolation(_input_errors(error), code="invalid") from error
    with transaction.atomic():
        if application.pk:
            # Re-read the status under the row lock that submitting takes as well, so that a
            # draft submitted a moment ago is not changed afterwards.
            _lock_draft(application)
            # Only this step's fields: another step saved a moment ago must not be undone.
            application.save(update_fields=[*fields, "updated_at"])
        else:
            application.save()
    return application


def cost_line_add(
    *,
    application: Application,
    actor: Any,
    category: str,
    description: str,
    amount: Any = None,
    hours: Any = None,
    hourly_rate: Any = None,
) -> CostLine:
    """Add a cost line; own hours are priced as hours × rate."""
    _require_member(user=actor, company=application.company)
    _require_draft(application)
    if category not in CostLine.Category.values:
        raise RuleViolation(_("Choose a cost category."))
    if not str(description).strip():
        raise RuleViolation(_("Describe the cost."))
    if category == CostLine.Category.OWN_HOURS:
        hours_d = _amount(hours, _("Hours"))
        rate_d = _amount(hourly_rate, _("Hourly rate"))
        total = (hours_d * rate_d).quantize(Decimal("0.01"))
        return CostLine.objects.create(
            application=application,
            category=category,
            description=description,
            hours=hours_d,
            hourly_rate=rate_d,
            amount=_amount(total, _("Amount")),
        )
    return CostLine.objects.create(
        application=application, category=category, description=description, amount=_amount(amount, _("Amount"))
    )


def financing_line_add(
    *, application: Application, actor: Any, source: str, amount: Any, description: str = ""
) -> FinancingLine:
    _require_member(user=actor, company=application.company)
    _require_draft(application)
    if source not in FinancingLine.Source.values:
        raise RuleViolation(_("Choose a source of financing."))
    return FinancingLine.objects.create(
        application=application, source=source, description=description, amount=_amount(amount, _("Amount"))
    )


def support_declaration_add(
    *, application: Application, actor: Any, kind: str, grantor: str, granted_on: Any, amount: Any
) -> SupportDeclaration:
    """Declare public support received in this and the two previous fiscal years."""
    _require_member(user=actor, company=application.company)
    _require_draft(application)
    if kind not in SupportDeclaration.Kind.values:
        raise RuleViolation(_("Choose the kind of support."))
    if not str(grantor).strip():
        raise RuleViolation(_("Name who granted the support."))
    if not isinstance(granted_on, date):
        raise RuleViolation(_("Give the date the support was granted."))
    if granted_on > clock.today():
        raise RuleViolation(_("The date the support was granted cannot be in the future."), code="granted_on")
    if implausible(granted_on):
        raise RuleViolation(implausible(granted_on), code="granted_on")
    return SupportDeclaration.objects.create(
        application=application, kind=kind, grantor=grantor, granted_on=granted_on, amount=_amount(amount, _("Amount"))
    )


# --- Lists of lines: costs, financing, declared support -----------------------------------

LINES_MAX = 100


class _Rows:
    """Collects the errors of one list of lines, each at its row and field."""

    def __init__(self, group: str) -> None:
        self.group = group
        self.errors: list[InputError] = []

    def add(self, row: int, field: str | None, message: str) -> None:
        self.errors.append(InputError(field, message, row, self.group))

    def amount(
        self, row: int, field: str, value: Any, *, label: str, missing: str, places: str = "0.01"
    ) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(row, field, missing)
            return None
        try:
            amount = _amount(value, label)
        except RuleViolation as violation:
            self.add(row, field, violation.message)
            return None
        if amount != amount.quantize(Decimal(places)):
            self.add(row, field, _("%(label)s has too many decimals.") % {"label": label})
            return None
        return amount.quantize(Decimal(places))

    def text(self, row: int, field: str, value: Any, *, missing: str | None, limit: int = 200) -> str:
        text = " ".join(str(value or "").split())
        if missing and not text:
            self.add(row, field, missing)
        elif len(text) > limit:
            self.add(row, field, _("Keep it under %(limit)s characters.") % {"limit": limit})
        return text

    def full_clean(self, row: int, instance: Any, fields: set[str]) -> None:
        if any(error.row == row for error in self.errors):
            return
        try:
            instance.full_clean(exclude=["application"])
        except ValidationError as error:
            for found in _input_errors(error, row=row, group=self.group):
                self.errors.append(found if found.field in fields else InputError(None, found.message, row, self.group))


def _too_many(lines: Sequence[Any]) -> None:
    if len(lines) > LINES_MAX:
        raise RuleViolation(_("At most %(max)s lines can be saved.") % {"max": LINES_MAX}, code="too_many_lines")


def _cost_lines_build(application: Application, lines: Sequence[Mapping[str, Any]]) -> list[CostLine]:
    _too_many(lines)
    rows = _Rows("cost_lines")
    built = []
    for row, line in enumerate(lines):
        category = str(line.get("category") or "")
        if category not in CostLine.Category.values:
            rows.add(row, "category", _("Choose a cost category."))
        description = rows.text(row, "description", line.get("description"), missing=_("Describe the cost."))
        hours = rate = amount = None
        if category == CostLine.Category.OWN_HOURS:
            hours = rows.amount(
                row, "hours", line.get("hours"), label=_("Hours"), missing=_("Give the hours."), places="0.1"
            )
            rate = rows.amount(
                row, "hourly_rate", line.get("hourly_rate"), label=_("Hourly rate"), missing=_("Give the hourly rate.")
            )
            if hours is not None and rate is not None:
                try:
                    amount = _amount((hours * rate).quantize(Decimal("0.01")), _("Hours × rate"))
                except RuleViolation as violation:
                    rows.add(row, "hours", violation.message)
        else:
            amount = rows.amount(row, "amount", line.get("amount"), label=_("Amount"), missing=_("Give the amount."))
        cost = CostLine(
            application=application,
            category=category,
            description=description,
            hours=hours,
            hourly_rate=rate,
            amount=amount,
        )
        rows.full_clean(row, cost, {"category", "description", "hours", "hourly_rate", "amount"})
        built.append(cost)
    if rows.errors:
        raise InputViolation(rows.errors)
    return built


def _financing_lines_build(application: Application, lines: Sequence[Mapping[str, Any]]) -> list[FinancingLine]:
    _too_many(lines)
    rows = _Rows("financing_lines")
    built = []
    for row, line in enumerate(lines):
        source = str(line.get("source") or "")
        if source not in FinancingLine.Source.values:
            rows.add(row, "source", _("Choose a source of financing."))
        description = rows.text(row, "description", line.get("description"), missing=None)
        amount = rows.amount(row, "amount", line.get("amount"), label=_("Amount"), missing=_("Give the amount."))
        financing = FinancingLine(application=application, source=source, description=description, amount=amount)
        rows.full_clean(row, financing, {"source", "description", "amount"})
        built.append(financing)
    if rows.errors:
        raise InputViolation(rows.errors)
    return built


def _declarations_build(application: Application, lines: Sequence[Mapping[str, Any]]) -> list[SupportDeclaration]:
    _too_many(lines)
    rows = _Rows("declarations")
    built = []
    today = clock.today()
    for row, line in enumerate(lines):
        kind = str(line.get("kind") or "")
        if kind not in SupportDeclaration.Kind.values:
            rows.add(row, "kind", _("Choose the kind of support."))
        grantor = rows.text(row, "grantor", line.get("grantor"), missing=_("Name who granted the support."))
        granted_on = line.get("granted_on")
        if not isinstance(granted_on, date):
            rows.add(row, "granted_on", _("Give the date the support was granted."))
            granted_on = None
        elif granted_on > today:
            rows.add(row, "granted_on", _("The date the support was granted cannot be in the future."))
        elif implausible(granted_on):
            rows.add(row, "granted_on", implausible(granted_on))
        amount = rows.amount(row, "amount", line.get("amount"), label=_("Amount"), missing=_("Give the amount."))
        declaration = SupportDeclaration(
            application=application, kind=kind, grantor=grantor, granted_on=granted_on, amount=amount
        )
        rows.full_clean(row, declaration, {"kind", "grantor", "granted_on", "amount"})
        built.append(declaration)
    if rows.errors:
        raise InputViolation(rows.errors)
    return built


def _replace(manager: Any, model: Any, built: list[Any]) -> None:
    manager.all().delete()
    model.objects.bulk_create(built)


def cost_lines_replace(*, application: Application, actor: Any, lines: Sequence[Mapping[str, Any]]) -> None:
    """Replace all cost lines (``category``, ``description``, ``amount``; own hours with
    ``hours`` and ``hourly_rate``).  Every line is checked first; one bad line saves none."""
    application_budget_save(application=application, actor=actor, cost_lines=lines)


def financing_lines_replace(*, application: Application, actor: Any, lines: Sequence[Mapping[str, Any]]) -> None:
    """Replace all financing lines (``source``, ``amount``, ``description``); all or none."""
    application_budget_save(application=application, actor=actor, financing_lines=lines)


def application_budget_save(
    *,
    application: Application,
    actor: Any,
    cost_lines: Sequence[Mapping[str, Any]] | None = None,
    financing_lines: Sequence[Mapping[str, Any]] | None = None,
) -> None:
    """Step 3: replace the cost and the financing lines together, in one transaction.
    Every error of every line is reported at once; a refusal saves nothing."""
    _require_member(user=actor, company=application.company)
    errors: list[InputError] = []
    costs = financing = None
    try:
        costs = _cost_lines_build(application, cost_lines) if cost_lines is not None else None
    except InputViolation as violation:
        errors.extend(violation.errors)
    try:
        financing = _financing_lines_build(application, financing_lines) if financing_lines is not None else None
    except InputViolation as violation:
        errors.extend(violation.errors)
    with transaction.atomic():
        _lock_draft(application)
        if errors:
            raise InputViolation(errors)
        if costs is not None:
            _replace(application.cost_lines, CostLine, costs)
        if financing is not None:
            _replace(application.financing_lines, FinancingLine, financing)
        Application.objects.filter(pk=application.pk).update(updated_at=clock.now())


def support_declarations_replace(
    *, application: Application, actor: Any, declarations: Sequence[Mapping[str, Any]]
) -> None:
    """Replace the declared public support (``kind``, ``grantor``, ``granted_on``, ``amount``)."""
    application_declarations_save(application=application, actor=actor, declarations=declarations)


def application_declarations_save(
    *,
    application: Application,
    actor: Any,
    declarations: Sequence[Mapping[str, Any]],
    information_is_true: bool | None = None,
) -> Application:
    """Step 6: the declared public support and the promise that the information is true,
    saved together or not at all."""
    _require_member(user=actor, company=application.company)
    errors: list[InputError] = []
    built: list[SupportDeclaration] = []
    try:
        built = _declarations_build(application, declarations)
    except InputViolation as violation:
        errors.extend(violation.errors)
    with transaction.atomic():
        locked = _lock_draft(application)
        if errors:
            raise InputViolation(errors)
        _replace(locked.support_declarations, SupportDeclaration, built)
        if information_is_true is not None:
            locked.information_is_true = bool(information_is_true)
        locked.save()
    return locked


def application_company_save(
    *,
    application: Application,
    actor: Any,
    fields: Mapping[str, Any],
    contacts: Sequence[Mapping[str, Any]] | None = None,
) -> Company:
    """Step 1: the applying company's profile and contact people, while the application is
    a draft (a submitted one is changed only through its case)."""
    _require_member(user=actor, company=application.company)
    with transaction.atomic():
        _lock_draft(application)
        return company_update(company=application.company, actor=actor, fields=fields, contacts=contacts)
