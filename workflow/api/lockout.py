"""The API's answer to a locked-out login (django-axes): 429 with a message, not the "wrong
credentials" of DRF's token endpoint.  Axes marks the API's own request object, which its
middleware never sees, so the answer is given here (REST_FRAMEWORK's EXCEPTION_HANDLER)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class LoginLockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _(
        "Too many failed logins for this e-mail address from here. To protect the account, logging in "
        "is closed for one hour, also with the right password."
    )
    default_code = "locked_out"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if getattr(context.get("request"), "axes_locked_out", False):
        exc = LoginLockedOut()
    return drf_exception_handler(exc, context)
