"""Background work on cases.  Tasks take ids, re-read state, call a service, and are safe to
run twice."""

from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task
from django.conf import settings

from programme.errors import RuleViolation

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def issue_letter(case_id: int, kind: str, issued_at: str | None = None) -> int | None:
    """Render and store the case's letter ``kind``; a rerun returns the letter already kept.
    ``issued_at`` (ISO 8601) is the moment of the decision's event, which dates the letter."""
    # Imported here: the services import this module to enqueue the task.
    from workflow.models import Case
    from workflow.services.letters import letter_issue

    try:
        moment = datetime.fromisoformat(issued_at) if issued_at else None
        return letter_issue(case_id=case_id, kind=kind, issued_at=moment).pk
    except (Case.DoesNotExist, RuleViolation) as gone:
        # The case or its decision is gone (rolled back, deleted): nothing to send, no retry.
        logger.warning("No %s letter for case %s: %s", kind, case_id, gone)
        return None


@shared_task(acks_late=True)
def resume_letters() -> int:
    """Hourly: ask again for the letters whose request was lost (see ``letters_resume``)."""
    from workflow.services.letters import letters_resume

    return len(letters_resume())


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


# The evaluation stops itself (and is marked failed) a minute before the hard limit kills it.
EVALUATION_SOFT_LIMIT = settings.CELERY_TASK_TIME_LIMIT - 60
# While another worker holds the evaluation's making lock, look again this often, for as long
# as that worker may run; if it dies, the next look makes the evaluation.
EVALUATION_BUSY_RETRY = 30


@shared_task(
    bind=True,
    acks_late=True,
    soft_time_limit=EVALUATION_SOFT_LIMIT,
    max_retries=settings.CELERY_TASK_TIME_LIMIT // EVALUATION_BUSY_RETRY + 2,
)
def make_evaluation(self, evaluation_id: int) -> int | None:
    """Make and store a requested evaluation (see ``evaluation_make`` for why it is made
    exactly once, whatever the reruns, duplicates and killed workers)."""
    from workflow.models import Evaluation
    from workflow.services.evaluation import evaluation_make

    try:
        evaluation = evaluation_make(evaluation_id=evaluation_id)
    except Evaluation.DoesNotExist:
        # Asked for in a transaction that was rolled back: nothing to make, no retry.
        logger.warning("No evaluation %s to make", evaluation_id)
        return None
    if evaluation.status in (Evaluation.Status.PENDING, Evaluation.Status.RUNNING):
        # Another worker is making it; look again in case it dies before it is done.
        raise self.retry(countdown=EVALUATION_BUSY_RETRY)
    return evaluation.pk


@shared_task(acks_late=True)
def make_automatic_evaluations() -> list[int]:
    """Periodic: the two-year evaluation of each programme that has turned two, once; and
    evaluations left waiting with nobody making them are asked for again."""
    from workflow.services.evaluation import evaluation_automatic, evaluations_resume

    made = [evaluation.pk for evaluation in evaluation_automatic()]
    return made + evaluations_resume()


# --- reminders and notifications (SPEC §8) ----------------------------------------------------


@shared_task(acks_late=True)
def run_reminders(today: str | None = None) -> dict[str, int]:
    """The daily sweep: lapses and every reminder rule for ``today`` (ISO date; default the
    real date).  Safe twice: each reminder is recorded under its unique key before it is sent."""
    from datetime import date

    from workflow.services.reminders import reminders_run

    return reminders_run(today=date.fromisoformat(today) if today else None)


@shared_task(acks_late=True)
def send_notification(notification_id: int) -> bool:
    """Mail one notification, unless it is mailed already (the claim makes a rerun harmless)."""
    from workflow.models import Notification
    from workflow.services.notifications import notification_mail

    try:
        return notification_mail(notification_id=notification_id)
    except Notification.DoesNotExist:
        logger.warning("No notification %s to mail", notification_id)
        return False


@shared_task(acks_late=True)
def send_daily_digests() -> dict[str, int]:
    """Each person who chose the daily digest gets one mail with what is not mailed yet."""
    from workflow.services.notifications import notification_digests_send

    return notification_digests_send()
