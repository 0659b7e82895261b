"""Every write on companies and applications.  Submitting an application starts a case and
so lives in ``workflow.services``."""

from __future__ import annotations

import logging
import os
import re
import secrets
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
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
    SupportDeclaration,
    validate_org_number,
)
from applications.permissions import is_company_member
from programme import clock
from programme.errors import RuleViolation
from programme.models import Municipality, Programme

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InputError:
    """One refused input: the field (``None`` for the whole form) and, for a list of lines,
    which list (``group``) and which line (``row``, counted from 0)."""

    field: str | None
    message: str
    row: int | None = None
    group: str | None = None


class InputViolation(RuleViolation):
    """A refusal of what a person typed, with every error found, each tied to its field, so
    that a page can show the message where it belongs.  Nothing has been written."""

    def __init__(self, errors: Sequence[InputError], *, code: str = "invalid") -> None:
        super().__init__(" ".join(str(error.message) for error in errors), code=code)
        self.errors = list(errors)


def _input_errors(error: ValidationError, *, row: int | None = None, group: str | None = None) -> list[InputError]:
    if hasattr(error, "error_dict"):
        return [
            InputError(None if name == NON_FIELD_ERRORS else name, " ".join(messages), row, group)
            for name, messages in error.message_dict.items()
        ]
    return [InputError(None, " ".join(error.messages), row, group)]


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
        message = _("%(value)s is not a valid organisation number: it must be nine digits with a correct check digit.")
        raise InputViolation([InputError("org_number", message % {"value": value})], code="org_number") from error
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
        raise InputViolation(
            [InputError("municipality", _("The municipality does not belong to this programme."))], code="municipality"
        )
    if not name.strip():
        raise InputViolation([InputError("name", _("Give the company's name."))], code="name")
    if employees_fte < 0:
        raise InputViolation(
            [InputError("employees_fte", _("The number of employees cannot be negative."))], code="employees"
        )
    company = Company(
        programme=programme,
        org_number=number,
        name=name.strip(),
        municipality=municipality,
        address=address.strip(),
        postal_code=postal_code.strip(),
        city=city.strip(),
        industry_code=industry_code.strip(),
        employees_fte=employees_fte,
    )
    with transaction.atomic():
        if Company.objects.filter(programme=programme, org_number=number).exists():
            message = _("A company with organisation number %(number)s is already registered; ask to join it.")
            raise InputViolation([InputError("org_number", message % {"number": number})], code="company_exists")
        _company_validate(company)
        company.save()
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
        raise InputViolation(
            [InputError("focus_area", _("The focus area does not belong to this programme."))], code="focus_area"
        )
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
    # Control characters (NUL above all, which PostgreSQL refuses) have no place in a name.
    printable = "".join(character for character in os.path.basename(str(upload.name)) if character.isprintable())
    original_name = printable.strip()[:255] or "vedlegg"
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


def attachment_delete(*, attachment: Attachment, actor: Any) -> None:
    """Remove an attachment from a draft; the stored file goes once the removal is committed."""
    application = attachment.application
    _require_member(user=actor, company=application.company)
    with transaction.atomic():
        _lock_draft(application)
        storage, name = attachment.file.storage, attachment.file.name
        attachment.delete()

        def delete_file() -> None:
            storage.delete(name)

        transaction.on_commit(delete_file, robust=True)


# --- The company's profile and its people -------------------------------------------------

COMPANY_FIELDS = {"name", "address", "postal_code", "city", "municipality", "industry_code", "employees_fte"}
_POSTAL_CODE = re.compile(r"[0-9]{4}")
_INDUSTRY_CODE = re.compile(r"[0-9]{2}(\.?[0-9]{1,3})?")
_PHONE = re.compile(r"\+?[0-9 ()-]{4,30}")


def _company_errors(company: Company) -> list[InputError]:
    """What is wrong with a company's profile, field by field."""
    errors: list[InputError] = []
    if not company.name.strip():
        errors.append(InputError("name", _("Give the company's name.")))
    if company.postal_code and not _POSTAL_CODE.fullmatch(company.postal_code):
        errors.append(InputError("postal_code", _("A postal code is four digits, such as 2815.")))
    if company.industry_code and not _INDUSTRY_CODE.fullmatch(company.industry_code):
        errors.append(InputError("industry_code", _("An industry code (SN2007) is digits, such as 62.010.")))
    if company.municipality_id and company.municipality.programme_id != company.programme_id:
        errors.append(InputError("municipality", _("The municipality does not belong to this programme.")))
    if company.employees_fte is not None and company.employees_fte < 0:
        errors.append(InputError("employees_fte", _("The number of employees cannot be negative.")))
    try:
        company.full_clean(exclude=["programme", "org_number", *{e.field for e in errors if e.field}])
    except ValidationError as error:
        errors.extend(_input_errors(error))
    return errors


