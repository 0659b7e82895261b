"""Screening, the adviser's recommendation, board meetings, decisions and the offer."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programme import clock
from programme.fields import SavedAtField
from programme.models import BudgetYear, Programme

from .case import Case


class LegalBasis(models.TextChoices):
    DE_MINIMIS = "de_minimis", _("De minimis (EEA regulation 2023/2831)")
    BLOCK_EXEMPTION = "block_exemption", _("General block exemption (GBER)")
    NOT_STATE_AID = "not_state_aid", _("Not state aid")


class Screening(models.Model):
    """The adviser's screening checklist and the coordination with Innovation Norway."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="screening")
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    participating_municipality = models.BooleanField(_("company in a participating municipality"), default=False)
    focus_area_fits = models.BooleanField(_("within a focus area"), default=False)
    beside_core_business = models.BooleanField(_("beside the core business"), default=False)
    support_share_ok = models.BooleanField(_("support share within the rule"), default=False)
    de_minimis_ok = models.BooleanField(_("de minimis headroom checked"), default=False)
    innovation_norway_consulted = models.BooleanField(_("Innovation Norway consulted"), default=False)
    innovation_norway_outcome = models.TextField(_("outcome of the contact with Innovation Norway"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = SavedAtField()

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"{self.case}"


class Recommendation(models.Model):
    """Innstilling: the adviser's assessment and recommendation; the latest one counts."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recommendations")
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("recommendation"), max_length=10, choices=Outcome.choices)
    amount = models.DecimalField(_("amount (NOK)"), max_digits=14, decimal_places=2, null=True, blank=True)
    assessment = models.TextField(_("assessment"))
    conditions = models.TextField(_("conditions"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="reject") | Q(amount__gt=0), name="recommendation_approval_has_amount"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_outcome_display()}"


class BoardMeeting(models.Model):
    """Styremøte: its agenda holds recommended cases; approvals charge its year's budget."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="board_meetings", blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("board meeting")
        verbose_name_plural = _("board meetings")
        ordering = ["-date"]

    def __str__(self) -> str:
        return self.title or f"{self.programme.code} {self.date:%d.%m.%Y}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(BoardMeeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="agenda_item_unique_case")]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.position}: {self.case}"


class Decision(models.Model):
    """Vedtak: the board's decision on a case, or the adviser's dismissal."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        DEFER = "defer", _("Deferred")
        DISMISS = "dismiss", _("Dismissed")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(BoardMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    amount = models.DecimalField(_("amount (NOK)"), max_digits=14, decimal_places=2, null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), default=clock.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at", "pk"]
        # The public list of granted support shows the newest decisions first, a page at a time:
        # read backwards along this index, not sorted from every decision.
        indexes = [models.Index(fields=["decided_at", "id"], name="decision_decided_at")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="approve") | (Q(amount__gt=0) & ~Q(legal_basis="")),
                name="decision_approval_has_amount_and_basis",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_outcome_display()}"


class Offer(models.Model):
    """Tilsagn: the board's offer of a grant, with its terms and deadlines."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="offer")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="offer")
    budget_year = models.ForeignKey(BudgetYear, on_delete=models.PROTECT, related_name="offers")
    amount = models.DecimalField(_("granted (NOK)"), max_digits=14, decimal_places=2)
    support_share = models.DecimalField(_("support share (%)"), max_digits=5, decimal_places=2)
    holdback_amount = models.DecimalField(_("held back until the final report (NOK)"), max_digits=14, decimal_places=2)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    amount_eur = models.DecimalField(_("granted (EUR)"), max_digits=14, decimal_places=2)
    accept_by = models.DateField(_("accept by"))
    start_by = models.DateField(_("start by"), null=True, blank=True)
    final_report_due = models.DateField(_("final report due"))
    expires_on = models.DateField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    public_register_required = models.BooleanField(_("to be registered in the Register for public support"))
    public_register_done_at = models.DateTimeField(_("registered in the Register for public support"), null=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="offer_amount_positive"),
            models.CheckConstraint(
                condition=Q(holdback_amount__gte=0) & Q(holdback_amount__lte=models.F("amount")),
                name="offer_holdback_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.amount}"

    def payable_before_final_report(self) -> Decimal:
        return self.amount - self.holdback_amount


class Appeal(models.Model):
    """Klage: the applicant's appeal of a refusal or dismissal."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    text = models.TextField(_("grounds for the appeal"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.case}: {self.filed_at:%Y-%m-%d}"
