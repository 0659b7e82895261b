"""Background work on cases.  Tasks take ids, re-read state, call a service, and are safe to
run twice."""

from __future__ import annotations

import logging

from celery import shared_task

from programme.errors import RuleViolation

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def issue_letter(case_id: int, kind: str) -> int | None:
    """Render and store the case's letter ``kind``; a rerun returns the letter already kept."""
    # Imported here: the services import this module to enqueue the task.
    from workflow.models import Case
    from workflow.services.letters import letter_issue

    try:
        return letter_issue(case_id=case_id, kind=kind).pk
    except (Case.DoesNotExist, RuleViolation) as gone:
        # The case or its decision is gone (rolled back, deleted): nothing to send, no retry.
        logger.warning("No %s letter for case %s: %s", kind, case_id, gone)
        return None


@shared_task(acks_late=True)
def make_meeting_document(document_id: int) -> int | None:
    """Render and store a requested agenda pack or minutes; a rerun keeps the version made."""
    from workflow.models import MeetingDocument
    from workflow.services.meeting_documents import meeting_document_make

    try:
        return meeting_document_make(document_id=document_id).pk
    except MeetingDocument.DoesNotExist:
        # Asked for in a transaction that was rolled back: nothing to make, no retry.
        logger.warning("No meeting document %s to make", document_id)
        return None
