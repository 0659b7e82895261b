"""The timeline stores events (an action and its data) and says them in the reader's language
when they are shown: on the case pages, in the API, and for events converted from the old
stored sentences."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps as global_apps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.journey import World, case_in
from tests.workflow.api.support import token_client
from workflow import services
from workflow.models import PaymentRequest, State, TimelineEvent
from workflow.services._core import record
from workflow.timeline import ACTION_CODES

NBSP = "\u00a0"
converting = importlib.import_module("workflow.migrations.0006_timeline_events_from_prose")

# One example of every action's data, as the services write it.
EXAMPLES = {
    "case.imported": {"row": 7},
    "case.recommended": {"outcome": "approve"},
    "case.placed_on_agenda": {"meeting_id": 1, "meeting_title": "", "meeting_date": "2026-03-05", "programme": "NUP"},
    "decision.approved": {"amount": "350000.00", "share": "43.75", "offer_id": 1},
    "offer.lapsed": {"reason": "not_accepted"},
    "commitment.released": {"amount": "1250.50"},
    "payment.requested": {"amount": "100000.00", "request_id": 1},
    "payment_request.refused": {"amount": "100000.00", "request_id": 1},
    "final_report.filed": {"amount": "50000.00"},
    "payment.registered": {"amount": "50000.00", "final": True, "payment_id": 1, "paid_on": "2026-03-05"},
    "payment.reclaimed": {"amount": "20000.00"},
    "job_report.filed": {"jobs": "2.5", "on_behalf": False, "period_months": 12},
    "case.closed": {"reason": "followup_over"},
    "letter.issued": {"name": "tilsagnsbrev-NUP-2026-001.pdf", "file_id": 1},
    "document.added": {"name": "avtale.pdf", "file_id": 2},
    "conflict.declared": {"person": "Kari Nordmann"},
}


def read(event: TimelineEvent, language: str) -> str:
    with translation.override(language):
        return event.text


def test_every_action_is_said_in_english_and_in_norwegian() -> None:
    """A new action without its words, or without their translation, fails here."""
    for action in sorted(ACTION_CODES - {"note.added"}):
        event = TimelineEvent(action=action, data=EXAMPLES.get(action, {}))
        english, norwegian = read(event, "en"), read(event, "nb")
        assert english and norwegian, action
        assert english != norwegian, f"{action} has no Norwegian words: {english}"
    assert read(TimelineEvent(action="note.added", comment="Ringte daglig leder."), "nb") == ""


def test_the_same_event_reads_in_each_readers_language_with_its_number_format() -> None:
    approval = TimelineEvent(action="decision.approved", data=EXAMPLES["decision.approved"])
    assert read(approval, "en") == f"Granted 350{NBSP}000{NBSP}kr (43.75 % of the costs)."
    assert read(approval, "nb") == f"Innvilget 350{NBSP}000{NBSP}kr (43,75 % av kostnadene)."

    jobs = TimelineEvent(action="job_report.filed", data=EXAMPLES["job_report.filed"])
    assert read(jobs, "en") == "Job report: 2.5 new jobs."
    assert read(jobs, "nb") == "Rapport om arbeidsplasser: 2,5 nye arbeidsplasser."

    meeting = TimelineEvent(action="case.placed_on_agenda", data=EXAMPLES["case.placed_on_agenda"])
    assert read(meeting, "en") == "On the agenda of NUP 05.03.2026."
    assert read(meeting, "nb") == "Satt opp på sakslisten til NUP 05.03.2026."


def test_an_english_and_a_norwegian_reader_see_the_approval_each_in_their_language(
    world: World, client: Client
) -> None:
    case = case_in(world, State.APPROVED)
    approval = case.events.get(action="decision.approved")
    assert (approval.data["amount"], approval.comment) == ("400000.00", "")
    share = f"{Decimal(approval.data['share']):.2f}"
    amount = f"400{NBSP}000{NBSP}kr"

    client.force_login(world.applicant_a)
    applicant_page = reverse("workflow:case_detail", args=[case.reference])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(applicant_page).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    norwegian = client.get(applicant_page).content.decode()

    assert f"Granted {amount} ({share} % of the costs)." in english
    assert f"Innvilget {amount} ({share.replace('.', ',')} % av kostnadene)." in norwegian
    assert "Granted" not in norwegian

    client.force_login(world.board_member)
    staff_page = reverse("staff:case_detail", args=[case.reference])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert f"Granted {amount} ({share} % of the costs)." in client.get(staff_page).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    assert "Søknaden er sendt inn." in client.get(staff_page).content.decode()


def test_what_a_person_typed_stays_in_the_comment_beside_the_events_words(world: World) -> None:
    case = case_in(world, State.SCREENING)
    services.case_return(case=case, actor=world.adviser_a, message="Legg ved regnskap for 2025.")

    event = case.events.latest("pk")
    assert (event.action, event.data, event.comment) == ("case.returned", {}, "Legg ved regnskap for 2025.")
    assert read(event, "nb") == "Søknaden er sendt tilbake til søkeren for utfylling."


def test_an_event_whose_data_lacks_what_its_words_need_still_shows_on_the_page(world: World, client: Client) -> None:
    case = case_in(world, State.SUBMITTED)
    TimelineEvent.objects.create(
        case=case, kind=TimelineEvent.Kind.TRANSITION, action="decision.approved", data={}, to_state=State.APPROVED
    )

    client.force_login(world.adviser_a)
    page = client.get(reverse("staff:case_detail", args=[case.reference]))

    assert page.status_code == 200
    assert "Innvilget (tilsagn sendt)" in page.content.decode()  # the state change is still told


def test_an_event_is_written_only_with_a_known_action(world: World) -> None:
    case = case_in(world, State.SUBMITTED)
    with pytest.raises(ValueError, match="unknown timeline action"):
        record(case=case, actor=None, kind=TimelineEvent.Kind.NOTE, action="note.typed")


def test_the_api_gives_each_events_action_and_data_and_its_words_in_the_requests_language(world: World) -> None:
    case = case_in(world, State.APPROVED)
    client = token_client(world.admin)

    english = client.get(f"/api/cases/{case.reference}/timeline/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    norwegian = client.get(f"/api/cases/{case.reference}/timeline/", HTTP_ACCEPT_LANGUAGE="nb").json()["results"]

    approval = next(event for event in english if event["action"] == "decision.approved")
    assert approval["data"]["amount"] == "400000.00"
    assert approval["text"].startswith(f"Granted 400{NBSP}000{NBSP}kr")
    assert [event["action"] for event in english] == [
        "case.submitted",
        "case.taken",
        "case.recommended",
        "case.placed_on_agenda",
        "decision.approved",
    ]
    assert [event["data"] for event in norwegian] == [event["data"] for event in english]
    assert norwegian[0]["text"] == "Søknaden er sendt inn."


# --- the events written as sentences before ---------------------------------------------------

OLD_EVENTS = [
    # kind, from, to, the stored sentence -> action, data, comment
    ("transition", "", "submitted", "Søknaden er sendt inn.", "case.submitted", {}, ""),
    ("transition", "submitted", "screening", "", "case.taken", {}, ""),
    ("transition", "screening", "returned", "Mangler regnskap.", "case.returned", {}, "Mangler regnskap."),
    ("transition", "returned", "submitted", "Application completed and submitted again.", "case.resubmitted", {}, ""),
    ("transition", "returned", "submitted", "Nå med regnskap.", "case.resubmitted", {}, "Nå med regnskap."),
    (
        "transition",
        "screening",
        "recommended",
        "Innstilling: Innvilgelse",
        "case.recommended",
        {"outcome": "approve"},
        "",
    ),
    (
        "transition",
        "recommended",
        "on_agenda",
        "Satt opp på sakslisten til Styremøte mars.",
        "case.placed_on_agenda",
        {"meeting_title": "Styremøte mars"},
        "",
    ),
    (
        "transition",
        "on_agenda",
        "approved",
        f"Innvilget 350{NBSP}000{NBSP}kr (43,75 % av kostnadene).",
        "decision.approved",
        {"amount": "350000.00", "share": "43.75"},
        "",
    ),
    (
        "transition",
        "on_agenda",
        "approved",
        f"Granted 1{NBSP}250{NBSP}000,50{NBSP}kr (40.00 % of the costs).",
        "decision.approved",
        {"amount": "1250000.50", "share": "40.00"},
        "",
    ),
    (
        "transition",
        "approved",
        "lapsed",
        "Tilsagnet ble ikke akseptert innen fristen.",
        "offer.lapsed",
        {"reason": "not_accepted"},
        "",
    ),
    (
        "transition",
        "completed",
        "closed",
        "The job follow-up period is over.",
        "case.closed",
        {"reason": "followup_over"},
        "",
    ),
    (
        "transition",
        "submitted",
        "completed",
        "Importert fra den tidligere porteføljen (rad 12).",
        "case.imported",
        {"row": 12},
        "",
    ),
    ("note", "", "", "Forhåndsvurderingen er oppdatert.", "screening.updated", {}, ""),
    ("note", "", "", "Ringte daglig leder.", "note.added", {}, "Ringte daglig leder."),
    (
        "money",
        "",
        "",
        f"Delutbetaling på 100{NBSP}000{NBSP}kr er registrert.",
        "payment.registered",
        {"amount": "100000.00", "final": False},
        "",
    ),
    (
        "money",
        "",
        "",
        f"20{NBSP}000{NBSP}kr betalt tilbake: Feil i bilag.",
        "payment.reclaimed",
        {"amount": "20000.00"},
        "Feil i bilag.",
    ),
    ("money", "", "", "Bilagene mangler.", "payment_request.refused", {}, "Bilagene mangler."),
    ("report", "", "", "Job report: 2.5 new jobs.", "job_report.filed", {"jobs": "2.5", "on_behalf": False}, ""),
    (
        "document",
        "",
        "",
        "Brev: tilsagnsbrev-NUP-2026-001.pdf",
        "letter.issued",
        {"name": "tilsagnsbrev-NUP-2026-001.pdf"},
        "",
    ),
    (
        "conflict",
        "",
        "",
        "Kari Nordmann har erklært seg inhabil og deltar ikke i behandlingen av saken.",
        "conflict.declared",
        {"person": "Kari Nordmann"},
        "",
    ),
    # Sentences the migration cannot read back: their words are kept and shown as written.
    (
        "transition",
        "on_agenda",
        "approved",
        "Innvilget etter befaring.",
        "decision.approved",
        {"text": "Innvilget etter befaring."},
        "",
    ),
    ("document", "", "", "Skannet avtale", "", {}, "Skannet avtale"),
]


def old_events(case) -> list[TimelineEvent]:
    return [
        TimelineEvent.objects.create(case=case, kind=kind, from_state=source, to_state=target, comment=comment)
        for kind, source, target, comment, *_expected in OLD_EVENTS
    ]


def refused_request(case, world: World) -> PaymentRequest:
    return PaymentRequest.objects.create(
        case=case,
        amount=Decimal("100000"),
        costs_to_date=Decimal("200000"),
        report="Halvveis.",
        status=PaymentRequest.Status.REFUSED,
        created_by=world.applicant_a,
    )


def test_money_words_are_a_refusal_only_where_the_case_has_a_refused_request(world: World) -> None:
    without, with_refusal = case_in(world, State.SUBMITTED), case_in(world, State.SUBMITTED)
    refused_request(with_refusal, world)
    written = {
        case.pk: TimelineEvent.objects.create(case=case, kind="money", comment="Utbetalt 1234 kr.")
        for case in (without, with_refusal)
    }

    converting.forwards(global_apps, None)

    payment, refusal = (TimelineEvent.objects.get(pk=written[case.pk].pk) for case in (without, with_refusal))
    assert (payment.action, payment.data, payment.comment) == ("", {"text": "Utbetalt 1234 kr."}, "")
    assert payment.text == "Utbetalt 1234 kr."  # shown as written, never called a refusal
    assert (refusal.action, refusal.comment) == ("payment_request.refused", "Utbetalt 1234 kr.")


def test_the_old_sentences_become_events_and_still_show(world: World, client: Client) -> None:
    case = case_in(world, State.SUBMITTED)
    TimelineEvent.objects.filter(case=case).delete()
    events = old_events(case)
    refused_request(case, world)  # so the typed money words are the reasons of its refusal

    converting.forwards(global_apps, None)

    for event, (*_stored, action, data, comment) in zip(events, OLD_EVENTS, strict=True):
        event.refresh_from_db()
        assert (event.action, event.data, event.comment) == (action, data, comment), event.pk
    approval = events[7]
    assert read(approval, "en") == f"Granted 350{NBSP}000{NBSP}kr (43.75 % of the costs)."
    assert read(events[8], "nb") == f"Innvilget 1{NBSP}250{NBSP}000,50{NBSP}kr (40,00 % av kostnadene)."

    client.force_login(world.adviser_a)
    page = client.get(reverse("staff:case_detail", args=[case.reference])).content.decode()
    assert "Innvilget etter befaring." in page
    assert "Skannet avtale" in page
    assert "Satt opp på sakslisten til Styremøte mars." in page
    assert "Feil i bilag." in page


def test_the_conversion_runs_as_a_migration_and_leaves_new_events_alone(transactional_db) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("workflow", "0005_timelineevent_action_data")])
    executor.loader.build_graph()
    try:
        from tests.journey import build_world

        world = build_world()
        case = case_in(world, State.SUBMITTED)
        written = case.events.get()  # written by the service, already an event
        old = TimelineEvent.objects.create(
            case=case, kind="transition", from_state="submitted", to_state="screening", comment=""
        )
        approval = TimelineEvent.objects.create(
            case=case,
            kind="money",
            comment=f"Final payment of 5{NBSP}000{NBSP}kr registered.",
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate([("workflow", "0006_timeline_events_from_prose")])

    assert TimelineEvent.objects.get(pk=written.pk).action == "case.submitted"
    assert TimelineEvent.objects.get(pk=old.pk).action == "case.taken"
    converted = TimelineEvent.objects.get(pk=approval.pk)
    assert (converted.action, converted.data, converted.comment) == (
        "payment.registered",
        {"amount": "5000.00", "final": True},
        "",
    )
    assert read(converted, "nb") == f"Sluttutbetaling på 5{NBSP}000{NBSP}kr er registrert."
