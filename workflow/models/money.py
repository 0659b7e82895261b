"""The budget ledger, payment requests and payments, reports on the project and its jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programme import clock
from programme.models import BudgetYear

from .case import Case


class LedgerEntry(models.Model):
    """One movement of money against a budget year; rows are only ever added."""

    class Kind(models.TextChoices):
        COMMIT = "commit", _("Commitment")
        RELEASE = "release", _("Release")
        DISBURSE = "disburse", _("Disbursement")
        RECLAIM = "reclaim", _("Reclaim")

    budget_year = models.ForeignKey(BudgetYear, on_delete=models.PROTECT, related_name="ledger_entries")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount (NOK)"), max_digits=14, decimal_places=2)
    booked_on = models.DateField(_("date"), default=clock.today)
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment = models.OneToOneField(
        "Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entry"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["budget_year", "kind"]), models.Index(fields=["case", "kind"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive")]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.get_kind_display()} {self.amount} ({self.case})"


class PaymentRequest(models.Model):
    """Utbetalingsanmodning: the applicant asks for a part or the final payment."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payment_requests")
    is_final = models.BooleanField(_("final payment"), default=False)
    amount = models.DecimalField(_("amount requested (NOK)"), max_digits=14, decimal_places=2)
    costs_to_date = models.DecimalField(_("documented costs to date (NOK)"), max_digits=14, decimal_places=2)
    report = models.TextField(_("short report"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_request_amount_positive")]

    def __str__(self) -> str:
        return f"{self.case}: {self.amount}"


class Payment(models.Model):
    """Utbetaling: money paid to the company; at most one final payment per case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments")
    request = models.OneToOneField(
        PaymentRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="payment"
    )
    amount = models.DecimalField(_("amount (NOK)"), max_digits=14, decimal_places=2)
    is_final = models.BooleanField(_("final payment"), default=False)
    paid_on = models.DateField(_("paid on"), default=clock.today)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    registered_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(fields=["case"], condition=Q(is_final=True), name="payment_one_final_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.amount}"


class FinalReport(models.Model):
    """Sluttrapport: filed with the final payment request."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="final_reports")
    text = models.TextField(_("final report"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")
        ordering = ["filed_at"]

    def __str__(self) -> str:
        return f"{self.case}: {self.filed_at:%Y-%m-%d}"


class JobReport(models.Model):
    """A report of the jobs the project created, asked for after 12 and 24 months."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="job_reports")
    period_months = models.PositiveSmallIntegerField(_("months after completion"), null=True, blank=True)
    new_jobs = models.DecimalField(_("new jobs (FTE)"), max_digits=7, decimal_places=1)
    jobs_secured = models.DecimalField(_("jobs secured (FTE)"), max_digits=7, decimal_places=1, default=0)
    reported_on = models.DateField(_("reported on"), default=clock.today)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    on_behalf = models.BooleanField(_("registered by the administrator on the company's behalf"), default=False)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("job report")
        verbose_name_plural = _("job reports")
        ordering = ["reported_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_jobs__gte=0) & Q(jobs_secured__gte=0), name="job_report_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.new_jobs}"
