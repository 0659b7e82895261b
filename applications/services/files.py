"""The application's attachments, and telling a file's real type by its content (which
the case's documents in ``workflow`` check the same way)."""

from __future__ import annotations

import os
import zipfile
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import Application, Attachment
from applications.services._common import _lock_draft, _require_draft, _require_member
from programme.errors import RuleViolation


def sniff_content_type(head: bytes, upload: Any) -> str | None:
    """The file's real type from its first bytes (and, for Office files, its zip parts)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            if "xl/workbook.xml" in names:
                return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def attachment_add(*, application: Application, actor: Any, upload: Any, description: str = "") -> Attachment:
    """Store an attachment privately after checking its size and its type by content."""
    _require_member(user=actor, company=application.company)
    _require_draft(application)
    if upload.size > Attachment.MAX_SIZE:
        raise RuleViolation(
            _("The file is larger than %(max)s MB.") % {"max": Attachment.MAX_SIZE // (1024 * 1024)}, code="too_large"
        )
    upload.seek(0)
    head = upload.read(16)
    content_type = sniff_content_type(head, upload)
    upload.seek(0)
    if content_type is None:
        raise RuleViolation(
            _("The file's content is not PDF, DOCX, XLSX, PNG or JPEG, whatever its name says."), code="file_type"
        )
    # Control characters (NUL above all, which PostgreSQL refuses) have no place in a name.
    printable = "".join(character for character in os.path.basename(str(upload.name)) if character.isprintable())
    original_name = printable.strip()[:255] or "vedlegg"
    with transaction.atomic():
        # Under the lock submitting takes too: no file slips into a just-submitted application.
        _lock_draft(application)
        attachment = Attachment(
            application=application,
            original_name=original_name,
            content_type=content_type,
            size=upload.size,
            description=description[:200],
            uploaded_by=actor,
        )
        attachment.file.save(original_name, upload, save=False)
        # If the row cannot be written, the stored file must not stay behind.
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


def attachment_delete(*, attachment: Attachment, actor: Any) -> None:
    """Remove an attachment from a draft; the stored file goes once the removal is committed."""
    application = attachment.application
    _require_member(user=actor, company=application.company)
    with transaction.atomic():
        _lock_draft(application)
        storage, name = attachment.file.storage, attachment.file.name
        attachment.delete()

        def delete_file() -> None:
            storage.delete(name)

        transaction.on_commit(delete_file, robust=True)
