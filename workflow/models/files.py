"""Documents kept on a case: the applicant's attachments to payment requests and final
reports, and the programme's letters."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programme import clock

from .case import Case
from .money import FinalReport, PaymentRequest


def case_file_path(instance: CaseFile, filename: str) -> str:
    # The stored name is random: the original name is kept only as data, never as a path.
    return f"case_files/{instance.case_id}/{uuid.uuid4().hex}"


class CaseFile(models.Model):
    """Dokument: a file of the case, stored privately and served only to those who may see
    the case."""

    class Kind(models.TextChoices):
        PAYMENT_REQUEST = "payment_request", _("Attachment to a payment request")
        FINAL_REPORT = "final_report", _("Attachment to the final report")
        LETTER = "letter", _("Letter")
        OTHER = "other", _("Other document")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to=case_file_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=clock.now)
    payment_request = models.ForeignKey(
        PaymentRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    final_report = models.ForeignKey(FinalReport, on_delete=models.PROTECT, null=True, blank=True, related_name="files")

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["case", "kind"])]
        constraints = [
            # The final report's attachments also document its final payment request.
            models.CheckConstraint(
                condition=Q(payment_request__isnull=True) | Q(kind__in=["payment_request", "final_report"]),
                name="case_file_payment_request_kind",
            ),
            models.CheckConstraint(
                condition=Q(final_report__isnull=True) | Q(kind="final_report"),
                name="case_file_final_report_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
