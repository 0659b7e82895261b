"""Companies and their people: the organisation number, registering and keeping a
company's profile, asking to join a company, and inviting colleagues by e-mail."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from applications.models import Company, CompanyMember, Invitation, MembershipRequest, validate_org_number
from applications.permissions import is_company_member
from applications.services._common import _input_errors, _require_member
from programme import clock
from programme.errors import InputError, InputViolation, RuleViolation
from programme.locking import lock_objects, one
from programme.models import Municipality, Programme


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
        [company] = lock_objects(company)
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
    """A full address for a mail: SITE_URL (required in production) unless a caller names one."""
    return (site_url or settings.SITE_URL).rstrip("/") + path


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
        requests = MembershipRequest.objects.select_related("company", "user").filter(pk=membership_request.pk)
        [request] = lock_objects(one(requests))
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


def invitation_create(*, company: Company, actor: Any, email: str, site_url: str = "") -> Invitation:
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
        [invitations] = lock_objects(Invitation.objects.select_related("company").filter(token=str(token)))
        invitation = invitations[0] if invitations else None
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
    if not user.email_verified:
        raise RuleViolation(
            _("Confirm your e-mail address (follow the link we sent you) before you accept the invitation."),
            code="email",
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
