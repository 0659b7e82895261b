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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
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
KEY_LENGTH = Notification._meta.get_field("key").max_length
SUBJECT_LENGTH = Notification._meta.get_field("subject").max_length
URL_LENGTH = Notification._meta.get_field("url").max_length


def site_link(url: str) -> str:
    """The full address of a page of this site, for a mail (the worker has no request)."""
    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


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
                key=key[:KEY_LENGTH],
                due_on=due_on,
                subject=subject[:SUBJECT_LENGTH],
                body=text,
                url=url[:URL_LENGTH],
            )
    except IntegrityError:
        return None
    if not recipient.daily_digest:
        transaction.on_commit(_mail_later(notification.pk, html), robust=True)
    return notification


# SQLite binds each value of an ``IN`` list as a variable and refuses more than a few hundred
# on older builds, so there a list of keys is read in chunks.  PostgreSQL (psycopg binds
# values client-side) takes the whole list in one query, whatever the number of keys.
SQLITE_KEY_CHUNK = 500


def _key_chunks(keys: Sequence[str]) -> list[Sequence[str]]:
    size = SQLITE_KEY_CHUNK if db_connection.vendor == "sqlite" else max(len(keys), 1)
    return [keys[start : start + size] for start in range(0, len(keys), size)]


def notification_keys_taken(keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` are recorded already (one query on PostgreSQL)."""
    taken: set[str] = set()
    for chunk in _key_chunks(keys):
        taken.update(Notification.objects.filter(key__in=chunk).values_list("key", flat=True))
    return taken


@dataclass
class Message:
    """One notification to record under ``key``; what ``notification_send`` takes, as a value."""

    recipient: User
    kind: str
    key: str
    case: Case | None = None
    due_on: Any = None
    url: str = ""
    template: str | None = None
    context: dict[str, Any] = field(default_factory=dict)


def notifications_send(messages: Sequence[Message]) -> int:
    """Record many notifications at once and mail them once the transaction commits (or leave
    them for the daily digest); returns how many were recorded.

    The same rules as ``notification_send``, in a number of queries that does not grow with
    the number of messages (the daily reminder sweep sends thousands): the taken keys are read
    in one query, the new rows inserted in one, and the mails claimed and sent together
    (``notifications_mail``).  The unique key keeps a notification from being recorded twice
    when two sweeps race; only then are the rows inserted one by one."""
    for message in messages:
        if message.kind not in Notification.Kind.values:
            raise ValueError(f"Unknown notification kind {message.kind!r}")
    unique = {message.key[:KEY_LENGTH]: message for message in messages}
    taken = notification_keys_taken(list(unique))
    fresh = {key: message for key, message in unique.items() if key not in taken}
    if not fresh:
        return 0
    rows, html = [], {}
    for key, message in fresh.items():
        link = site_link(message.url)
        values = {
            "recipient": message.recipient,
            "case": message.case,
            "due_on": message.due_on,
            "link": link,
            **message.context,
        }
        with translation.override(message.recipient.language or settings.LANGUAGE_CODE):
            subject, text, html[key] = _render(message.template or message.kind, values)
        rows.append(
            Notification(
                recipient=message.recipient,
                case=message.case,
                kind=message.kind,
                key=key,
                due_on=message.due_on,
                subject=subject[:SUBJECT_LENGTH],
                body=text,
                url=message.url[:URL_LENGTH],
            )
        )
    try:
        # All the rows in one insert, in a savepoint: it fails as a whole only if another sweep
        # recorded one of these keys between the read above and this insert.
        with transaction.atomic():
            Notification.objects.bulk_create(rows)
        ours = list(fresh)
    except IntegrityError:
        # That race (two workers, or beat during a manual run): each row on its own, under its
        # unique key, so that the one the other sweep took is skipped and not counted here.
        ours = []
        for row in rows:
            row.pk = None  # a batch the savepoint rolled back may have given it one
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                continue
            ours.append(row.key)
    to_mail = [key for key in ours if not fresh[key].recipient.daily_digest]
    if to_mail:
        transaction.on_commit(lambda: notifications_mail(keys=to_mail, html=html), robust=True)
    return len(ours)


def notifications_mail(*, keys: Sequence[str], html: dict[str, str]) -> int:
    """Mail the notifications under ``keys`` not mailed yet, through one mail connection;
    returns how many this call mailed.

    They are claimed first in one conditional update stamped with this call's time (a row
    another worker mailed or claimed is left to it), so none is mailed twice.  If sending
    fails, the claim of every mail not yet sent is given back for the next sweep
    (``notifications_unmailed_send``)."""
    stamp = clock.now()
    claimed: list[Notification] = []
    for chunk in _key_chunks(list(keys)):
        Notification.objects.filter(key__in=chunk, emailed_at=None).update(emailed_at=stamp)
        claimed += Notification.objects.filter(key__in=chunk, emailed_at=stamp).select_related("recipient")
    sent: set[int] = set()
    mail = get_connection()
    try:
        mail.open()
        for notification in claimed:
            recipient = notification.recipient
            message = EmailMultiAlternatives(
                notification.subject,
                notification.body,
                settings.DEFAULT_FROM_EMAIL,
                [recipient.email],
                connection=mail,
            )
            message.attach_alternative(html.get(notification.key) or _stored_html(notification), "text/html")
            message.send()
            sent.add(notification.pk)
    except Exception:
        _unclaim([n.pk for n in claimed if n.pk not in sent], stamp)
        logger.exception("Mailed %s of %s notifications; the rest wait for the next sweep", len(sent), len(claimed))
        raise
    finally:
        mail.close()
    logger.info("Mailed %s notifications", len(sent))
    return len(sent)


def _stored_html(notification: Notification) -> str:
    """The stored text in the general frame, for a mail whose own HTML was not kept."""
    recipient = notification.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        return render_to_string(
            f"{EMAIL_TEMPLATES}/stored.html",
            {"notification": notification, "recipient": recipient, "link": site_link(notification.url)},
        )


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
            html = _stored_html(notification)
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
