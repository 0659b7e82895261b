"""The board meeting's documents as PDF: the agenda pack (saksliste med saksframlegg) and the
minutes (protokoll), in Norwegian bokmål, A4, with page numbers and the programme's name.

Asking for a document records a new version as "being made" and enqueues the rendering on
commit; the Celery task renders it and stores it.  Each version is kept, so a pack once sent
to the board can be shown again exactly as sent.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from programme import clock
from programme.errors import RuleViolation
from programme.locking import lock_objects, one
from programme.permissions import is_admin_of, is_board_member_of
from workflow import tasks
from workflow.models import BoardMeeting, MeetingDocument
from workflow.selectors.board import meeting_agenda

logger = logging.getLogger(__name__)

TEMPLATES = {
    MeetingDocument.Kind.AGENDA_PACK: "pdf/agenda_pack.html",
    MeetingDocument.Kind.MINUTES: "pdf/minutes.html",
}


def meeting_document_request(*, meeting: BoardMeeting, kind: str, actor: Any) -> MeetingDocument:
    """Ask for a new version of the agenda pack or the minutes; it is made in the background."""
    if kind not in TEMPLATES:
        raise RuleViolation(_("Choose the agenda pack or the minutes."), code="kind")
    if not (is_admin_of(actor, meeting.programme_id) or is_board_member_of(actor, meeting.programme_id)):
        raise RuleViolation(
            _("Only the programme's administrators and board members make the meeting's documents."),
            code="not_allowed",
        )
    with transaction.atomic():
        # The meeting's lock numbers the versions one after the other.
        lock_objects(meeting)
        last = MeetingDocument.objects.filter(meeting=meeting, kind=kind).aggregate(last=Max("version"))["last"]
        document = MeetingDocument.objects.create(meeting=meeting, kind=kind, version=(last or 0) + 1, created_by=actor)
        transaction.on_commit(lambda: tasks.make_meeting_document.delay(document.pk))
    return document


def _context(meeting: BoardMeeting, kind: str) -> dict[str, Any]:
    agenda = meeting_agenda(meeting=meeting)
    context: dict[str, Any] = {
        "meeting": meeting,
        "programme": meeting.programme,
        "agenda": agenda,
        "made_on": clock.today(),
    }
    if kind == MeetingDocument.Kind.MINUTES:
        context["decided_rows"] = [row for row in agenda.rows if row.decision is not None]
        context["undecided_rows"] = [row for row in agenda.rows if row.decision is None]
        approvals = [row.decision for row in context["decided_rows"] if row.decision.outcome == "approve"]
        context["approved_total"] = sum((decision.amount for decision in approvals), start=Decimal("0"))
    return context


def meeting_document_render(*, meeting: BoardMeeting, kind: str) -> bytes:
    """The document as PDF bytes, always in Norwegian bokmål."""
    from weasyprint import HTML  # heavy; only the worker and the tests need it

    meeting = BoardMeeting.objects.select_related("programme").get(pk=meeting.pk)
    with translation.override("nb"):
        html = render_to_string(TEMPLATES[kind], _context(meeting, kind))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def meeting_document_make(*, document_id: int) -> MeetingDocument:
    """Render and store a requested version; safe to run twice (a made version is kept as is)."""
    document = MeetingDocument.objects.select_related("meeting__programme").get(pk=document_id)
    if document.status == MeetingDocument.Status.READY:
        return document
    try:
        pdf = meeting_document_render(meeting=document.meeting, kind=document.kind)
    except Exception:
        logger.exception("The %s of meeting %s could not be made", document.kind, document.meeting_id)
        MeetingDocument.objects.filter(pk=document.pk, status=MeetingDocument.Status.PENDING).update(
            status=MeetingDocument.Status.FAILED, finished_at=clock.now()
        )
        raise
    with transaction.atomic():
        documents = MeetingDocument.objects.select_related("meeting__programme").filter(pk=document_id)
        [document] = lock_objects(one(documents))
        if document.status == MeetingDocument.Status.READY:
            return document  # another worker finished first
        document.file.save(document.file_name, ContentFile(pdf), save=False)
        document.size = len(pdf)
        document.status = MeetingDocument.Status.READY
        document.finished_at = clock.now()
        document.save(update_fields=["file", "size", "status", "finished_at"])
    return document
