"""The administrator's portfolio import (SPEC §10): upload a CSV or XLSX file, read the
report of every error by row and column, or the preview of what would be imported, and
confirm.  Between the check and the confirmation the file is kept in the session (it is small:
at most 2 MB), so the person does not upload it twice.  Only the programme's administrators
see the page; for everyone else it does not exist (404)."""

from __future__ import annotations

import base64
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from programme.errors import RuleViolation
from programme.forms import DesignsystemetForm
from workflow.services.portfolio_import import COLUMNS, check_portfolio, portfolio_import
from workflow.services.portfolio_import_parse import MAX_BYTES
from workflow.views.budget import administered_programme


class PortfolioFileForm(DesignsystemetForm):
    file = forms.FileField(
        label=gettext_lazy("Portfolio file"),
        help_text=gettext_lazy("CSV (comma or semicolon, UTF-8) or XLSX, one row per application, at most 2 MB."),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


def _session_key(code: str) -> str:
    return f"portfolio_import:{code}"


def _render(request: HttpRequest, programme: Any, form: PortfolioFileForm, **context: Any) -> HttpResponse:
    result = context.get("result")
    status = 400 if form.errors or context.get("problems") or (result is not None and result.errors) else 200
    return render(
        request,
        "workflow/portfolio_import/import.html",
        {"programme": programme, "form": form, "columns": COLUMNS, **context},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_import_page(request: HttpRequest, code: str) -> HttpResponse:
    programme = administered_programme(request, code)
    if request.method == "GET":
        request.session.pop(_session_key(programme.code), None)
        return _render(request, programme, PortfolioFileForm())
    if request.POST.get("action") == "import":
        return _confirm(request, programme)
    form = PortfolioFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, programme, form)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_BYTES:
        form.add_error("file", _("The file is larger than 2 MB."))
        return _render(request, programme, form)
    data = upload.read()
    try:
        result = check_portfolio(programme=programme, data=data, filename=upload.name)
    except RuleViolation as refusal:
        form.add_error("file", str(refusal))
        return _render(request, programme, form)
    if result.errors:
        return _render(request, programme, PortfolioFileForm(), result=result, filename=upload.name)
    request.session[_session_key(programme.code)] = {
        "name": upload.name,
        "data": base64.b64encode(data).decode("ascii"),
    }
    return _render(request, programme, PortfolioFileForm(), result=result, filename=upload.name, preview=True)


def _confirm(request: HttpRequest, programme: Any) -> HttpResponse:
    kept = request.session.pop(_session_key(programme.code), None)
    if not kept:
        problem = {"message": _("The checked file is no longer at hand; upload it again."), "url": "#id_file"}
        return _render(request, programme, PortfolioFileForm(), problems=[problem])
    try:
        result = portfolio_import(
            programme=programme, actor=request.user, data=base64.b64decode(kept["data"]), filename=kept["name"]
        )
    except RuleViolation as refusal:
        return _render(request, programme, PortfolioFileForm(), problems=[{"message": str(refusal), "url": "#id_file"}])
    if not result.written:  # the database changed since the check, e.g. a case with the same reference
        return _render(request, programme, PortfolioFileForm(), result=result, filename=kept["name"])
    messages.success(
        request,
        _("%(count)s cases from %(name)s were imported.") % {"count": len(result.rows), "name": kept["name"]},
    )
    return redirect("staff_admin:portfolio_import", code=programme.code)
