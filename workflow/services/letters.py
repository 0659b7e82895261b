"""Brev: the letters of a decided case (tilsagnsbrev, avslag, avvisning) as PDF.

A letter is rendered once, in the background, and stored as a ``CaseFile``; from then on the
stored file is what the applicant and the staff see, so a letter is always shown as sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format

from programme import clock
from programme.errors import RuleViolation
from programme.money import format_nok
from workflow import tasks
from workflow.models import Case, CaseFile, Decision, LegalBasis
from workflow.services._core import lock_case
from workflow.services.files import case_file_add


@dataclass(frozen=True)
class LetterKind:
    outcome: str
    file_prefix: str
    template: str


KINDS: dict[str, LetterKind] = {
    "offer": LetterKind(Decision.Outcome.APPROVE, "tilsagnsbrev", "pdf/offer_letter.html"),
    "refusal": LetterKind(Decision.Outcome.REJECT, "avslag", "pdf/refusal_letter.html"),
    "dismissal": LetterKind(Decision.Outcome.DISMISS, "avvisning", "pdf/dismissal_letter.html"),
}


def _letter_kind(kind: str) -> LetterKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise RuleViolation(f"Unknown letter kind: {kind!r}", code="letter_kind") from None


def _decision_of(case: Case, letter: LetterKind) -> Decision:
    """The decision the letter tells of: the case's latest one of that outcome."""
    decision = case.decisions.filter(outcome=letter.outcome).order_by("-decided_at", "-pk").first()
    if decision is None:
        raise RuleViolation(f"Case {case.reference} has no decision to write a letter about.", code="no_decision")
    return decision


def _file_name(case: Case, letter: LetterKind, decision: Decision) -> str:
    # One name per decision: a second refusal (after an appeal) gets a letter of its own.
    earlier = case.decisions.filter(outcome=letter.outcome, pk__lt=decision.pk).count()
    return _letter_name(letter, case.reference, earlier)


def _letter_name(letter: LetterKind, reference: str, earlier: int) -> str:
    suffix = f"-{earlier + 1}" if earlier else ""
    return f"{letter.file_prefix}-{reference}{suffix}.pdf"


def _weeks_or_days(days: int) -> str:
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} uke" if weeks == 1 else f"{weeks} uker"
    return f"{days} dager"


def _percent(value: Decimal) -> str:
    text = number_format(value, 2)
    # 40,00 → 40; 44,44 stays.
    return text[:-3] if text.endswith(",00") else text


def _context(case: Case, kind: str, decision: Decision) -> dict[str, Any]:
    programme = case.programme
    application = case.application
    context: dict[str, Any] = {
        "kind": kind,
        "case": case,
        "programme": programme,
        "application": application,
        "company": application.company,
        "decision": decision,
        "decided_on": timezone.localdate(decision.decided_at),
        "meeting": decision.meeting,
        "case_url": settings.SITE_URL.rstrip("/") + reverse("workflow:case_detail", args=[case.reference]),
        "appeal_period": _weeks_or_days(programme.appeal_days),
        "appeal_deadline": timezone.localdate(decision.decided_at) + timedelta(days=programme.appeal_days),
    }
    if kind == "offer":
        offer = decision.offer
        context.update(
            offer=offer,
            amount=format_nok(offer.amount),
            support_share=_percent(offer.support_share),
            holdback_amount=format_nok(offer.holdback_amount),
            holdback_share=_percent(programme.holdback_share),
            payable_before_final_report=format_nok(offer.payable_before_final_report()),
            amount_eur=number_format(offer.amount_eur, 2, force_grouping=True),
            eur_nok_rate=number_format(programme.eur_nok_rate, 4),
            is_de_minimis=offer.legal_basis == LegalBasis.DE_MINIMIS,
            is_block_exemption=offer.legal_basis == LegalBasis.BLOCK_EXEMPTION,
            start_months=programme.start_months,
        )
    return context


