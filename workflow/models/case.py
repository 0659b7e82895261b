"""The case (sak): a submitted application's journey through the states of SPEC §4."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from applications.models import Application
from programme import clock
from programme.fields import SavedAtField
from programme.models import Municipality, Programme
from workflow.permissions import transition_permission


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", _("In screening")
    RETURNED = "returned", _("Returned for completion")
    DISMISSED = "dismissed", _("Dismissed")
    RECOMMENDED = "recommended", _("Recommended")
    ON_AGENDA = "on_agenda", _("On the board's agenda")
    APPROVED = "approved", _("Approved (offer sent)")
    REJECTED = "rejected", _("Rejected")
    APPEALED = "appealed", _("Appealed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DECLINED = "declined", _("Offer declined")
    ACCEPTED = "accepted", _("Offer accepted")
    REPORTING = "reporting", _("Final report filed")
    LAPSED = "lapsed", _("Lapsed")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")


FINAL_STATES = {State.WITHDRAWN, State.DECLINED, State.LAPSED, State.CANCELLED, State.CLOSED}
PHASES = {
    "screening": {State.SUBMITTED, State.SCREENING, State.RETURNED, State.DISMISSED},
    "decision": {State.RECOMMENDED, State.ON_AGENDA, State.APPROVED, State.REJECTED, State.APPEALED},
    "disbursement": {State.ACCEPTED, State.REPORTING},
    "evaluation": {State.COMPLETED, State.CLOSED},
}


def condition(
    message: str, explain: Callable[[Any], str] | None = None
) -> Callable[[Callable[[Any], bool]], Callable[[Any], bool]]:
    """Mark a transition guard with the sentence a person reads when it fails; ``explain``,
    given the case, says it with the case's own facts (a date) where they help."""

    def mark(func: Callable[[Any], bool]) -> Callable[[Any], bool]:
        func.message = message  # type: ignore[attr-defined]
        func.explain = explain  # type: ignore[attr-defined]
        return func

    return mark


@condition(_("The case has no completed assessment and recommendation yet."))
def has_recommendation(case: Case) -> bool:
    return case.recommendations.exists()


@condition(_("The appeal deadline (three weeks from the decision) has passed."))
def appeal_window_open(case: Case) -> bool:
    deadline = case.appeal_deadline()
    return deadline is not None and clock.today() <= deadline


@condition(_("The deadline for accepting the offer has passed."))
def offer_open_for_acceptance(case: Case) -> bool:
    offer = getattr(case, "offer", None)
    return offer is not None and clock.today() <= offer.accept_by


@condition(_("The offer has not passed its deadline yet, so it cannot lapse."))
def lapse_is_due(case: Case) -> bool:
    offer = getattr(case, "offer", None)
    if offer is None:
        return False
    today = clock.today()
    if case.state == State.APPROVED:
        return today > offer.accept_by
    return today > offer.expires_on


def _not_started_yet(case: Case) -> str:
    return str(
        _("The project starts on %(date)s. The final report can be filed once the project has started.")
        % {"date": dateformat.format(case.application.start_date, "d.m.Y")}
    )


@condition(_("The project has not started yet, so it has nothing to report."), explain=_not_started_yet)
def project_has_started(case: Case) -> bool:
    """Started when the start date of the application has come, or once a part payment has
    been made (money paid against documented costs shows the work has begun).  The system
    knows no other sign of a start; an imported case has no start date, and is not held up."""
    start = case.application.start_date
    if start is None or start <= clock.today():
        return True
    return case.payments.filter(is_final=False).exists()


@condition(_("The final payment has not been registered."))
def final_payment_registered(case: Case) -> bool:
    return case.payments.filter(is_final=True).exists()


@condition(_("The job follow-up is not over: reports are still due, and their period has not ended."))
def followup_is_over(case: Case) -> bool:
    """Over when every follow-up report is in, or when the last one is 14 days overdue."""
    months = list(case.programme.job_followup_months)
    if not months:
        return True
    reported = set(case.job_reports.exclude(period_months=None).values_list("period_months", flat=True))
    if reported >= set(months):
        return True
    final = case.payments.filter(is_final=True).first()
    if final is None:
        return False
    end = final.paid_on + relativedelta(months=max(months), days=14)
    return clock.today() > end


