"""Turn the timeline's stored sentences into events: an ``action`` and its ``data``.

Until now each event kept a sentence written at the time, in the writer's language (English or
Norwegian).  The action follows from the event's kind and states; the facts (amounts, shares,
names, rows) are read back from the sentence as the services wrote it, in either language.
What a person typed (a return message, reasons, a note) stays in ``comment``.  A system
sentence that cannot be read back keeps its words in ``data["text"]``, which is shown as it
is; an event whose action cannot be told keeps its comment and no action, and shows that.

The sentences are copied here, not imported: a migration must read the rows as they were
written, whatever the code says later.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.db import migrations

# The services' sentences as they were written: English msgid, then the Norwegian msgstr.
SENTENCES = {
    "case.submitted": ["Application submitted.", "Søknaden er sendt inn."],
    "case.resubmitted": ["Application completed and submitted again.", "Søknaden er fylt ut og sendt inn på nytt."],
    "case.withdrawn": ["The applicant withdrew the application.", "Søkeren har trukket søknaden."],
    "decision.deferred": ["Deferred to a later meeting.", "Utsatt til et senere møte."],
    "offer.accepted": ["Offer accepted.", "Tilsagnet er akseptert."],
    "offer.declined": ["Offer declined.", "Søkeren har takket nei til tilsagnet."],
    "case.completed": [
        "Project completed; the job follow-up starts.",
        "Prosjektet er fullført. Oppfølgingen av arbeidsplasser starter.",
    ],
    "screening.updated": ["Screening updated.", "Forhåndsvurderingen er oppdatert."],
    "offer.publicly_registered": [
        "Registered in the Register for public support.",
        "Registrert i Register for offentlig støtte.",
    ],
    "case.imported": [
        "Imported from the earlier portfolio (row %(row)s).",
        "Importert fra den tidligere porteføljen (rad %(row)s).",
    ],
    "case.recommended": ["Recommendation: %(outcome)s", "Innstilling: %(outcome)s"],
    "case.placed_on_agenda": ["On the agenda of %(meeting_title)s.", "Satt opp på sakslisten til %(meeting_title)s."],
    "decision.approved": [
        "Granted %(amount)s (%(share)s %% of the costs).",
        "Innvilget %(amount)s (%(share)s %% av kostnadene).",
    ],
    "final_report.filed": [
        "Final report filed; final payment of %(amount)s requested.",
        "Sluttrapporten er levert, og anmodning om sluttutbetaling på %(amount)s er sendt.",
    ],
    "conflict.declared": [
        "%(person)s declared a conflict of interest and will not take part in the case.",
        "%(person)s har erklært seg inhabil og deltar ikke i behandlingen av saken.",
    ],
    "commitment.released": [
        "%(amount)s released back to the budget.",
        "%(amount)s er frigjort og ført tilbake til budsjettet.",
    ],
    "payment.requested": [
        "Part payment of %(amount)s requested.",
        "Anmodning om delutbetaling på %(amount)s er sendt.",
    ],
    "payment.registered:final": [
        "Final payment of %(amount)s registered.",
        "Sluttutbetaling på %(amount)s er registrert.",
    ],
    "payment.registered:part": ["Part payment of %(amount)s registered.", "Delutbetaling på %(amount)s er registrert."],
    "payment.reclaimed": ["%(amount)s paid back: %(comment)s", "%(amount)s betalt tilbake: %(comment)s"],
    "job_report.filed:on_behalf": [
        "Job report (registered on the company's behalf): %(jobs)s new jobs.",
        "Rapport om arbeidsplasser (registrert på vegne av bedriften): %(jobs)s nye arbeidsplasser.",
    ],
    "job_report.filed:own": [
        "Job report: %(jobs)s new jobs.",
        "Rapport om arbeidsplasser: %(jobs)s nye arbeidsplasser.",
    ],
    "offer.lapsed:not_accepted": [
        "The offer was not accepted by the deadline.",
        "Tilsagnet ble ikke akseptert innen fristen.",
    ],
    "offer.lapsed:expired": [
        "The offer expired without a final payment request.",
        "Tilsagnet bortfalt uten at det kom en anmodning om sluttutbetaling.",
    ],
    "case.closed:last_job_report": [
        "The last job report is in; the follow-up is over.",
        "Den siste rapporten om arbeidsplasser er levert, og oppfølgingen er avsluttet.",
    ],
    "case.closed:followup_over": [
        "The job follow-up period is over.",
        "Perioden for oppfølging av arbeidsplasser er over.",
    ],
    "letter.issued": ["Letter: %(name)s", "Brev: %(name)s"],
    "document.added": ["Document added: %(name)s", "Dokument lagt til: %(name)s"],
}

OUTCOMES = {"Approve": "approve", "Innvilgelse": "approve", "Reject": "reject", "Avslag": "reject"}

# Each transition by its from and to state (a submission has no from state).
TRANSITIONS = {
    ("", "submitted"): "case.submitted",
    ("submitted", "screening"): "case.taken",
    ("screening", "returned"): "case.returned",
    ("returned", "submitted"): "case.resubmitted",
    ("screening", "dismissed"): "case.dismissed",
    ("screening", "recommended"): "case.recommended",
    ("recommended", "screening"): "case.reopened",
    ("recommended", "on_agenda"): "case.placed_on_agenda",
    ("appealed", "on_agenda"): "case.placed_on_agenda",
    ("on_agenda", "approved"): "decision.approved",
    ("on_agenda", "rejected"): "decision.rejected",
    ("on_agenda", "recommended"): "decision.deferred",
    ("rejected", "appealed"): "case.appealed",
    ("dismissed", "appealed"): "case.appealed",
    ("approved", "accepted"): "offer.accepted",
    ("approved", "declined"): "offer.declined",
    ("approved", "lapsed"): "offer.lapsed",
    ("accepted", "lapsed"): "offer.lapsed",
    ("accepted", "cancelled"): "offer.cancelled",
    ("accepted", "reporting"): "final_report.filed",
    ("reporting", "accepted"): "final_report.returned",
    ("reporting", "completed"): "case.completed",
    ("completed", "closed"): "case.closed",
}
for _source in ("submitted", "screening", "returned", "recommended"):
    TRANSITIONS[(_source, "withdrawn")] = "case.withdrawn"

# Transitions whose comment was always what a person typed; it stays as it is.
TYPED = {
    "case.returned",
    "case.dismissed",
    "case.reopened",
    "decision.rejected",
    "case.appealed",
    "offer.cancelled",
    "final_report.returned",
}
# Transitions whose comment was typed, or else a fixed sentence that the action now says.
TYPED_OR_SAID = {"case.resubmitted", "case.withdrawn", "decision.deferred", "offer.declined"}
# Transitions whose words need facts that only their sentence held.
NEEDS_FACTS = {"case.recommended", "case.placed_on_agenda", "decision.approved", "final_report.filed"}


def _pattern(sentence: str) -> re.Pattern[str]:
    parts = re.split(r"%\((\w+)\)s", sentence.replace("%%", "%"))
    regex = "".join(
        f"(?P<{part}>.+?)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(rf"\A{regex}\Z", re.DOTALL)


PATTERNS = {key: [_pattern(sentence) for sentence in sentences] for key, sentences in SENTENCES.items()}


def _match(keys: list[str], text: str) -> tuple[str, dict[str, str]] | None:
    for key in keys:
        for pattern in PATTERNS[key]:
            found = pattern.match(text.strip())
            if found:
                return key, found.groupdict()
    return None


def _decimal(text: str, places: str) -> str:
    """``1 250 000,50 kr``, ``43,75`` or ``2.5`` as a Decimal's string; ValueError if not one."""
    digits = text.replace("kr", "").replace("\u00a0", "").replace(" ", "").replace("−", "-").strip()
    if not re.fullmatch(r"-?\d+([.,]\d+)?", digits):
        raise ValueError(text)
    try:
        return str(Decimal(digits.replace(",", ".")).quantize(Decimal(places)))
    except InvalidOperation as error:
        raise ValueError(text) from error


