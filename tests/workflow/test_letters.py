"""Letters of a decided case (SPEC §7): the offer, the refusal and the dismissal as PDF,
rendered in the background, kept on the case and downloaded by the applicant as sent."""

from __future__ import annotations

import io
import re
import time
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from programme import clock
from programme.money import format_nok
from tests.journey import GRANT, case_in
from workflow import services, tasks
from workflow.models import CaseFile, Decision, State, TimelineEvent
from workflow.services.letters import letter_issue

# Letters go to a temporary folder, not the machine's private storage.
pytestmark = pytest.mark.usefixtures("private_storage")


def words(text: str) -> str:
    """Every run of white space (non-breaking ones too, however the PDF spells them) as one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return words(" ".join(page.extract_text() for page in reader.pages))


def stored_text(letter: CaseFile) -> str:
    with letter.file.open("rb") as handle:
        return pdf_text(handle.read())


def d(value) -> str:
    return value.strftime("%d.%m.%Y")


def test_the_offer_letter_states_the_grant_its_terms_and_the_de_minimis_support(world):
    case = case_in(world, State.APPROVED)
    offer = case.offer

    started = time.perf_counter()
    letter = letter_issue(case_id=case.pk, kind="offer")
    elapsed = time.perf_counter() - started
    print(f"offer letter rendered and stored in {elapsed:.2f} s")

    assert (letter.kind, letter.content_type, letter.original_name) == (
        CaseFile.Kind.LETTER,
        "application/pdf",
        f"tilsagnsbrev-{case.reference}.pdf",
    )
    text = stored_text(letter)
    assert case.reference in text
    assert world.programme.name in text and world.programme.owner_organisation in text
    assert "Tilsagn om tilskudd" in text
    assert "400 000 kr" in text
    assert f"{words(format_nok(offer.holdback_amount))} ({words(str(int(world.programme.holdback_share)))} %)" in text
    assert "40 %" in text  # 400 000 of 1 000 000 kr in costs
    assert f"aksepteres innen {d(offer.accept_by)}" in text
    assert f"starte innen {world.programme.start_months} måneder etter aksept" in text
    assert f"leveres innen {d(offer.final_report_due)}" in text
    assert f"faller bort {d(offer.expires_on)}" in text
    assert f"bagatellmessig støtte (de minimis) etter {words(world.programme.de_minimis_regulation)}" in text
    eur = f"{offer.amount_eur:,.2f}".replace(",", " ").replace(".", ",")
    assert f"Tilskuddet utgjør {eur} euro" in text
    assert "kurs 11,5000 kroner per euro" in text
    assert "Side 1 av" in text
    assert "akseptere tilsagnet innen" in text


def test_an_offer_letter_after_acceptance_gives_the_start_date(world):
    case = case_in(world, State.ACCEPTED)

    text = stored_text(letter_issue(case_id=case.pk, kind="offer"))

    assert f"starte innen {d(case.offer.start_by)}" in text
    assert "måneder etter aksept" not in text


def test_the_refusal_letter_gives_the_boards_reasons_and_the_appeal_rights(world):
    case = case_in(world, State.REJECTED)

    letter = letter_issue(case_id=case.pk, kind="refusal")

    text = stored_text(letter)
    assert letter.original_name == f"avslag-{case.reference}.pdf"
    assert case.reference in text
    assert "Vedtak om avslag" in text
    assert "Svak forankring." in text
    assert "forvaltningsloven § 28" in text
    assert "Klagefristen er 3 uker" in text
    assert f"sendt innen {d(case.appeal_deadline())}" in text
    assert f"Klagen sendes til {world.programme.owner_organisation}" in text


def test_the_dismissal_letter_gives_the_advisers_reasons_and_the_appeal_rights(world):
    case = case_in(world, State.DISMISSED)

    letter = letter_issue(case_id=case.pk, kind="dismissal")

    text = stored_text(letter)
    assert letter.original_name == f"avvisning-{case.reference}.pdf"
    assert "Vedtak om avvisning" in text
    assert "Utenfor formålet." in text
    assert "forvaltningsloven § 28" in text
    assert "Klagefristen er 3 uker" in text
    decided = case.decisions.get(outcome=Decision.Outcome.DISMISS).decided_at
    assert f"sendt innen {d(timezone.localdate(decided) + timedelta(days=21))}" in text


def test_the_letter_sends_the_applicant_to_the_sites_address(world, settings):
    # The worker has no request: the address is SITE_URL, which production must set.
    settings.SITE_URL = "https://naeringsprogram.example.no"
    case = case_in(world, State.REJECTED)

    text = stored_text(letter_issue(case_id=case.pk, kind="refusal"))

    case_page = "https://naeringsprogram.example.no" + reverse("workflow:case_detail", args=[case.reference])
    assert case_page in text.replace(" ", "")
    assert "localhost" not in text


def test_the_letter_is_in_bokmal_whatever_the_language_of_the_moment(world):
    from django.utils import translation

    case = case_in(world, State.REJECTED)
    with translation.override("en"):
        text = stored_text(letter_issue(case_id=case.pk, kind="refusal"))
    assert "Klagerett" in text


def test_issuing_twice_keeps_one_letter_and_one_timeline_event(world, private_storage):
    case = case_in(world, State.APPROVED)

    first = tasks.issue_letter(case.pk, "offer")
    second = tasks.issue_letter(case.pk, "offer")

    assert first == second
    assert case.files.filter(kind=CaseFile.Kind.LETTER).count() == 1
    events = case.events.filter(kind=TimelineEvent.Kind.DOCUMENT)
    assert events.count() == 1
    assert (events.get().action, events.get().data["name"]) == ("letter.issued", f"tilsagnsbrev-{case.reference}.pdf")
    assert len([p for p in private_storage.rglob("*") if p.is_file()]) == 1


def test_a_stored_letter_is_shown_as_sent_not_rendered_again(world):
    case = case_in(world, State.REJECTED)
    letter = letter_issue(case_id=case.pk, kind="refusal")
    with letter.file.open("rb") as handle:
        sent = handle.read()
    world.programme.name = "Et nytt navn"
    world.programme.save()

    again = letter_issue(case_id=case.pk, kind="refusal")

    with again.file.open("rb") as handle:
        assert handle.read() == sent
    assert "Et nytt navn" not in stored_text(again)


def test_a_new_refusal_after_an_appeal_gets_a_letter_of_its_own(world):
    case = case_in(world, State.APPEALED)
    letter_issue(case_id=case.pk, kind="refusal")
    later = services.meeting_create(
        programme=world.programme,
        actor=world.admin,
        date=world.meeting.date + timedelta(days=7),
        members=list(world.meeting.members.all()),
    )
    services.agenda_add(meeting=later, case=case, actor=world.admin)
    with clock.travel_to(clock.now() + timedelta(days=7)):  # decided at that meeting, a week on
        services.decision_reject(case=case, actor=world.board_member, reasons="Klagen gir ikke grunn til endring.")

    second = letter_issue(case_id=case.pk, kind="refusal")

    assert second.original_name == f"avslag-{case.reference}-2.pdf"
    assert "Klagen gir ikke grunn til endring." in stored_text(second)
    assert case.files.filter(kind=CaseFile.Kind.LETTER).count() == 2


def test_the_applicant_downloads_the_letter_from_the_case_page_and_no_one_else_does(world, client):
    case = case_in(world, State.APPROVED)
    letter = letter_issue(case_id=case.pk, kind="offer")
    download_url = reverse("workflow:case_file_download", args=[letter.pk])
    client.force_login(world.applicant_a)

    page = client.get(reverse("workflow:case_detail", args=[case.reference])).content.decode()
    download = client.get(download_url)

    assert f'href="{download_url}"' in page
    assert letter.original_name in page
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert case.reference in pdf_text(b"".join(download.streaming_content))

    client.force_login(world.applicant_b)
    assert client.get(download_url).status_code == 404


def test_approving_enqueues_the_offer_letter_once(world, django_capture_on_commit_callbacks, monkeypatch):
    case = case_in(world, State.ON_AGENDA)
    sent = []
    monkeypatch.setattr(tasks.issue_letter, "delay", lambda *args: sent.append(args))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.decision_approve(case=case, actor=world.board_member, amount=GRANT, legal_basis="de_minimis")

    assert len(callbacks) == 1
    callbacks[0]()
    assert [args[:2] for args in sent] == [(case.pk, "offer")]
    assert datetime.fromisoformat(sent[0][2]) >= case.decisions.get(outcome="approve").decided_at


@pytest.mark.parametrize(
    ("state", "step", "kind"), [("on_agenda", "reject", "refusal"), ("screening", "dismiss", "dismissal")]
)
def test_refusing_and_dismissing_enqueue_their_letter(
    world, django_capture_on_commit_callbacks, monkeypatch, state, step, kind
):
    case = case_in(world, state)
    sent = []
    monkeypatch.setattr(tasks.issue_letter, "delay", lambda *args: sent.append(args))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        if step == "reject":
            services.decision_reject(case=case, actor=world.board_member, reasons="Svak forankring.")
        else:
            services.case_dismiss(case=case, actor=world.adviser_a, reasons="Utenfor formålet.")

    assert len(callbacks) == 1
    assert [args[:2] for args in sent] == [(case.pk, kind)]


def test_the_letter_task_does_nothing_for_a_case_that_no_longer_exists(db):
    from workflow.tasks import issue_letter

    assert issue_letter.run(987654, "offer") is None


def test_a_decision_made_as_of_an_earlier_day_gets_its_letter_dated_then(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    # As the demo and an imported portfolio decide: as of a past day, while the worker makes
    # the letter later, on the real day.
    decided = clock.now() - timedelta(days=40)
    # The meeting was that day, and the case was submitted before it (a meeting decides only
    # cases submitted by its date, on or after the date itself).
    world.meeting.date = timezone.localdate(decided)
    world.meeting.save(update_fields=["date"])
    with clock.travel_to(decided - timedelta(days=1)):
        case = case_in(world, State.ON_AGENDA)
    sent = []
    monkeypatch.setattr(tasks.issue_letter, "delay", lambda *args: sent.append(args))
    with clock.travel_to(decided), django_capture_on_commit_callbacks(execute=True):
        services.decision_reject(case=case, actor=world.board_member, reasons="Svak forankring.")

    tasks.issue_letter(*sent[0])  # the worker, now

    letter = case.files.get(kind=CaseFile.Kind.LETTER)
    event = case.events.get(action="letter.issued")
    assert letter.uploaded_at == decided
    assert event.created_at == decided
    timeline = list(case.events.all())  # in the timeline's order
    assert timeline.index(event) == timeline.index(case.events.get(to_state=State.REJECTED)) + 1
    assert f"Dato: {d(timezone.localdate(decided))}" in stored_text(letter)
