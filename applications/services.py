"""Every write on companies and applications.  Submitting an application starts a case and
so lives in ``workflow.services``."""

from __future__ import annotations

import os
import zipfile
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import (
    Application,
    Attachment,
    Company,
    CompanyMember,
    CostLine,
    FinancingLine,
    SupportDeclaration,
    validate_org_number,
)
from applications.permissions import is_company_member
from programme.errors import RuleViolation
from programme.models import Municipality, Programme


def _require_member(*, user: Any, company: Company) -> None:
    if not is_company_member(user, company):
        raise RuleViolation(_("Only people who act for the company may do this."), code="not_member")


def _require_draft(application: Application) -> None:
    if application.status != Application.Status.DRAFT:
        raise RuleViolation(_("The application has been submitted; changes are made on the case."), code="not_draft")


def org_number_clean(value: str) -> str:
    """Accept spaces as people type them (``974 760 673``); refuse anything else."""
    compact = "".join(str(value).split())
    try:
        if not (compact.isascii() and compact.isdigit()):
            # stdnum accepts other scripts' digits; we store only 0-9 so numbers compare equal.
            raise ValidationError("not ASCII digits")
        validate_org_number(compact)
    except ValidationError as error:
        raise RuleViolation(
            _("%(value)s is not a valid organisation number: it must be nine digits with a correct check digit.")
            % {"value": value},
            code="org_number",
        ) from error
    return compact


def company_create(
    *,
    programme: Programme,
    user: Any,
    org_number: str,
    name: str,
    municipality: Municipality,
    address: str = "",
    postal_code: str = "",
    city: str = "",
    industry_code: str = "",
    employees_fte: Decimal = Decimal("0"),
) -> Company:
    """Register a company; the person who registers it becomes its first contact."""
    number = org_number_clean(org_number)
    if municipality.programme_id != programme.pk:
        raise RuleViolation(_("The municipality does not belong to this programme."), code="municipality")
    if not name.strip():
        raise RuleViolation(_("Give the company's name."), code="name")
    if employees_fte < 0:
        raise RuleViolation(_("The number of employees cannot be negative."), code="employees")
    with transaction.atomic():
        if Company.objects.filter(programme=programme, org_number=number).exists():
            raise RuleViolation(
                _("A company with organisation number %(number)s is already registered; ask to join it.")
                % {"number": number},
                code="company_exists",
            )
        company = Company.objects.create(
            programme=programme,
            org_number=number,
            name=name.strip(),
            municipality=municipality,
            address=address,
            postal_code=postal_code,
            city=city,
            industry_code=industry_code,
            employees_fte=employees_fte,
        )
        CompanyMember.objects.create(company=company, user=user, is_contact=True)
    return company


def company_member_add(*, company: Company, actor: Any, user: Any, is_contact: bool = False) -> CompanyMember:
    _require_member(user=actor, company=company)
    member, _created = CompanyMember.objects.get_or_create(
        company=company, user=user, defaults={"is_contact": is_contact}
    )
    return member


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
        raise RuleViolation(_("The focus area does not belong to this programme."), code="focus_area")
    try:
        application.full_clean(exclude=["programme", "company", "created_by"])
    except ValidationError as error:
        raise RuleViolation(" ".join(error.messages), code="invalid") from error
    application.save()
    return application


def _amount(value: Any, label: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise RuleViolation(_("%(label)s must be an amount in kroner.") % {"label": label}) from error
    if not amount.is_finite() or amount < 0:
        raise RuleViolation(_("%(label)s cannot be negative.") % {"label": label})
    if amount >= Decimal("1e12"):
        raise RuleViolation(_("%(label)s is larger than any project this programme supports.") % {"label": label})
    return amount.quantize(Decimal("0.01"))


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
    return SupportDeclaration.objects.create(
        application=application, kind=kind, grantor=grantor, granted_on=granted_on, amount=_amount(amount, _("Amount"))
    )


def _sniff_type(head: bytes, upload: Any) -> str | None:
    """The file's real type from its first bytes (and, for Office files, its zip parts)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            if "xl/workbook.xml" in names:
                return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def attachment_add(*, application: Application, actor: Any, upload: Any, description: str = "") -> Attachment:
    """Store an attachment privately after checking its size and its type by content."""
    _require_member(user=actor, company=application.company)
    _require_draft(application)
    if upload.size > Attachment.MAX_SIZE:
        raise RuleViolation(
            _("The file is larger than %(max)s MB.") % {"max": Attachment.MAX_SIZE // (1024 * 1024)}, code="too_large"
        )
    upload.seek(0)
    head = upload.read(16)
    content_type = _sniff_type(head, upload)
    upload.seek(0)
    if content_type is None:
        raise RuleViolation(
            _("The file's content is not PDF, DOCX, XLSX, PNG or JPEG, whatever its name says."), code="file_type"
        )
    original_name = os.path.basename(str(upload.name))[:255] or "vedlegg"
    with transaction.atomic():
        attachment = Attachment(
            application=application,
            original_name=original_name,
            content_type=content_type,
            size=upload.size,
            description=description[:200],
            uploaded_by=actor,
        )
        attachment.file.save(original_name, upload, save=False)
        # If the row cannot be written, the stored file must not stay behind.
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment
