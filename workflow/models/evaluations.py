"""Evalueringen: the programme's evaluation for a period, stored as PDF and JSON with the same
figures, with who asked for it (nobody: the periodic task at two years) and when."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programme import clock
from programme.models import Programme


def evaluation_path(instance: Evaluation, filename: str) -> str:
    # A random name: only the download view, after its checks, serves the file.
    return f"evaluations/{instance.programme_id}/{uuid.uuid4().hex}.pdf"


class Evaluation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="evaluations")
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # 0–100, written by the task as it goes, read by the page that shows the progress.
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    figures = models.JSONField(_("figures"), null=True, blank=True)
    pdf = models.FileField(upload_to=evaluation_path, max_length=255, blank=True)
    # The two-year evaluation the periodic task makes by itself, once per programme.
    automatic = models.BooleanField(_("made by the system at two years"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("asked for"), default=clock.now)
    finished_at = models.DateTimeField(_("made"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme"], condition=Q(automatic=True), name="evaluation_one_automatic_per_programme"
            ),
            models.CheckConstraint(condition=Q(period_from__lte=models.F("period_to")), name="evaluation_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.period_from:%d.%m.%Y}–{self.period_to:%d.%m.%Y}"
