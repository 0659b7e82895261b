"""The board's meetings (issue 4): the list, creating a meeting with its members, choosing the
members, and who may see and do it (the programme's board members and administrators only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from programme import clock
from tests.journey import World
from tests.workflow.staff.board_support import meeting_path, nb
from workflow.models import BoardMeeting


def meetings_path(world: World, code: str | None = None) -> str:
    return reverse("board:meetings", args=[code or world.programme.code])


def members_path(meeting: BoardMeeting) -> str:
    return reverse("board:meeting_members", args=[meeting.programme.code, meeting.pk])


def create_data(world: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "date": "2026-03-14",
        "title": "Vårmøtet",
        "location": "Gjøvik rådhus",
        "members": [world.board_member.pk, world.board_member_2.pk],
    }
    data.update(overrides)
    return data


def test_a_board_member_creates_a_meeting_with_its_members(world: World, client: Client) -> None:
    client.force_login(world.board_member)

    response = client.post(meetings_path(world), create_data(world))

    meeting = BoardMeeting.objects.get(title="Vårmøtet")
    assert response.status_code == 302
    assert response["Location"] == meeting_path(meeting)
    assert (meeting.programme, meeting.date, meeting.location) == (
        world.programme,
        dt.date(2026, 3, 14),
        "Gjøvik rådhus",
    )
    assert set(meeting.members.all()) == {world.board_member, world.board_member_2}


def test_an_administrator_creates_a_meeting_in_norwegian_date_format(world: World, client: Client) -> None:
    client.force_login(world.admin)

    response = client.post(meetings_path(world), create_data(world, date="02.09.2026", members=[world.board_member.pk]))

    assert response.status_code == 302
    meeting = BoardMeeting.objects.get(title="Vårmøtet")
    assert meeting.date == dt.date(2026, 9, 2)
    assert list(meeting.members.all()) == [world.board_member]


def test_the_meetings_list_shows_the_programmes_meetings_and_the_form(world: World, client: Client) -> None:
    client.force_login(world.board_member)

    html = client.get(meetings_path(world)).content.decode()

    assert meeting_path(world.meeting) in html
    assert clock.today().strftime("%d.%m.%Y") in html
    assert str(world.board_member) in html and str(world.board_member_2) in html
    assert nb("Create the meeting") in html
    assert 'name="members"' in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date", ""),
        ("date", "31.02.2026"),
        ("date", "99999-01-01"),
        ("date", "2026-03-14\x00"),
        ("title", "Møte\x00"),
        ("members", ["\x00"]),
        ("members", ["999999"]),
        ("members", ["ikke et tall"]),
    ],
)
def test_odd_input_when_creating_is_refused_without_creating(world: World, client: Client, field, value) -> None:
    client.force_login(world.board_member)
    before = BoardMeeting.objects.count()

    response = client.post(meetings_path(world), create_data(world, **{field: value}))

    assert response.status_code == 400
    assert BoardMeeting.objects.count() == before
    assert 'id="error-summary"' in response.content.decode()


def test_a_member_from_another_programme_cannot_be_chosen(world: World, client: Client) -> None:
    client.force_login(world.board_member)

    response = client.post(meetings_path(world), create_data(world, members=[world.other_board_member.pk]))

    assert response.status_code == 400
    assert not BoardMeeting.objects.filter(title="Vårmøtet").exists()


def test_the_members_page_sets_the_meetings_members(world: World, client: Client) -> None:
    client.force_login(world.admin)
    page = client.get(members_path(world.meeting)).content.decode()
    assert page.count('type="checkbox"') == 2 and page.count("checked") == 2

    response = client.post(members_path(world.meeting), {"members": [world.board_member_2.pk]})

    assert response.status_code == 302
    assert list(world.meeting.members.all()) == [world.board_member_2]


def test_the_members_page_refuses_someone_who_is_not_on_the_board(world: World, client: Client) -> None:
    client.force_login(world.board_member)

    response = client.post(members_path(world.meeting), {"members": [world.adviser_a.pk]})

    assert response.status_code == 400
    assert set(world.meeting.members.all()) == {world.board_member, world.board_member_2}


def test_no_members_at_all_is_allowed_and_then_nobody_decides(world: World, client: Client) -> None:
    client.force_login(world.board_member)

    response = client.post(members_path(world.meeting), {})

    assert response.status_code == 302
    assert not world.meeting.members.exists()


# --- who may see the board's pages -----------------------------------------------------------


def board_paths(world: World) -> list[str]:
    return [meetings_path(world), meeting_path(world.meeting), members_path(world.meeting)]


def test_anonymous_visitors_are_sent_to_log_in(world: World, client: Client) -> None:
    for path in board_paths(world):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("person", ["applicant_a", "adviser_a", "other_board_member", "other_admin"])
def test_everyone_but_the_programmes_board_and_administrators_gets_404(world: World, client: Client, person) -> None:
    client.force_login(getattr(world, person))

    for path in board_paths(world):
        assert client.get(path).status_code == 404, path
    assert client.post(meetings_path(world), create_data(world)).status_code == 404
    assert client.post(members_path(world.meeting), {"members": []}).status_code == 404
    assert not BoardMeeting.objects.filter(title="Vårmøtet").exists()
    assert world.meeting.members.count() == 2


def test_a_board_member_of_another_programme_cannot_reach_this_meeting_through_his_own(
    world: World, client: Client
) -> None:
    client.force_login(world.other_board_member)
    own_code = world.other_programme.code

    assert client.get(meetings_path(world, own_code)).status_code == 200
    assert client.get(reverse("board:meeting", args=[own_code, world.meeting.pk])).status_code == 404
    assert client.get(reverse("board:meeting_members", args=[own_code, world.meeting.pk])).status_code == 404


@pytest.mark.parametrize("person", ["board_member", "admin"])
def test_the_programmes_board_and_administrators_see_the_pages(world: World, client: Client, person) -> None:
    client.force_login(getattr(world, person))

    for path in board_paths(world):
        assert client.get(path).status_code == 200, path


def test_an_unknown_programme_or_meeting_is_404(world: World, client: Client) -> None:
    client.force_login(world.board_member)

    assert client.get(meetings_path(world, "FINNES")).status_code == 404
    assert client.get("/styre/FINNES-IKKE/").status_code == 404
    assert client.get(reverse("board:meeting", args=[world.programme.code, 987654])).status_code == 404
    assert client.get(f"/styre/{world.programme.code}%00/").status_code == 404
