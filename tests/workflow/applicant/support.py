"""What the tests of the applicant's pages share: the case page's address, a PDF to upload, what
a refusal must leave as it was, and the addresses of the applicant's actions."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workflow.models import (
    Case,
    CaseFile,
    LedgerEntry,
    PaymentRequest,
    TimelineEvent,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def case_page(case: Case) -> str:
    return reverse("workflow:case_detail", args=[case.reference])


def pdf(name: str = "faktura.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def trace(case: Case) -> tuple[str, int, int, int, int]:
    """What a refused action must leave as it was: state, timeline, ledger, requests, files."""
    return (
        Case.objects.get(pk=case.pk).state,
        TimelineEvent.objects.filter(case=case).count(),
        LedgerEntry.objects.filter(case=case).count(),
        PaymentRequest.objects.filter(case=case).count(),
        CaseFile.objects.filter(case=case).count(),
    )


def text_of(response) -> str:
    return response.content.decode()


ACTION_URLS = {
    "resubmit": "workflow:case_resubmit",
    "withdraw": "workflow:case_withdraw",
    "accept": "workflow:offer_accept",
    "decline": "workflow:offer_decline",
    "request_payment": "workflow:payment_request_create",
    "final_report": "workflow:final_report_file",
    "job_report": "workflow:job_report_file",
    "appeal": "workflow:case_appeal",
}
