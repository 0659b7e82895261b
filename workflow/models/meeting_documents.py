"""The board meeting's printed documents: the agenda pack (saksliste med saksframlegg) and
the minutes (protokoll).  Each making is a new version, kept with who asked for it and when."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from programme import clock

from .decisions import BoardMeeting


def meeting_document_path(instance: MeetingDocument, filename: str) -> str:
    # Stored under a random name: only the download view, after its checks, serves it.
    return f"meeting_documents/{instance.meeting_id}/{uuid.uuid4().hex}.pdf"


class MeetingDocument(models.Model):
    """One version of a meeting's agenda pack or minutes, made in the background."""

    class Kind(models.TextChoices):
        AGENDA_PACK = "agenda_pack", _("Agenda pack")
        MINUTES = "minutes", _("Minutes")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    meeting = models.ForeignKey(BoardMeeting, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=meeting_document_path, max_length=255, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("asked for"), default=clock.now)
    finished_at = models.DateTimeField(_("made"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["meeting", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind", "version"], name="meeting_document_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.get_kind_display()} v{self.version}"

    @property
    def file_name(self) -> str:
        prefix = "saksliste" if self.kind == self.Kind.AGENDA_PACK else "protokoll"
        return f"{prefix}-{self.meeting.programme.code}-{self.meeting.date:%Y-%m-%d}-v{self.version}.pdf"
