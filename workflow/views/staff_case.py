"""The staff case page (stub; being built)."""

from django.http import Http404, HttpRequest, HttpResponse


def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    raise Http404
