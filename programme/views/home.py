"""The front page: where each kind of person starts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def home(request: HttpRequest) -> HttpResponse:
    """Staff start at the case worklist, applicants at their cases, everybody else here.

    The worklist lives in ``workflow``; it is named by its URL, so this app imports nothing
    from there (see DESIGN.md: dependencies)."""
    if request.user.is_authenticated:
        if request.user.staff_roles.exists():
            return redirect("worklist:list")
        return redirect("workflow:my_cases")
    return render(request, "programme/home.html")
