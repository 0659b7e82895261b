"""Notifications (varsler): record a message to one person under a unique key, show it in the
system, and mail it at once or in the person's daily digest.

Sending twice is impossible by construction: the row is created under its unique key (a
second call with the same key, from a rerun, a retry or a second worker, finds the key taken
and does nothing), and mailing first *claims* the row with a conditional update of
``emailed_at``; only the worker whose update changed the row sends the mail.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from programme import clock
from programme.models import User
from workflow.models import Case, Notification

logger = logging.getLogger(__name__)

EMAIL_TEMPLATES = "workflow/emails"
# An immediate mail not sent this long after its notification was made failed (mail server
# down, worker lost); the next sweep sends it.
UNMAILED_AFTER = timedelta(minutes=15)


def site_link(url: str) -> str:
    """The full address of a page of this site, for a mail (the worker has no request)."""
    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return url
    return (getattr(settings, "SITE_URL", "") or "http://localhost:8000").rstrip("/") + url


def _render(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject (one line), plain text and HTML of ``template`` in the active language."""
    subject = " ".join(render_to_string(f"{EMAIL_TEMPLATES}/{template}_subject.txt", context).split())
    text = render_to_string(f"{EMAIL_TEMPLATES}/{template}.txt", context)
    # Template tags leave blank lines and trailing spaces behind; a mail wants neither.
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.splitlines())).strip() + "\n"
    html = render_to_string(f"{EMAIL_TEMPLATES}/{template}.html", context)
    return subject, text, html


def notification_send(
    *,
    recipient: User,
    kind: str,
    key: str,
    case: Case | None = None,
    due_on: Any = None,
    url: str = "",
    template: str | None = None,
    context: dict[str, Any] | None = None,
) -> Notification | None:
    """Record a notification to ``recipient`` under ``key`` and mail it once the transaction
    commits (or leave it for the daily digest if the person chose one).

    The subject and texts come from ``workflow/emails/<template>_subject.txt``, ``.txt`` and
    ``.html`` (``template`` defaults to ``kind``), rendered in the recipient's language.
    Returns ``None``, and does nothing, when a notification with ``key`` exists already.
    """
    if kind not in Notification.Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    if Notification.objects.filter(key=key).exists():
        return None
    link = site_link(url)
    values = {"recipient": recipient, "case": case, "due_on": due_on, "link": link, **(context or {})}
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject, text, html = _render(template or kind, values)
    try:
        # A savepoint: losing the race for the key (PostgreSQL makes the second insert wait
        # for the first and then fail) must not spoil the caller's transaction.
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                case=case,
                kind=kind,
                key=key[: Notification._meta.get_field("key").max_length],
                due_on=due_on,
                subject=subject[: Notification._meta.get_field("subject").max_length],
                body=text,
                url=url[: Notification._meta.get_field("url").max_length],
            )
    except IntegrityError:
        return None
    if not recipient.daily_digest:
        transaction.on_commit(_mail_later(notification.pk, html), robust=True)
    return notification


def _mail_later(notification_id: int, html: str) -> Callable[[], None]:
    # Robust on commit: a mail server that is down must not undo the notification; the row
    # stays unmailed and the next sweep (``notifications_unmailed_send``) tries again.
    def send() -> None:
        notification_mail(notification_id=notification_id, html=html)

    return send


def _claim(notification_id: int) -> bool:
    """Take the right to mail one notification; only one caller ever gets it."""
    return Notification.objects.filter(pk=notification_id, emailed_at=None).update(emailed_at=clock.now()) == 1


def _unclaim(pks: list[int], stamp: Any = None) -> None:
    rows = Notification.objects.filter(pk__in=pks)
    if stamp is not None:
        rows = rows.filter(emailed_at=stamp)
    rows.update(emailed_at=None)


