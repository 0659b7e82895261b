"""Documents on a case: storing a checked file, and the applicant's payment request and final
report sent together with their attachments."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import Attachment
from applications.services import sniff_content_type
from programme.errors import RuleViolation
from workflow.models import Case, CaseFile, FinalReport, PaymentRequest, TimelineEvent
from workflow.permissions import is_case_applicant, is_case_staff
from workflow.services._core import record, refuse_declared_conflict
from workflow.services.payments import final_report_file, payment_request_create

# The applicant documents his or her own requests and reports; letters and other documents
# come from the programme (its staff, or the system itself).
APPLICANT_KINDS = {CaseFile.Kind.PAYMENT_REQUEST, CaseFile.Kind.FINAL_REPORT}


def _file_name(upload: Any) -> str:
    # Control characters (NUL above all, which PostgreSQL refuses) have no place in a name.
    name = "".join(c for c in os.path.basename(str(upload.name or "")) if c.isprintable())
    return name.strip()[:255] or "dokument"


def case_file_check(*, upload: Any) -> str:
    """The file's real type, by its content; refuse a file that is too large or of another
    type, whatever its name says (the same rule as the application's attachments)."""
    name = _file_name(upload)
    if upload.size > Attachment.MAX_SIZE:
        raise RuleViolation(
            _("“%(name)s” is larger than %(max)s MB.") % {"name": name, "max": Attachment.MAX_SIZE // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    content_type = sniff_content_type(upload.read(16), upload)
    upload.seek(0)
    if content_type not in Attachment.ALLOWED_TYPES:
        raise RuleViolation(
            _("The content of “%(name)s” is not PDF, DOCX, XLSX, PNG or JPEG, whatever its name says.")
            % {"name": name},
            code="file_type",
        )
    return content_type


def _require_may_add(case: Case, actor: Any, kind: str) -> None:
    if actor is None:
        return  # the system itself (letters from a task)
    if kind in APPLICANT_KINDS and is_case_applicant(actor, case):
        return
    refuse_declared_conflict(case, actor)
    if not is_case_staff(actor, case):
        raise RuleViolation(_("You may not add documents to this case."), code="not_allowed")


def case_file_add(
    *,
    case: Case,
    actor: Any,
    upload: Any,
    kind: str,
    payment_request: PaymentRequest | None = None,
    final_report: FinalReport | None = None,
) -> CaseFile:
    """Store a checked file privately on the case.  Letters and other documents leave a
    timeline event; an attachment is part of its request's or report's own event."""
    if kind not in CaseFile.Kind.values:
        raise RuleViolation(_("Choose the kind of document."), code="kind")
    if payment_request is not None and payment_request.case_id != case.pk:
        raise RuleViolation(_("The payment request belongs to another case."))
    if final_report is not None and final_report.case_id != case.pk:
        raise RuleViolation(_("The final report belongs to another case."))
    _require_may_add(case, actor, kind)
    content_type = case_file_check(upload=upload)
    name = _file_name(upload)
    case_file = CaseFile(
        case=case,
        kind=kind,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
        payment_request=payment_request,
        final_report=final_report,
    )
    case_file.file.save(name, upload, save=False)
    # If the row cannot be written, the stored file must not stay behind.
    try:
        with transaction.atomic():
            case_file.save()
            if kind not in APPLICANT_KINDS:
                record(
                    case=case,
                    actor=actor,
                    kind=TimelineEvent.Kind.DOCUMENT,
                    action="letter.issued" if kind == CaseFile.Kind.LETTER else "document.added",
                    data={"name": name, "file_id": case_file.pk},
                )
    except Exception:
        case_file.file.delete(save=False)
        raise
    return case_file


def _add_all(stored: list[CaseFile], uploads: list[Any], **fields: Any) -> None:
    for upload in uploads:
        stored.append(case_file_add(upload=upload, **fields))


def _forget(stored: list[CaseFile]) -> None:
    for case_file in stored:
        case_file.file.delete(save=False)


def payment_request_send(
    *, case: Case, actor: Any, amount: Any, costs_to_date: Any, report: str, uploads: Iterable[Any] = ()
) -> PaymentRequest:
    """The applicant's part-payment request with the documentation of its costs: the files
    are checked first, and the request and its files are written together or not at all."""
    files = list(uploads)
    for upload in files:
        case_file_check(upload=upload)
    stored: list[CaseFile] = []
    try:
        with transaction.atomic():
            request = payment_request_create(
                case=case, actor=actor, amount=amount, costs_to_date=costs_to_date, report=report
            )
            _add_all(
                stored,
                files,
                case=request.case,
                actor=actor,
                kind=CaseFile.Kind.PAYMENT_REQUEST,
                payment_request=request,
            )
    except Exception:
        _forget(stored)
        raise
    return request


def final_report_send(
    *, case: Case, actor: Any, text: str, amount: Any, costs_to_date: Any, uploads: Iterable[Any] = ()
) -> FinalReport:
    """Sluttrapport with the final payment request and its attachments, all or nothing."""
    files = list(uploads)
    for upload in files:
        case_file_check(upload=upload)
    stored: list[CaseFile] = []
    try:
        with transaction.atomic():
            report = final_report_file(case=case, actor=actor, text=text, amount=amount, costs_to_date=costs_to_date)
            final_request = PaymentRequest.objects.filter(case_id=report.case_id, is_final=True).order_by("-pk").first()
            _add_all(
                stored,
                files,
                case=report.case,
                actor=actor,
                kind=CaseFile.Kind.FINAL_REPORT,
                final_report=report,
                payment_request=final_request,
            )
    except Exception:
        _forget(stored)
        raise
    return report
