"""Varsler: every message the system sends a person, reminders included.

A reminder is recorded under a unique key (case, kind, due date, recipient) before it is
mailed, so that a rerun, a retry or a second worker finds the row and sends nothing again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from programme import clock

from .case import Case


class Notification(models.Model):
    """One message to one person, shown in the system and mailed (at once or in the digest)."""

    class Kind(models.TextChoices):
        SCREENING_OVERDUE = "screening_overdue", _("Screening overdue")
        RETURNED_NOT_COMPLETED = "returned_not_completed", _("Returned application not completed")
        OFFER_NOT_ACCEPTED = "offer_not_accepted", _("Offer not accepted yet")
        PROJECT_START = "project_start", _("Project start")
        FINAL_REPORT_DUE = "final_report_due", _("Final report due")
        OFFER_EXPIRING = "offer_expiring", _("Offer expiring")
        JOB_REPORT_DUE = "job_report_due", _("Job report due")
        BOARD_MEETING = "board_meeting", _("Board meeting")
        PUBLIC_REGISTER = "public_register", _("Register for public support")
        CASE_EVENT = "case_event", _("Case event")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # e.g. "offer_not_accepted:case=12:due=2026-12-01:to=5"; the guard against sending twice.
    key = models.CharField(_("key"), max_length=200, unique=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    emailed_at = models.DateTimeField(_("mailed"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["emailed_at", "recipient"]),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} – {self.subject}"