def notification_mail(*, notification_id: int, html: str | None = None) -> bool:
    """Mail one notification unless it is mailed already; returns whether this call mailed it.

    ``html`` is the kind's own HTML made with the notification; without it (a retry from the
    row alone) the HTML is the stored text in the general frame.  A failed send gives the
    claim back, so that a later retry can send it.
    """
    if not _claim(notification_id):
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    try:
        if html is None:
            with translation.override(recipient.language or settings.LANGUAGE_CODE):
                html = render_to_string(
                    f"{EMAIL_TEMPLATES}/stored.html",
                    {"notification": notification, "recipient": recipient, "link": site_link(notification.url)},
                )
        message = EmailMultiAlternatives(
            notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [recipient.email]
        )
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception:
        _unclaim([notification_id])
        logger.exception("Notification %s could not be mailed", notification_id)
        raise
    logger.info("Mailed notification %s (%s) to user %s", notification_id, notification.kind, recipient.pk)
    return True


def notification_digest_send(*, user: User) -> int:
    """Mail ``user`` one digest of every notification not mailed yet; returns how many it held.

    The rows are claimed first (locked rows another worker holds are skipped on PostgreSQL,
    and the claim is stamped), so two workers never put the same notification in two mails.
    """
    stamp = clock.now()
    with transaction.atomic():
        # Not programme.locking.lock_objects: this is a queue claim, not a lock to wait for.
        # Rows another worker holds are skipped (never waited on, so no order can deadlock and
        # no timeout applies); that worker mails them.
        pending = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient=user, emailed_at=None)
            .values_list("pk", flat=True)
        )
        if not pending:
            return 0
        Notification.objects.filter(pk__in=pending, emailed_at=None).update(emailed_at=stamp)
    notifications = list(Notification.objects.filter(pk__in=pending, emailed_at=stamp).order_by("created_at", "pk"))
    if not notifications:
        return 0
    claimed = [notification.pk for notification in notifications]
    items = [{"notification": n, "link": site_link(n.url)} for n in notifications]
    context = {"recipient": user, "items": items, "count": len(items), "link": site_link("/varsler/")}
    try:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, text, html = _render("digest", context)
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception:
        _unclaim(claimed, stamp)
        logger.exception("The daily digest of user %s could not be mailed", user.pk)
        raise
    logger.info("Mailed a digest of %s notifications to user %s", len(claimed), user.pk)
    return len(claimed)


def notification_digests_send() -> dict[str, int]:
    """The daily digest of every person who chose one and has something unmailed."""
    user_ids = (
        Notification.objects.filter(emailed_at=None, recipient__daily_digest=True, recipient__is_active=True)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    digests = notifications = 0
    for user in User.objects.filter(pk__in=list(user_ids)):
        try:
            sent = notification_digest_send(user=user)
        except Exception:  # noqa: BLE001 - logged in notification_digest_send; the others still go out
            logger.warning("Skipped the digest of user %s", user.pk)
            continue
        if sent:
            digests += 1
            notifications += sent
    return {"digests": digests, "notifications": notifications}


def notifications_unmailed_send() -> int:
    """Mail the immediate notifications whose mail failed (older than ``UNMAILED_AFTER``)."""
    stale = Notification.objects.filter(
        emailed_at=None,
        recipient__daily_digest=False,
        recipient__is_active=True,
        created_at__lt=clock.now() - UNMAILED_AFTER,
    ).values_list("pk", flat=True)
    mailed = 0
    for pk in list(stale):
        try:
            mailed += notification_mail(notification_id=pk)
        except Exception:  # noqa: BLE001 - logged in notification_mail; try the others
            logger.warning("Skipped mailing notification %s", pk)
            continue
    return mailed


def notification_mark_read(*, user: User, notification_id: int) -> bool:
    """Mark one of the person's own notifications read; another's is left alone (False)."""
    return bool(
        Notification.objects.filter(pk=notification_id, recipient=user, read_at=None).update(read_at=clock.now())
    )


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the person read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=clock.now())
