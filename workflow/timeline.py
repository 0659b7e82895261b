"""The timeline's words: one renderer per action, run when an event is shown.

A service records what happened (``action`` and ``data``, see ``TimelineEvent``); this module
turns it into a sentence in the active language, the reader's, as pretix renders its
``log_action`` entries.  Amounts use the project's money format (``programme.money``), other
numbers the active language's format, dates dd.mm.yyyy.  ``data`` never holds a sentence,
except ``data["text"]``: the old words of an event written before the timeline kept events
(the migration ``0006_timeline_events_from_prose`` put them there when they could not be
read back), shown as they were written.

The actions, with their ``data`` (what a person typed stays in ``comment``):

=============================  ===========================================================
``case.submitted``             the application was submitted and became a case
``case.imported``              ``row``: brought in from the earlier portfolio
``case.taken``                 an adviser took the case for screening
``case.returned``              returned to the applicant; ``comment``: what is missing
``case.resubmitted``           the applicant submitted again; ``comment``: optional words
``case.dismissed``             avvisning; ``comment``: the reasons
``screening.updated``          the screening checklist was saved (staff only)
``case.recommended``           ``outcome`` (``approve``/``reject``): the innstilling
``case.reopened``              the screening was reopened; ``comment``: optional words
``case.withdrawn``             the applicant withdrew; ``comment``: optional words
``case.placed_on_agenda``      ``meeting_id``, ``meeting_title``, ``meeting_date``, ``programme``
``decision.approved``          ``amount``, ``share`` (per cent of the costs)
``decision.rejected``          avslag; ``comment``: the reasons
``decision.deferred``          deferred to a later meeting; ``comment``: optional words
``case.appealed``              klage; ``comment``: the grounds
``offer.accepted``             the applicant accepted the offer
``offer.declined``             the applicant declined; ``comment``: optional words
``offer.lapsed``               ``reason``: ``not_accepted`` or ``expired``
``offer.cancelled``            the programme cancelled the offer; ``comment``: the reasons
``offer.publicly_registered``  recorded in the Register for offentlig støtte
``commitment.released``        ``amount`` released back to the budget
``payment.requested``          ``amount``, ``request_id``: a part payment asked for
``payment_request.refused``    ``request_id``, ``amount``; ``comment``: the reasons
``final_report.filed``         ``amount`` of the final payment requested
``final_report.returned``      ``comment``: what the final report lacks
``payment.registered``         ``amount``, ``final`` (bool), ``payment_id``, ``paid_on``
``case.completed``             the final payment is made; the job follow-up starts
``payment.reclaimed``          ``amount`` paid back; ``comment``: the reason
``job_report.filed``           ``jobs`` (full-time equivalents), ``on_behalf`` (bool)
``case.closed``                ``reason``: ``last_job_report`` or ``followup_over``
``letter.issued``              ``name``, ``file_id``: a letter kept on the case
``document.added``             ``name``, ``file_id``: a document staff added
``conflict.declared``          ``person``: who declared a conflict of interest
``note.added``                 ``comment``: the note (its words are all there is)
=============================  ===========================================================
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import dateformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from programme.money import format_nok

if TYPE_CHECKING:
    from workflow.models import TimelineEvent

Renderer = Callable[[dict[str, Any]], str]
logger = logging.getLogger(__name__)
RENDERERS: dict[str, Renderer] = {}


def renders(*actions: str) -> Callable[[Renderer], Renderer]:
    def register(func: Renderer) -> Renderer:
        for action in actions:
            RENDERERS[action] = func
        return func

    return register


def event_text(event: TimelineEvent) -> str:
    """The event in the active language; the old words of an event that has only those."""
    data = event.data or {}
    if "text" in data:
        return str(data["text"])
    render = RENDERERS.get(event.action)
    if render is None:
        return ""
    try:
        return render(data)
    except (KeyError, ValueError, ArithmeticError):
        # Data written by hand or by an older version that lacks what the words need: the page
        # still shows, with the kind of event and the state change beside it.
        logger.warning("Timeline event %s (%s) lacks data for its words: %r", event.pk, event.action, data)
        return ""


def amount(value: str) -> str:
    return format_nok(Decimal(value))


def day(value: str) -> str:
    return dateformat.format(date.fromisoformat(value), "d.m.Y")


# Actions whose words need none of their data.  The msgids are, where one existed, the
# sentence the service wrote before, so their translations carry over.
RENDERERS.update(
    {
        "case.submitted": lambda data: _("Application submitted."),
        "case.taken": lambda data: _("Taken for screening."),
        "case.returned": lambda data: _("Returned to the applicant for completion."),
        "case.resubmitted": lambda data: _("Application completed and submitted again."),
        "case.dismissed": lambda data: _("The application was dismissed."),
        "screening.updated": lambda data: _("Screening updated."),
        "case.reopened": lambda data: _("The screening was reopened."),
        "case.withdrawn": lambda data: _("The applicant withdrew the application."),
        "decision.rejected": lambda data: _("The board rejected the application."),
        "decision.deferred": lambda data: _("Deferred to a later meeting."),
        "case.appealed": lambda data: _("The decision was appealed."),
        "offer.accepted": lambda data: _("Offer accepted."),
        "offer.declined": lambda data: _("Offer declined."),
        "offer.cancelled": lambda data: _("The offer was cancelled."),
        "offer.publicly_registered": lambda data: _("Registered in the Register for public support."),
        "final_report.returned": lambda data: _("The final report was returned for completion."),
        "case.completed": lambda data: _("Project completed; the job follow-up starts."),
        # A note is what its writer typed (the comment); there is nothing to add to it.
        "note.added": lambda data: "",
    }
)


@renders("case.imported")
def _imported(data: dict[str, Any]) -> str:
    return _("Imported from the earlier portfolio (row %(row)s).") % {"row": data["row"]}


@renders("case.recommended")
def _recommended(data: dict[str, Any]) -> str:
    from workflow.models import Recommendation

    return _("Recommendation: %(outcome)s") % {"outcome": Recommendation.Outcome(data["outcome"]).label}


@renders("case.placed_on_agenda")
def _placed_on_agenda(data: dict[str, Any]) -> str:
    # Named as BoardMeeting names itself: its title, else the programme's code and the date.
    meeting = data.get("meeting_title") or f"{data['programme']} {day(data['meeting_date'])}"
    return _("On the agenda of %(meeting)s.") % {"meeting": meeting}


@renders("decision.approved")
def _approved(data: dict[str, Any]) -> str:
    return _("Granted %(amount)s (%(share)s %% of the costs).") % {
        "amount": amount(data["amount"]),
        "share": number_format(Decimal(data["share"]), 2),
    }


@renders("offer.lapsed")
def _lapsed(data: dict[str, Any]) -> str:
    if data.get("reason") == "not_accepted":
        return _("The offer was not accepted by the deadline.")
    return _("The offer expired without a final payment request.")


@renders("commitment.released")
def _released(data: dict[str, Any]) -> str:
    return _("%(amount)s released back to the budget.") % {"amount": amount(data["amount"])}


@renders("payment.requested")
def _requested(data: dict[str, Any]) -> str:
    return _("Part payment of %(amount)s requested.") % {"amount": amount(data["amount"])}


@renders("payment_request.refused")
def _request_refused(data: dict[str, Any]) -> str:
    if "amount" not in data:
        return _("A payment request was refused.")
    return _("The payment request of %(amount)s was refused.") % {"amount": amount(data["amount"])}


@renders("final_report.filed")
def _final_report_filed(data: dict[str, Any]) -> str:
    return _("Final report filed; final payment of %(amount)s requested.") % {"amount": amount(data["amount"])}


@renders("payment.registered")
def _payment_registered(data: dict[str, Any]) -> str:
    text = (
        _("Final payment of %(amount)s registered.")
        if data.get("final")
        else _("Part payment of %(amount)s registered.")
    )
    return text % {"amount": amount(data["amount"])}


@renders("payment.reclaimed")
def _reclaimed(data: dict[str, Any]) -> str:
    return _("%(amount)s paid back.") % {"amount": amount(data["amount"])}


@renders("job_report.filed")
def _job_report(data: dict[str, Any]) -> str:
    text = (
        _("Job report (registered on the company's behalf): %(jobs)s new jobs.")
        if data.get("on_behalf")
        else _("Job report: %(jobs)s new jobs.")
    )
    return text % {"jobs": number_format(Decimal(data["jobs"]), 1)}


@renders("case.closed")
def _closed(data: dict[str, Any]) -> str:
    if data.get("reason") == "last_job_report":
        return _("The last job report is in; the follow-up is over.")
    return _("The job follow-up period is over.")


@renders("letter.issued")
def _letter(data: dict[str, Any]) -> str:
    return _("Letter: %(name)s") % {"name": data["name"]}


@renders("document.added")
def _document(data: dict[str, Any]) -> str:
    return _("Document added: %(name)s") % {"name": data["name"]}


@renders("conflict.declared")
def _conflict(data: dict[str, Any]) -> str:
    return _("%(person)s declared a conflict of interest and will not take part in the case.") % {
        "person": data["person"]
    }


# What a transition records when its service names no other action (``fire``).
TRANSITION_ACTIONS = {
    "take": "case.taken",
    "return_for_completion": "case.returned",
    "resubmit": "case.resubmitted",
    "dismiss": "case.dismissed",
    "recommend": "case.recommended",
    "reopen": "case.reopened",
    "withdraw": "case.withdrawn",
    "place_on_agenda": "case.placed_on_agenda",
    "approve": "decision.approved",
    "reject": "decision.rejected",
    "defer": "decision.deferred",
    "appeal": "case.appealed",
    "accept": "offer.accepted",
    "decline": "offer.declined",
    "lapse": "offer.lapsed",
    "cancel": "offer.cancelled",
    "file_final_report": "final_report.filed",
    "return_report": "final_report.returned",
    "complete": "case.completed",
    "close": "case.closed",
}

ACTION_CODES = frozenset(RENDERERS)
