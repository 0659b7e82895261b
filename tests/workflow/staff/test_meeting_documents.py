"""The meeting's documents (SPEC §6–§7): the agenda pack and the minutes as PDF, asked for on
the agenda page, made by a Celery task, stored as versions, and downloaded only by the
programme's board and administrators.  The figures are read back from the PDF's text.

As in the letter tests, the task is run by calling it, as a worker would, after checking that
asking for a document enqueues it on commit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from programme import clock
from tests.journey import World
from tests.workflow.staff import board_support
from tests.workflow.staff.board_support import (
    FRAME,
    RECOMMENDED,
    AgendaOfThree,
    agenda_of_three,
    meeting_path,
    nb,
    nok,
    pdf_text,
)
from workflow import services, tasks
from workflow.models import MeetingDocument
from workflow.services.meeting_documents import meeting_document_make, meeting_document_request

pytestmark = pytest.mark.usefixtures("private_storage")

# The shared fixtures (a module of helpers, not a conftest: several helpers share this folder).
tight_world = board_support.tight_world


@pytest.fixture
def agenda(tight_world: World) -> AgendaOfThree:
    return agenda_of_three(tight_world)


def made(agenda: AgendaOfThree, kind: str) -> MeetingDocument:
    document = meeting_document_request(meeting=agenda.meeting, kind=kind, actor=agenda.world.board_member)
    return meeting_document_make(document_id=document.pk)


def text_of(document: MeetingDocument) -> str:
    with document.file.open("rb") as handle:
        return pdf_text(handle.read())


def d(value) -> str:
    return value.strftime("%d.%m.%Y")


def test_the_agenda_pack_shows_each_case_with_the_budget_before_and_after(agenda: AgendaOfThree) -> None:
    document = made(agenda, "agenda_pack")

    text = text_of(document)
    assert document.status == MeetingDocument.Status.READY and document.version == 1
    assert agenda.world.programme.name in text
    assert f"styremøte {d(agenda.meeting.date)}" in text
    assert "Side 1 av" in text
    available = FRAME
    for number, (case, amount) in enumerate(zip(agenda.cases, RECOMMENDED, strict=True), start=1):
        assert f"Sak {number}: {case.reference} – {case.application.title}" in text
        assert f"{nok(available)} før, {nok(available - amount)} etter innvilgelse som innstilt" in text
        available -= amount
    assert "Overstiger det som er tilgjengelig i rammen" in text
    assert "Godt prosjekt, innstilt med 400000 kr." in text
    assert "500 000 kr (50 % av kostnadene)" in text
    assert "400 000 kr (40 % av kostnadene)" in text
    assert "300 000,00 euro" in text  # the company's whole de minimis ceiling is still free
    assert f"Tilgjengelig nå {nok(FRAME)}" in text
    assert f"{str(agenda.world.board_member)}" in text


def test_the_minutes_list_every_decision_with_the_members_present_and_the_date(agenda: AgendaOfThree) -> None:
    first, second, third = agenda.cases
    world = agenda.world
    services.decision_approve(
        case=first,
        actor=world.board_member,
        amount=Decimal("375000"),
        legal_basis="de_minimis",
        conditions="Rapport etter seks måneder.",
    )
    services.decision_reject(case=second, actor=world.board_member_2, reasons="For svak markedsanalyse.")
    services.decision_defer(case=third, actor=world.board_member, comment="Venter på Innovasjon Norge.")

    text = text_of(made(agenda, "minutes"))

    assert f"Protokoll fra styremøte {d(agenda.meeting.date)}" in text
    present = ", ".join(str(member) for member in agenda.meeting.members.order_by("first_name", "last_name", "email"))
    assert f"Til stede {present}" in text
    assert "Innvilget i alt 375 000 kr" in text
    assert f"Tilgjengelig i rammen for {agenda.meeting.date.year} etter møtet {nok(FRAME - Decimal('375000'))}" in text
    assert f"{first.reference} – {first.application.title}" in text
    assert "Vedtak Innvilget Beløp 375 000 kr" in text
    assert "Rettsgrunnlag Bagatellmessig støtte (de minimis" in text
    assert "Vilkår Rapport etter seks måneder." in text
    assert "Vedtak Avslått Begrunnelse For svak markedsanalyse." in text
    assert "Merknad Venter på Innovasjon Norge." in text
    assert f"Registrert {world.board_member}, {d(clock.today())}" in text


def test_asking_on_the_page_enqueues_the_task_on_commit_and_lists_the_version(
    agenda: AgendaOfThree, client: Client, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    sent = []
    monkeypatch.setattr(tasks.make_meeting_document, "delay", lambda *args: sent.append(args))
    client.force_login(agenda.world.admin)
    url = reverse("board:document_make", args=[agenda.meeting.programme.code, agenda.meeting.pk])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"kind": "agenda_pack"})

    document = MeetingDocument.objects.get()
    assert response.status_code == 302 and response["Location"].endswith("#documents")
    assert len(callbacks) == 1 and sent == [(document.pk,)]
    assert (document.status, document.version, document.created_by) == ("pending", 1, agenda.world.admin)
    page = client.get(meeting_path(agenda.meeting)).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'aria-live="polite"' in page
    assert 'data-status="pending"' in page

    tasks.make_meeting_document(document.pk)

    partial = client.get(reverse("board:documents", args=[agenda.meeting.programme.code, agenda.meeting.pk]))
    download = reverse("board:document_download", args=[agenda.meeting.programme.code, agenda.meeting.pk, document.pk])
    assert partial.status_code == 200
    html = partial.content.decode()
    assert "hx-trigger" not in html and f'href="{download}"' in html
    assert str(agenda.world.admin) in html


def test_making_twice_keeps_one_file_and_each_request_is_a_new_version(agenda: AgendaOfThree, private_storage) -> None:
    first = meeting_document_request(meeting=agenda.meeting, kind="minutes", actor=agenda.world.board_member)

    assert tasks.make_meeting_document(first.pk) == tasks.make_meeting_document(first.pk) == first.pk
    stored = [p for p in private_storage.rglob("*") if p.is_file()]
    assert len(stored) == 1
    second = made(agenda, "minutes")
    assert second.version == 2
    assert MeetingDocument.objects.filter(kind="minutes", status="ready").count() == 2
    assert len([p for p in private_storage.rglob("*") if p.is_file()]) == 2
    assert tasks.make_meeting_document.run(987654) is None


def test_a_stored_version_is_shown_as_made(agenda: AgendaOfThree) -> None:
    document = made(agenda, "agenda_pack")
    with document.file.open("rb") as handle:
        sent = handle.read()
    services.decision_reject(case=agenda.cases[0], actor=agenda.world.board_member, reasons="Nei.")

    again = meeting_document_make(document_id=document.pk)

    with again.file.open("rb") as handle:
        assert handle.read() == sent


def test_the_programmes_board_and_administrators_download_and_no_one_else(
    agenda: AgendaOfThree, client: Client
) -> None:
    document = made(agenda, "agenda_pack")
    pending = meeting_document_request(meeting=agenda.meeting, kind="minutes", actor=agenda.world.admin)
    code, pk = agenda.meeting.programme.code, agenda.meeting.pk
    url = reverse("board:document_download", args=[code, pk, document.pk])
    world = agenda.world

    for person in (world.board_member, world.admin):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert agenda.cases[0].reference in pdf_text(b"".join(response.streaming_content))
        assert client.get(reverse("board:document_download", args=[code, pk, pending.pk])).status_code == 404
    for person in (world.adviser_a, world.applicant_a, world.other_board_member, world.other_admin):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(reverse("board:document_make", args=[code, pk]), {"kind": "minutes"}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert MeetingDocument.objects.count() == 2


@pytest.mark.parametrize("kind", ["", "\x00", "letter", "minutes\x00"])
def test_an_odd_kind_makes_nothing(agenda: AgendaOfThree, client: Client, kind: str) -> None:
    client.force_login(agenda.world.board_member)

    response = client.post(
        reverse("board:document_make", args=[agenda.meeting.programme.code, agenda.meeting.pk]), {"kind": kind}
    )

    assert response.status_code == 302
    assert not MeetingDocument.objects.exists()


def test_a_document_that_cannot_be_made_is_marked_failed(agenda: AgendaOfThree, monkeypatch) -> None:
    document = meeting_document_request(meeting=agenda.meeting, kind="minutes", actor=agenda.world.admin)
    monkeypatch.setitem(
        __import__("workflow.services.meeting_documents", fromlist=["TEMPLATES"]).TEMPLATES,
        "minutes",
        "pdf/does_not_exist.html",
    )

    with pytest.raises(Exception):  # noqa: B017  (the worker logs it; the page shows "failed")
        meeting_document_make(document_id=document.pk)

    document.refresh_from_db()
    assert document.status == MeetingDocument.Status.FAILED


def test_documents_are_dated_in_norwegian_and_in_bokmal_whatever_the_language(agenda: AgendaOfThree) -> None:
    from django.utils import translation

    agenda.meeting.date = agenda.meeting.date + timedelta(days=3)
    agenda.meeting.save()
    with translation.override("en"):
        text = text_of(made(agenda, "agenda_pack"))

    assert f"Dato {d(agenda.meeting.date)}" in text
    assert f"Laget {d(clock.today())}" in text
    assert f"Rådgiverens innstilling {nb('Approve')}: 400 000 kr" in text
