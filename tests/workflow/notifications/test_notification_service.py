"""Recording and mailing notifications: once per key, mailed once (claimed), in the person's
language, at once or in the daily digest; a failed mail is tried again later."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import translation
from django.utils.translation import gettext, ngettext

from programme import clock
from workflow.models import Notification
from workflow.services.notifications import (
    UNMAILED_AFTER,
    notification_digest_send,
    notification_digests_send,
    notification_mail,
    notification_send,
    notifications_unmailed_send,
)

pytestmark = pytest.mark.django_db


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, messages):  # noqa: ANN001, ANN201 - Django's signature
        raise ConnectionRefusedError("the mail server is down")


def send(world, person, key: str = "k1", **kwargs):
    case = world.submitted_case() if "case" not in kwargs else kwargs.pop("case")
    return notification_send(
        recipient=person,
        kind=Notification.Kind.SCREENING_OVERDUE,
        key=key,
        case=case,
        due_on=clock.today(),
        url=f"/saksbehandling/sak/{case.reference}/",
        context={
            "programme": case.programme,
            "company": case.application.company,
            "title": "Prosjekt",
            "submitted_on": clock.today(),
            "level_days": 14,
            "twice": False,
        },
    )


def test_a_key_is_recorded_and_mailed_once(world, django_capture_on_commit_callbacks) -> None:
    case = world.submitted_case()
    with django_capture_on_commit_callbacks(execute=True):
        first = send(world, world.adviser_a, case=case)
        second = send(world, world.adviser_a, case=case)
    assert first is not None and second is None
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    first.refresh_from_db()
    assert first.emailed_at is not None
    assert notification_mail(notification_id=first.pk) is False
    assert len(mail.outbox) == 1


def test_nothing_is_recorded_or_mailed_when_the_transaction_rolls_back(
    world, django_capture_on_commit_callbacks
) -> None:
    from django.db import transaction

    case = world.submitted_case()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            send(world, world.adviser_a, case=case)
            raise RuntimeError("the caller fails")
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_the_mail_is_in_the_recipients_language(world, django_capture_on_commit_callbacks) -> None:
    world.adviser_a.language = "en"
    world.adviser_a.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(world, world.adviser_a)
    assert mail.outbox[0].subject.startswith("Screening overdue: ")
    assert notification.subject == mail.outbox[0].subject
    with translation.override("nb"):
        assert gettext("Screening overdue: %(reference)s").startswith("Vurderingen")


def test_a_digest_person_gets_one_mail_with_all_and_nothing_twice(world, django_capture_on_commit_callbacks) -> None:
    world.adviser_a.daily_digest = True
    world.adviser_a.save(update_fields=["daily_digest"])
    with django_capture_on_commit_callbacks(execute=True):
        made = [send(world, world.adviser_a, key=f"k{i}") for i in range(3)]
        send(world, world.adviser_b, key="other")  # mailed at once, not in anyone's digest
    assert [m.to for m in mail.outbox] == [[world.adviser_b.email]]
    mail.outbox.clear()

    assert notification_digests_send() == {"digests": 1, "notifications": 3}
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [world.adviser_a.email]
    with translation.override("nb"):
        expected = ngettext(
            "Næringsprogram: %(count)s new notification", "Næringsprogram: %(count)s new notifications", 3
        ) % {"count": 3}
    assert digest.subject == expected == "Næringsprogram: 3 nye varsler"
    for notification in made:
        assert notification.subject in digest.body
        assert notification.subject in digest.alternatives[0][0]
    assert not Notification.objects.filter(emailed_at=None).exists()

    assert notification_digests_send() == {"digests": 0, "notifications": 0}
    assert notification_digest_send(user=world.adviser_a) == 0
    assert len(mail.outbox) == 1


def test_a_failed_mail_gives_its_claim_back_and_is_sent_by_a_later_sweep(
    world, settings, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailServer"
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(world, world.adviser_a)  # the failure is logged, not raised (robust on commit)
    notification.refresh_from_db()
    assert notification.emailed_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_unmailed_send() == 0, "too soon: the first attempt may still be under way"
    with clock.travel_to(clock.now() + UNMAILED_AFTER + dt.timedelta(minutes=1)):
        assert notifications_unmailed_send() == 1
        assert notifications_unmailed_send() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == notification.subject


def test_a_failed_digest_keeps_the_notifications_for_the_next_one(world, settings) -> None:
    world.adviser_a.daily_digest = True
    world.adviser_a.save(update_fields=["daily_digest"])
    send(world, world.adviser_a)
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailServer"
    assert notification_digests_send() == {"digests": 0, "notifications": 0}
    assert Notification.objects.get().emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_digests_send() == {"digests": 1, "notifications": 1}


def test_an_unknown_kind_is_a_programming_error(world) -> None:
    with pytest.raises(ValueError, match="kind"):
        notification_send(recipient=world.admin, kind="nonsense", key="x")