def letter_render(*, case: Case, kind: str) -> bytes:
    """The letter ``kind`` (offer, refusal, dismissal) of the case's decision, as PDF bytes.

    Always in Norwegian bokmål, whatever language the person who triggered it uses.
    """
    from weasyprint import HTML  # heavy; only the worker and the tests need it

    letter = _letter_kind(kind)
    case = Case.objects.select_related("programme", "application__company").get(pk=case.pk)
    decision = _decision_of(case, letter)
    with translation.override("nb"):
        html = render_to_string(letter.template, _context(case, kind, decision))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _existing(case: Case, name: str) -> CaseFile | None:
    return case.files.filter(kind=CaseFile.Kind.LETTER, original_name=name).order_by("pk").first()


def letter_issue(*, case_id: int, kind: str, issued_at: datetime | None = None) -> CaseFile:
    """Render the letter and keep it on the case, with a timeline event; safe to run twice.

    If the case already holds the letter for this decision, that stored letter is returned and
    nothing is rendered again.  ``issued_at`` is the moment of the decision's event (see
    ``letter_requested``): the stored letter and its timeline event are dated then, so a
    decision made as of an earlier day does not get a letter dated the day the worker ran.
    Without it (a lost request asked for again) they are dated now.
    """
    letter = _letter_kind(kind)
    case = Case.objects.select_related("programme", "application").get(pk=case_id)
    name = _file_name(case, letter, _decision_of(case, letter))
    found = _existing(case, name)
    if found is not None:
        return found
    # Render outside the lock (it takes a while), then lock, look again and store.
    pdf = letter_render(case=case, kind=kind)
    with transaction.atomic():
        case = lock_case(case_id)
        current = _file_name(case, letter, _decision_of(case, letter))
        found = _existing(case, current)
        if found is not None:
            return found
        if current != name:
            # A newer decision came in meanwhile: its letter is the one to send, dated now.
            name, pdf, issued_at = current, letter_render(case=case, kind=kind), None
        with clock.travel_to(issued_at or clock.now()):
            return case_file_add(case=case, actor=None, upload=ContentFile(pdf, name=name), kind=CaseFile.Kind.LETTER)


# A decision's letter is asked for when the decision commits.  If that request is lost (the
# database committed but its answer never reached the web process, or Redis lost the queue),
# the hourly resume asks again; issuing is safe twice.
RESUME_AFTER = timedelta(minutes=15)
RESUME_WITHIN = timedelta(days=30)
_KIND_OF_OUTCOME = {letter.outcome: kind for kind, letter in KINDS.items()}


def letters_resume(*, now: Any = None) -> list[tuple[int, str]]:
    """Ask again for each letter missing for a decision made 15 minutes to 30 days ago (not for
    imported cases: their letters were sent before).  Returns the (case id, kind) asked for."""
    now = now or clock.now()
    recent = Decision.objects.filter(
        outcome__in=_KIND_OF_OUTCOME,
        decided_at__range=(now - RESUME_WITHIN, now - RESUME_AFTER),
        case__imported=False,
    ).values_list("case_id", "outcome")
    wanted = set(recent)
    if not wanted:
        return []
    case_ids = {case_id for case_id, _ in wanted}
    # The letter of each case's latest decision of an outcome is named by how many it has.
    counts = {
        (row["case_id"], row["outcome"]): row["n"]
        for row in Decision.objects.filter(case_id__in=case_ids, outcome__in=_KIND_OF_OUTCOME)
        .values("case_id", "outcome")
        .annotate(n=Count("pk"))
    }
    references = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "reference"))
    stored = set(
        CaseFile.objects.filter(case_id__in=case_ids, kind=CaseFile.Kind.LETTER).values_list("case_id", "original_name")
    )
    asked = []
    for case_id, outcome in sorted(wanted):
        kind = _KIND_OF_OUTCOME[outcome]
        name = _letter_name(KINDS[kind], references[case_id], counts[(case_id, outcome)] - 1)
        if (case_id, name) not in stored:
            tasks.issue_letter.delay(case_id, kind)
            asked.append((case_id, kind))
    return asked