class Case(ConcurrentTransitionMixin, models.Model):
    """Sak: one submitted application, its state and everything decided about it."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cases")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="case")
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    # The company's municipality when the case was submitted; decides which advisers see it.
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="cases")
    state = FSMField(_("state"), default=State.SUBMITTED, choices=State.choices, protected=True, db_index=True)
    submitted_at = models.DateTimeField(_("submitted"))
    created_at = models.DateTimeField(default=clock.now)
    updated_at = SavedAtField()
    imported = models.BooleanField(_("imported from an earlier portfolio"), default=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["programme", "state"]), models.Index(fields=["municipality", "state"])]

    def __str__(self) -> str:
        return self.reference

    # --- what transitions read -------------------------------------------------------------

    def current_agenda_item(self) -> Any:
        # The last placement: a case goes on an agenda again only after a deferral or an
        # appeal took it off, and then possibly on a meeting dated before the earlier one.
        return self.agenda_items.select_related("meeting").order_by("-pk").first()

    def latest_refusal(self) -> Any:
        return self.decisions.filter(outcome__in=["reject", "dismiss"]).order_by("-decided_at").first()

    def appeal_deadline(self) -> Any:
        refusal = self.latest_refusal()
        if refusal is None:
            return None
        return timezone.localdate(refusal.decided_at) + timedelta(days=self.programme.appeal_days)

    # --- the transitions of SPEC §4: they change state and declare guards, nothing else ---

    @transition(state, source=State.SUBMITTED, target=State.SCREENING, permission=transition_permission("take"))
    def take(self) -> None:
        """An adviser takes the case for screening."""

    @transition(
        state,
        source=State.SCREENING,
        target=State.RETURNED,
        permission=transition_permission("return_for_completion"),
    )
    def return_for_completion(self) -> None:
        """The adviser asks the applicant to complete the application."""

    @transition(state, source=State.RETURNED, target=State.SUBMITTED, permission=transition_permission("resubmit"))
    def resubmit(self) -> None:
        """The applicant submits the completed application again."""

    @transition(state, source=State.SCREENING, target=State.DISMISSED, permission=transition_permission("dismiss"))
    def dismiss(self) -> None:
        """Avvisning: the application is formally ineligible."""

    @transition(
        state,
        source=State.SCREENING,
        target=State.RECOMMENDED,
        conditions=[has_recommendation],
        permission=transition_permission("recommend"),
    )
    def recommend(self) -> None:
        """Innstilling: the adviser's assessment and recommendation are done."""

    @transition(state, source=State.RECOMMENDED, target=State.SCREENING, permission=transition_permission("reopen"))
    def reopen(self) -> None:
        """The adviser takes a recommended case back into screening."""

    @transition(
        state,
        source=[State.SUBMITTED, State.SCREENING, State.RETURNED, State.RECOMMENDED],
        target=State.WITHDRAWN,
        permission=transition_permission("withdraw"),
    )
    def withdraw(self) -> None:
        """The applicant withdraws the application."""

    @transition(
        state,
        source=[State.RECOMMENDED, State.APPEALED],
        target=State.ON_AGENDA,
        permission=transition_permission("place_on_agenda"),
    )
    def place_on_agenda(self) -> None:
        """The case is placed on a board meeting (again, after an appeal)."""

    @transition(state, source=State.ON_AGENDA, target=State.APPROVED, permission=transition_permission("approve"))
    def approve(self) -> None:
        """Tilsagn: the board grants an amount."""

    @transition(state, source=State.ON_AGENDA, target=State.REJECTED, permission=transition_permission("reject"))
    def reject(self) -> None:
        """Avslag: the board refuses."""

    @transition(state, source=State.ON_AGENDA, target=State.RECOMMENDED, permission=transition_permission("defer"))
    def defer(self) -> None:
        """The board defers the case to a later meeting."""

    @transition(
        state,
        source=[State.REJECTED, State.DISMISSED],
        target=State.APPEALED,
        conditions=[appeal_window_open],
        permission=transition_permission("appeal"),
    )
    def appeal(self) -> None:
        """Klage (forvaltningsloven § 28)."""

    @transition(
        state,
        source=State.APPROVED,
        target=State.ACCEPTED,
        conditions=[offer_open_for_acceptance],
        permission=transition_permission("accept"),
    )
    def accept(self) -> None:
        """The applicant accepts the offer's terms."""

    @transition(state, source=State.APPROVED, target=State.DECLINED, permission=transition_permission("decline"))
    def decline(self) -> None:
        """The applicant declines the offer."""

    @transition(
        state,
        source=[State.APPROVED, State.ACCEPTED],
        target=State.LAPSED,
        conditions=[lapse_is_due],
        permission=transition_permission("lapse"),
    )
    def lapse(self) -> None:
        """The offer was not accepted in time, or expired."""

    @transition(state, source=State.ACCEPTED, target=State.CANCELLED, permission=transition_permission("cancel"))
    def cancel(self) -> None:
        """The programme withdraws the offer."""

    @transition(
        state,
        source=State.ACCEPTED,
        target=State.REPORTING,
        conditions=[project_has_started],
        permission=transition_permission("file_final_report"),
    )
    def file_final_report(self) -> None:
        """The applicant files the final report with the final payment request."""

    @transition(state, source=State.REPORTING, target=State.ACCEPTED, permission=transition_permission("return_report"))
    def return_report(self) -> None:
        """The final report is returned for completion."""

    @transition(
        state,
        source=State.REPORTING,
        target=State.COMPLETED,
        conditions=[final_payment_registered],
        permission=transition_permission("complete"),
    )
    def complete(self) -> None:
        """The final payment is made; the job follow-up starts."""

    @transition(
        state,
        source=State.COMPLETED,
        target=State.CLOSED,
        conditions=[followup_is_over],
        permission=transition_permission("close"),
    )
    def close(self) -> None:
        """The job follow-up is over."""


class TimelineEvent(models.Model):
    """One line of the case's history; the applicant sees all but staff-only notes.

    An event is stored as what happened, not as a sentence: ``action`` names it
    (``offer.accepted``, ``payment.registered`` …) and ``data`` holds its facts (amounts as
    strings of Decimals, dates in ISO, references, names).  ``text`` renders it when it is
    shown, in the reader's language (``workflow/timeline.py`` lists every action);
    ``comment`` holds only what a person typed (a note, reasons, a message).
    """

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("State change")
        NOTE = "note", _("Note")
        MONEY = "money", _("Money")
        CONFLICT = "conflict", _("Conflict of interest")
        DOCUMENT = "document", _("Document")
        REPORT = "report", _("Report")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices, blank=True)
    action = models.CharField(_("action"), max_length=40, blank=True, db_index=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    staff_only = models.BooleanField(_("staff only"), default=False)
    created_at = models.DateTimeField(_("when"), default=clock.now, db_index=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.from_state}→{self.to_state}"

    @property
    def text(self) -> str:
        """What happened, in the active language (the reader's), from ``action`` and ``data``."""
        from workflow.timeline import event_text  # the renderers read models' labels

        return event_text(self)


class ConflictDeclaration(models.Model):
    """Inhabilitet (forvaltningsloven § 6): the declarant may no longer act on the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflicts")
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="conflict_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.case}"
