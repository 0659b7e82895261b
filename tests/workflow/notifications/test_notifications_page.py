"""The notifications page (/varsler/): each person sees only his or her own notifications,
newest first, unread ones marked in words; one or all can be marked read; odd input never
gives a 500.  The header shows the unread count at the cost of one query.  Staff choose
immediate mails or a daily digest on the account page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from programme import clock
from workflow.models import Notification

pytestmark = pytest.mark.django_db
LIST = reverse("notifications:list")


def nb(msgid: str) -> str:
    with translation.override("nb"):
        return gettext(msgid)


def notify(person, number: int, **kwargs) -> Notification:
    return Notification.objects.create(
        recipient=person,
        kind=Notification.Kind.CASE_EVENT,
        key=f"test:{person.pk}:{number}",
        subject=f"Melding {number} til {person.email}",
        body=f"Tekst {number}.\nAndre linje.",
        url="/saker/",
        created_at=clock.now() - dt.timedelta(minutes=100 - number),
        **kwargs,
    )


@pytest.fixture
def logged_in(client: Client, world) -> Client:
    client.force_login(world.applicant_a)
    return client


def test_anonymous_people_are_sent_to_log_in(client: Client) -> None:
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("login") in response.url


def test_the_list_shows_only_the_own_notifications_newest_first_with_unread_in_words(logged_in, world) -> None:
    notify(world.applicant_a, 1, read_at=clock.now())
    notify(world.applicant_a, 2)
    notify(world.applicant_b, 3)
    html = logged_in.get(LIST).content.decode()
    mine_new, mine_old = f"Melding 2 til {world.applicant_a.email}", f"Melding 1 til {world.applicant_a.email}"
    assert html.index(mine_new) < html.index(mine_old)
    assert world.applicant_b.email not in html
    assert html.count(nb("Unread:")) == 1
    assert "Tekst 2.<br>Andre linje." in html


def test_marking_one_read_changes_only_that_one(logged_in, world) -> None:
    first, second = notify(world.applicant_a, 1), notify(world.applicant_a, 2)
    response = logged_in.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302 and response.url == LIST
    first.refresh_from_db(), second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_another_persons_notification_does_not_exist(logged_in, world) -> None:
    theirs = notify(world.applicant_b, 1)
    assert logged_in.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_marks_only_the_own(logged_in, world) -> None:
    for number in range(3):
        notify(world.applicant_a, number)
    theirs = notify(world.applicant_b, 9)
    response = logged_in.post(reverse("notifications:read_all"), {"page": "2"}, follow=True)
    assert response.status_code == 200
    assert not Notification.objects.filter(recipient=world.applicant_a, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_list_is_paginated(logged_in, world) -> None:
    for number in range(30):
        notify(world.applicant_a, number)
    first = logged_in.get(LIST).content.decode()
    second = logged_in.get(LIST, {"page": 2}).content.decode()
    # 25 a page, newest first: 29 … 5, then 4 … 0.
    assert "Melding 29 til" in first and "Melding 5 til" in first and "Melding 4 til" not in first
    assert "Melding 4 til" in second and "Melding 0 til" in second and "Melding 5 til" not in second


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999999999999999999", "\x00", "2.5", "１"])
def test_odd_page_numbers_show_a_page(logged_in, world, page: str) -> None:
    notify(world.applicant_a, 1)
    assert logged_in.get(LIST, {"page": page}).status_code == 200


@pytest.mark.parametrize("page", ["abc", "\x00", "9" * 50, "-3", ""])
def test_odd_input_to_the_actions_is_harmless(logged_in, world, page: str) -> None:
    mine = notify(world.applicant_a, 1)
    assert logged_in.post(reverse("notifications:read", args=[mine.pk]), {"page": page}).status_code == 302
    assert logged_in.post(reverse("notifications:read_all"), {"page": page}).status_code == 302
    assert logged_in.post(reverse("notifications:read", args=[99999999])).status_code == 404
    assert logged_in.get(reverse("notifications:read", args=[mine.pk])).status_code == 405
    assert logged_in.get(reverse("notifications:read_all")).status_code == 405


def test_the_actions_need_the_csrf_token(world) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.applicant_a)
    mine = notify(world.applicant_a, 1)
    assert client.post(reverse("notifications:read", args=[mine.pk])).status_code == 403


def test_the_header_shows_the_unread_count_for_one_query(logged_in, world) -> None:
    for number in range(2):
        notify(world.applicant_a, number)
    notify(world.applicant_a, 5, read_at=clock.now())
    for number in range(10, 13):  # someone else's unread ones are not counted
        notify(world.applicant_b, number)
    with CaptureQueriesContext(connection) as captured:
        html = logged_in.get(reverse("account")).content.decode()
    assert sum("workflow_notification" in query["sql"] for query in captured.captured_queries) == 1
    with translation.override("nb"):
        assert f"{gettext('Notifications')} (2 uleste)" in html
    # The header's count (a fixed statement, programme/context_processors.py) is the ORM's.
    assert world.applicant_a.notifications.filter(read_at=None).count() == 2


def test_staff_choose_a_daily_digest_on_the_account_page(client: Client, world) -> None:
    client.force_login(world.adviser_a)
    page = client.get(reverse("account")).content.decode()
    assert nb("E-mail about notifications") in page
    response = client.post(reverse("account"), {"section": "notifications", "notifications-mail": "digest"})
    assert response.status_code == 302
    world.adviser_a.refresh_from_db()
    assert world.adviser_a.daily_digest is True
    client.post(reverse("account"), {"section": "notifications", "notifications-mail": "immediate"})
    world.adviser_a.refresh_from_db()
    assert world.adviser_a.daily_digest is False


@pytest.mark.parametrize("value", ["", "weekly", "\x00", "digest" * 100])
def test_an_odd_choice_is_refused_at_the_field(client: Client, world, value: str) -> None:
    client.force_login(world.adviser_a)
    response = client.post(reverse("account"), {"section": "notifications", "notifications-mail": value})
    assert response.status_code == 200
    assert nb("Choose how you want to receive notifications by e-mail.") in response.content.decode()
    world.adviser_a.refresh_from_db()
    assert world.adviser_a.daily_digest is False


def test_applicants_see_no_digest_choice_and_cannot_post_one(logged_in, world) -> None:
    assert nb("E-mail about notifications") not in logged_in.get(reverse("account")).content.decode()
    response = logged_in.post(reverse("account"), {"section": "notifications", "notifications-mail": "digest"})
    assert response.status_code == 200
    assert nb("Only staff (advisers, board members and administrators) can choose a daily digest.") in (
        response.content.decode()
    )
    world.applicant_a.refresh_from_db()
    assert world.applicant_a.daily_digest is False