def _company_validate(company: Company) -> None:
    errors = _company_errors(company)
    if errors:
        raise InputViolation(errors)


def _contacts_build(company: Company, contacts: Sequence[Mapping[str, Any]]) -> list[CompanyMember]:
    """The people's contact details as given, checked row by row."""
    members = {member.pk: member for member in company.memberships.all()}
    errors: list[InputError] = []
    changed: list[CompanyMember] = []
    for row, contact in enumerate(contacts):
        member = members.get(contact.get("member"))  # type: ignore[arg-type]
        if member is None:
            errors.append(InputError(None, _("The person does not act for this company."), row, "contacts"))
            continue
        phone = " ".join(str(contact.get("phone") or "").split())
        title = " ".join(str(contact.get("title") or "").split())
        if phone and not _PHONE.fullmatch(phone):
            errors.append(
                InputError("phone", _("Write the phone number with digits, such as +47 612 34 567."), row, "contacts")
            )
        if len(title) > 100:
            errors.append(InputError("title", _("Keep the title under 100 characters."), row, "contacts"))
        member.is_contact = bool(contact.get("is_contact"))
        member.phone, member.title = phone, title
        changed.append(member)
    if errors:
        raise InputViolation(errors)
    return changed


def company_update(
    *,
    company: Company,
    actor: Any,
    fields: Mapping[str, Any],
    contacts: Sequence[Mapping[str, Any]] | None = None,
) -> Company:
    """Keep the company's profile and its contact people (``contacts``: ``member`` id,
    ``is_contact``, ``phone``, ``title``).  All is saved, or nothing."""
    _require_member(user=actor, company=company)
    unknown = set(fields) - COMPANY_FIELDS
    if unknown:
        raise RuleViolation(_("Unknown field: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company.pk)
        for name, value in fields.items():
            setattr(company, name, value.strip() if isinstance(value, str) else value)
        errors = _company_errors(company)
        members: list[CompanyMember] = []
        if contacts is not None:
            try:
                members = _contacts_build(company, contacts)
            except InputViolation as violation:
                errors.extend(violation.errors)
        if errors:
            raise InputViolation(errors)
        company.save()
        for member in members:
            member.save(update_fields=["is_contact", "phone", "title"])
    return company


def _is_person(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _mail_send(*, to: list[str], subject_template: str, body_template: str, context: dict, language: str) -> None:
    with translation.override(language):
        subject = " ".join(render_to_string(subject_template, context).split())
        body = render_to_string(body_template, context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def _on_commit_mail(**mail: Any) -> None:
    # Robust: a mail server that is down must not undo the action nor show an error page.
    def send() -> None:
        _mail_send(**mail)

    transaction.on_commit(send, robust=True)


def _site_link(site_url: str, path: str) -> str:
    return (site_url.rstrip("/") + path) if site_url else path


def membership_request_create(*, company: Company, user: Any, site_url: str = "") -> MembershipRequest:
    """Ask to act for a registered company; its people are told and one of them answers.
    Asking again while a request waits returns the waiting request."""
    if not _is_person(user):
        raise RuleViolation(_("Log in to ask to join a company."), code="not_logged_in")
    if is_company_member(user, company):
        raise RuleViolation(_("You already act for %(company)s.") % {"company": company.name}, code="already_member")
    with transaction.atomic():
        request, created = MembershipRequest.objects.get_or_create(company=company, user=user, decided_at=None)
        if created:
            link = _site_link(site_url, reverse("applications:companies"))
            for member in company.memberships.select_related("user"):
                _on_commit_mail(
                    to=[member.user.email],
                    subject_template="applications/emails/membership_request_subject.txt",
                    body_template="applications/emails/membership_request.txt",
                    context={"company": company.name, "person": str(user), "email": user.email, "link": link},
                    language=member.user.language,
                )
    return request


def membership_request_decide(
    *, membership_request: MembershipRequest, actor: Any, accept: bool, site_url: str = ""
) -> MembershipRequest:
    """A member lets the person join (a membership is added), or refuses."""
    _require_member(user=actor, company=membership_request.company)
    with transaction.atomic():
        request = MembershipRequest.objects.select_for_update().select_related("company", "user")
        request = request.get(pk=membership_request.pk)
        if request.decided_at is not None:
            raise RuleViolation(_("The request has already been answered."), code="decided")
        request.decided_at = clock.now()
        request.decided_by = actor
        request.accepted = bool(accept)
        request.save(update_fields=["decided_at", "decided_by", "accepted"])
        if accept:
            CompanyMember.objects.get_or_create(company=request.company, user=request.user)
        _on_commit_mail(
            to=[request.user.email],
            subject_template="applications/emails/membership_decided_subject.txt",
            body_template="applications/emails/membership_decided.txt",
            context={
                "company": request.company.name,
                "accepted": request.accepted,
                "link": _site_link(site_url, reverse("applications:companies")),
            },
            language=request.user.language,
        )
    return request


def _email_clean(value: str) -> str:
    address = str(value).strip().lower()
    try:
        if not address or len(address) > 254:
            raise ValidationError("length")
        validate_email(address)
    except ValidationError as error:
        raise InputViolation(
            [InputError("email", _("Write an e-mail address, such as name@example.no."))], code="email"
        ) from error
    return address


def invitation_create(*, company: Company, actor: Any, email: str, site_url: str) -> Invitation:
    """Invite a colleague by e-mail.  The mail, with a link to accept, goes once the
    invitation is saved; inviting the same address again sends the open invitation again."""
    _require_member(user=actor, company=company)
    address = _email_clean(email)
    if company.memberships.filter(user__email__iexact=address).exists():
        raise InputViolation(
            [InputError("email", _("%(email)s already acts for the company.") % {"email": address})],
            code="already_member",
        )
    with transaction.atomic():
        invitation = Invitation.objects.filter(
            company=company,
            email=address,
            accepted_at__isnull=True,
            created_at__gt=clock.now() - Invitation.VALID_FOR,
        ).first()
        if invitation is None:
            invitation = Invitation.objects.create(
                company=company, email=address, invited_by=actor, token=secrets.token_urlsafe(32)
            )
        link = _site_link(site_url, reverse("applications:invitation_accept", kwargs={"token": invitation.token}))
        _on_commit_mail(
            to=[address],
            subject_template="applications/emails/invitation_subject.txt",
            body_template="applications/emails/invitation.txt",
            context={
                "company": company.name,
                "inviter": str(actor),
                "link": link,
                "valid_days": Invitation.VALID_FOR.days,
            },
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
    return invitation


def invitation_accept(*, token: str, user: Any) -> CompanyMember:
    """The invited person, logged in with the address the invitation was sent to, joins."""
    if not _is_person(user):
        raise RuleViolation(_("Log in to accept the invitation."), code="not_logged_in")
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("company").filter(token=str(token)).first()
        if invitation is None:
            raise RuleViolation(
                _("The invitation link is not valid. Check that you opened the whole link from the e-mail."),
                code="invitation_invalid",
            )
        invitation_check(invitation=invitation, user=user)
        member, _created = CompanyMember.objects.get_or_create(company=invitation.company, user=user)
        if invitation.accepted_at is None:
            now = clock.now()
            invitation.accepted_at, invitation.accepted_by = now, user
            invitation.save(update_fields=["accepted_at", "accepted_by"])
            MembershipRequest.objects.filter(company=invitation.company, user=user, decided_at=None).update(
                decided_at=now, decided_by=invitation.invited_by, accepted=True
            )
    return member


# --- Lists of lines: costs, financing, declared support -----------------------------------

LINES_MAX = 100


def _lock_draft(application: Application) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _require_draft(locked)
    return locked


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


def invitation_check(*, invitation: Invitation, user: Any) -> None:
    """Refuse, with the reason, if ``user`` cannot accept ``invitation`` now."""
    if not _is_person(user):
        raise RuleViolation(_("Log in to accept the invitation."), code="not_logged_in")
    if invitation.email.lower() != user.email.lower():
        raise RuleViolation(
            _(
                "The invitation was sent to %(invited)s, but you are logged in as %(current)s. "
                "Log in with %(invited)s (or create an account with that address) to accept it."
            )
            % {"invited": invitation.email, "current": user.email},
            code="wrong_email",
        )
    if invitation.accepted_at is not None:
        if CompanyMember.objects.filter(company=invitation.company, user=user).exists():
            return  # following the link twice is harmless
        raise RuleViolation(_("The invitation has already been used."), code="invitation_used")
    if invitation.is_expired():
        raise RuleViolation(
            _("The invitation has expired: it was valid for %(days)s days. Ask for a new invitation.")
            % {"days": Invitation.VALID_FOR.days},
            code="invitation_expired",
        )