def _facts(key: str, found: dict[str, str]) -> tuple[dict, str]:
    """The event's data (and what a person typed) from a matched sentence; ValueError if the
    values cannot be read."""
    action, _sep, variant = key.partition(":")
    data: dict = {}
    comment = found.pop("comment", "")
    for name, value in found.items():
        if name == "amount":
            data["amount"] = _decimal(value, "0.01")
        elif name == "share":
            data["share"] = _decimal(value, "0.01")
        elif name == "jobs":
            data["jobs"] = _decimal(value, "0.1")
        elif name == "row":
            data["row"] = int(value)
        elif name == "outcome":
            if value not in OUTCOMES:
                raise ValueError(value)
            data["outcome"] = OUTCOMES[value]
        else:
            data[name] = value
    if action == "payment.registered":
        data["final"] = variant == "final"
    elif action == "job_report.filed":
        data["on_behalf"] = variant == "on_behalf"
    elif variant:
        data["reason"] = variant
    return data, comment


def _read(keys: list[str], text: str) -> tuple[str, dict, str] | None:
    """(action, data, comment) from a system sentence among ``keys``, or None."""
    matched = _match(keys, text)
    if matched is None:
        return None
    key, found = matched
    try:
        data, comment = _facts(key, found)
    except ValueError:
        return None
    return key.partition(":")[0], data, comment


