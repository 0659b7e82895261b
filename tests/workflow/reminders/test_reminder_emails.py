"""The e-mail of each reminder, in Norwegian bokmål and in English (the recipient's choice):
its subject, its main sentence with the case's own figures and dates, the greeting and the
link, in the plain text and in the HTML part."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.template.defaultfilters import floatformat
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from programme.money import format_nok
from tests.workflow.reminders.scenarios import SCENARIOS
from workflow.models import BoardMeeting, Notification

pytestmark = pytest.mark.django_db

FINAL_DAY = "The final report for “%(title)s” (%(reference)s) is due today, %(date)s."


def _d(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _case(n: Notification) -> dict[str, Any]:
    case = n.case
    return {"reference": case.reference, "title": case.application.title, "company": case.application.company.name}


def _offer(n: Notification) -> Any:
    return n.case.offer


# scenario → (subject msgid, main sentence msgid, their values for the notification)
EXPECTED: dict[str, tuple[str, str, Any]] = {
    "screening overdue: advisers": (
        "Screening overdue: %(reference)s",
        "The application “%(title)s” from %(company)s (%(reference)s) was submitted on %(submitted)s, and its "
        "screening has not been completed within the service level of %(days)s days.",
        lambda n: {**_case(n), "submitted": _d(n.due_on - dt.timedelta(days=15)), "days": 14},
    ),
    "screening overdue: administrators after twice the time": (
        "Screening overdue, twice the service level: %(reference)s",
        "It has now taken more than twice the service level. As the programme's administrator you may wish to "
        "follow it up with the municipality's advisers.",
        _case,
    ),
    "returned: 7 days": (
        "Reminder: complete your application %(reference)s",
        "Your application “%(title)s” (%(reference)s) was returned to you for completion on %(returned)s, "
        "%(days)s days ago, and has not been submitted again.",
        lambda n: {**_case(n), "returned": _d(n.due_on - dt.timedelta(days=7)), "days": 7},
    ),
    "returned: 14 days": (
        "Reminder: complete your application %(reference)s",
        "Your application “%(title)s” (%(reference)s) was returned to you for completion on %(returned)s, "
        "%(days)s days ago, and has not been submitted again.",
        lambda n: {**_case(n), "returned": _d(n.due_on - dt.timedelta(days=14)), "days": 14},
    ),
    "offer not accepted: 7 days before": (
        "Reminder: accept the offer for %(reference)s by %(date)s",
        "The board has granted %(amount)s to “%(title)s” (%(reference)s). The offer must be accepted by %(date)s.",
        lambda n: {**_case(n), "date": _d(_offer(n).accept_by), "amount": format_nok(_offer(n).amount)},
    ),
    "project start: 6 months after acceptance": (
        "Has the project %(reference)s started?",
        "You accepted the offer for “%(title)s” (%(reference)s) on %(accepted)s. The project should have started "
        "by %(start_by)s, and no payment has been requested yet.",
        lambda n: {
            **_case(n),
            "accepted": _d(timezone.localdate(_offer(n).accepted_at)),
            "start_by": _d(_offer(n).start_by),
        },
    ),
    "final report: 30 days before": (
        "The final report for %(reference)s is due on %(date)s",
        "The final report for “%(title)s” (%(reference)s) is due on %(date)s.",
        lambda n: {**_case(n), "date": _d(_offer(n).final_report_due)},
    ),
    "final report: on the day": (
        "The final report for %(reference)s is due today",
        FINAL_DAY,
        lambda n: {**_case(n), "date": _d(_offer(n).final_report_due)},
    ),
    "final report: 14 days after": (
        "The final report for %(reference)s is overdue",
        "The final report for “%(title)s” (%(reference)s) was due on %(date)s and has not been filed.",
        lambda n: {**_case(n), "date": _d(_offer(n).final_report_due)},
    ),
    "offer expiring: 30 days before": (
        "The offer for %(reference)s expires on %(date)s",
        "The offer of %(amount)s for “%(title)s” (%(reference)s) expires on %(date)s unless the final payment "
        "has been requested by then.",
        lambda n: {**_case(n), "date": _d(_offer(n).expires_on), "amount": format_nok(_offer(n).amount)},
    ),
    "job report: 12 months": (
        "Report the jobs of %(reference)s (%(months)s months after completion)",
        "It is %(months)s months since the project “%(title)s” (%(reference)s) was completed on %(completed)s. "
        "Report the new jobs the project has created, and the jobs it has secured, on the case page.",
        lambda n: {**_case(n), "months": 12, "completed": _d(n.case.payments.get(is_final=True).paid_on)},
    ),
    "job report: 12 months, again after 14 days": (
        "Reminder: report the jobs of %(reference)s (%(months)s months)",
        "We have not received the report yet; it was due on %(date)s.",
        lambda n: {**_case(n), "months": 12, "date": _d(n.due_on - dt.timedelta(days=14))},
    ),
    "job report: 24 months": (
        "Report the jobs of %(reference)s (%(months)s months after completion)",
        "It is %(months)s months since the project “%(title)s” (%(reference)s) was completed on %(completed)s. "
        "Report the new jobs the project has created, and the jobs it has secured, on the case page.",
        lambda n: {**_case(n), "months": 24, "completed": _d(n.case.payments.get(is_final=True).paid_on)},
    ),
    "board meeting: 7 days before": (
        "Board meeting on %(date)s: the agenda",
        "The board of %(programme)s meets on %(date)s.",
        lambda n: {
            "date": _d(BoardMeeting.objects.get(location="Gjøvik rådhus").date),
            "programme": BoardMeeting.objects.get(location="Gjøvik rådhus").programme.name,
        },
    ),
    "public register: 14 days after acceptance": (
        "Register the award %(reference)s in the Register for public support",
        "The award of %(amount)s (EUR %(eur)s) to %(company)s for “%(title)s” (%(reference)s) was accepted on "
        "%(accepted)s. Awards of this size must be recorded in the Register for public support "
        "(Brønnøysundregistrene) by %(date)s.",
        lambda n: {
            **_case(n),
            "amount": format_nok(_offer(n).amount),
            "eur": floatformat(_offer(n).amount_eur, "0g"),
            "accepted": _d(n.due_on - dt.timedelta(days=14)),
            "date": _d(n.due_on),
        },
    ),
}


def test_every_scenario_has_its_expected_mail() -> None:
    assert set(EXPECTED) == set(SCENARIOS)


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("name", SCENARIOS)
def test_the_reminder_mail_in_the_recipients_language(world, run, name: str, language: str) -> None:
    kind, due, people = SCENARIOS[name](world)
    for person in people:
        person.language = language
        person.save(update_fields=["language"])
    mail.outbox.clear()
    run(due)

    person = min(people, key=lambda p: p.pk)
    notification = Notification.objects.get(kind=kind, due_on=due, recipient=person)
    message = next(m for m in mail.outbox if m.to == [person.email])
    text = message.body
    page = html.unescape(message.alternatives[0][0])
    assert message.alternatives[0][1] == "text/html"

    subject_id, sentence_id, values = EXPECTED[name]
    with translation.override(language):
        expected_values = values(notification)
        subject = gettext(subject_id) % expected_values
        sentence = gettext(sentence_id) % expected_values
        greeting = gettext("Hello %(name)s,") % {"name": person.first_name}
    if language == "nb":
        assert subject != subject_id % expected_values or subject_id.startswith("%"), "not translated"
    assert message.subject == notification.subject == subject
    assert sentence in text and sentence in page
    assert greeting in text and greeting in page
    assert notification.body == text
    link = settings.SITE_URL.rstrip("/") + notification.url
    assert link in text and f'href="{link}"' in page
    assert f'<html lang="{language}">' in page
