"""Downloads of private files, only for people who may see the case or the application."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest

from workflow import selectors


def _serve(field_file: FieldFile, name: str, content_type: str) -> FileResponse:
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except OSError as missing:
        raise Http404 from missing
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    # Never let a browser guess another type, run the file as a page, or keep a shared copy.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An application's attachment (404 unless the person may see the application)."""
    attachment = selectors.attachment_visible_to(user=request.user, pk=pk)
    if attachment is None:
        raise Http404
    return _serve(attachment.file, attachment.original_name, attachment.content_type)


@login_required
def case_file_download(request: HttpRequest, pk: int) -> FileResponse:
    """A document of a case (404 unless the person may see the case)."""
    case_file = selectors.case_file_visible_to(user=request.user, pk=pk)
    if case_file is None:
        raise Http404
    return _serve(case_file.file, case_file.original_name, case_file.content_type)