def _keys(action: str) -> list[str]:
    return [key for key in SENTENCES if key.partition(":")[0] == action]


def _transition(from_state: str, to_state: str, text: str) -> tuple[str, dict, str]:
    imported = _read(["case.imported"], text) if text else None
    if imported is not None:
        return imported
    action = TRANSITIONS.get((from_state, to_state), "")
    if not action or action in TYPED:
        return action, {}, text
    if action in TYPED_OR_SAID:
        return action, {}, "" if text.strip() in SENTENCES[action] else text
    read = _read(_keys(action), text) if text else None
    if read is not None:
        return read
    data: dict = {}
    if action == "offer.lapsed":
        data["reason"] = "not_accepted" if from_state == "approved" else "expired"
    elif action == "case.closed":
        data["reason"] = "followup_over"
    if text or action in NEEDS_FACTS:
        # Words the action cannot say again (or no facts to say them with): kept, and shown,
        # as they were written.
        data = {"text": text}
    return action, data, ""


def convert(
    kind: str, from_state: str, to_state: str, comment: str, *, refusal_possible: bool = True
) -> tuple[str, dict, str]:
    """(action, data, comment) for an event written as a sentence.  ``refusal_possible``: the
    case has a refused payment request, so a money event of typed words may be its reasons."""
    text = comment or ""
    if kind == "transition":
        return _transition(from_state, to_state, text)
    if kind == "note":
        read = _read(["screening.updated", "offer.publicly_registered"], text)
        return read or ("note.added", {}, text)
    if kind == "conflict":
        read = _read(["conflict.declared"], text)
        return read or ("conflict.declared", {"text": text}, "")
    if kind == "money":
        keys = [*_keys("commitment.released"), *_keys("payment.requested"), *_keys("payment.registered")]
        read = _read([*keys, "payment.reclaimed"], text)
        if read is not None:
            return read
        # The one money event that held only typed words: the reasons for refusing a request.
        # Where the case has no refused request, the words are a sentence this migration cannot
        # read back (never call a payment a refusal): kept, and shown, as they were written.
        return ("payment_request.refused", {}, text) if refusal_possible else ("", {"text": text}, "")
    if kind == "document":
        return _read(["letter.issued", "document.added"], text) or ("", {}, text)
    if kind == "report":
        return _read(_keys("job_report.filed"), text) or ("", {}, text)
    return "", {}, text


def forwards(apps, schema_editor):
    TimelineEvent = apps.get_model("workflow", "TimelineEvent")
    PaymentRequest = apps.get_model("workflow", "PaymentRequest")
    with_refusals = set(PaymentRequest.objects.filter(status="refused").values_list("case_id", flat=True))
    batch = []
    events = TimelineEvent.objects.filter(action="").only("case", "kind", "from_state", "to_state", "comment")
    for event in events.order_by("pk").iterator(chunk_size=1000):
        event.action, event.data, event.comment = convert(
            event.kind,
            event.from_state,
            event.to_state,
            event.comment,
            refusal_possible=event.case_id in with_refusals,
        )
        batch.append(event)
        if len(batch) >= 1000:
            TimelineEvent.objects.bulk_update(batch, ["action", "data", "comment"])
            batch = []
    if batch:
        TimelineEvent.objects.bulk_update(batch, ["action", "data", "comment"])


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0005_timelineevent_action_data"),
    ]

    # Backwards leaves the events as they are; 0005's reverse then drops action and data.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
