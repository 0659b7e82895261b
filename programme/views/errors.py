"""Error pages.  A database that cannot be reached is the service being down for a moment, not
a fault in the page: it is answered 503 with a plain page that asks the person to try again."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error

# Seconds a browser or a client is told to wait before it tries again.
RETRY_AFTER_SECONDS = 60


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) is the database refusing or losing the connection.

    Django wraps the driver's errors in its own ``OperationalError``/``InterfaceError``; the
    chain is followed because a template or a library may raise its own error from one."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 page, rendered without the request: no context processor, session or user is
    read, since each of them could need the database that is gone."""
    html = render_to_string("503.html")
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def handler500(request: HttpRequest) -> HttpResponse:
    """``handler500`` of programme/urls.py: Django calls it for any uncaught exception (from a
    view or a middleware such as the session's) when DEBUG is off; with DEBUG on, developers
    get Django's debug page instead."""
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    return server_error(request)
