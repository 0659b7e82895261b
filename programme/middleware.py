"""A refused action that reaches the top of a request is shown as a page with the rule's
message (status 409), never as a server error."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from programme.errors import RuleViolation


class RuleViolationMiddleware:
    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RuleViolation):
            return None
        html = render_to_string("refused.html", {"message": exception.message}, request=request)
        return HttpResponse(html, status=409)
