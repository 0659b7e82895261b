"""The administrator's evaluation pages (issue 5, SPEC §9): the programme's evaluations with who
made them and when, a form to make one for a period (the two-year period first), a page that
shows the progress while one is being made and its key figures when it is ready, and the PDF
and JSON downloads.  Only the programme's administrators; for everyone else a 404."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from programme.errors import RuleViolation
from programme.models import Programme
from workflow import services
from workflow.forms.evaluation import EvaluationForm
from workflow.models import Evaluation
from workflow.selectors.evaluation import programme_evaluations
from workflow.services.evaluation import count_text, evaluation_download_name, percent_text, two_year_period
from workflow.views.budget import administered_programme
from workflow.views.files import _serve

BUSY = (Evaluation.Status.PENDING, Evaluation.Status.RUNNING)


def _render_list(request: HttpRequest, programme: Programme, form: EvaluationForm, status: int = 200) -> HttpResponse:
    context = {
        "programme": programme,
        "evaluations": list(programme_evaluations(programme=programme)),
        "form": form,
        "two_year_period": two_year_period(programme),
    }
    return render(request, "workflow/evaluation/evaluations.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def evaluations(request: HttpRequest, code: str) -> HttpResponse:
    programme = administered_programme(request, code)
    if request.method != "POST":
        period = two_year_period(programme)
        initial = {"period_from": period[0], "period_to": period[1]} if period else {}
        return _render_list(request, programme, EvaluationForm(initial=initial))
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        return _render_list(request, programme, form, status=400)
    try:
        evaluation = services.evaluation_request(
            programme=programme,
            period_from=form.cleaned_data["period_from"],
            period_to=form.cleaned_data["period_to"],
            actor=request.user,
        )
    except RuleViolation as error:
        form.add_rule_violation(error)
        return _render_list(request, programme, form, status=409)
    # No message to carry over: "being made" would stay on the page after the evaluation is
    # ready, while the page's own status (which follows the work) already says how far it is.
    return redirect("staff_admin:evaluation", code=programme.code, pk=evaluation.pk)


def _evaluation_or_404(request: HttpRequest, code: str, pk: int) -> Evaluation:
    programme = administered_programme(request, code)
    evaluation = Evaluation.objects.filter(programme=programme, pk=pk).select_related("programme", "requested_by")
    found = evaluation.first()
    if found is None:
        raise Http404
    return found


def _jobs(value: Any) -> str:
    return count_text(Decimal(str(value)))


def _key_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored figures of each year and the totals, with the texts the tables show."""
    rows = [*figures["years"], {**figures["totals"], "year": None}]
    return [
        {
            **row,
            "jobs_expected_text": _jobs(row["jobs_expected"]),
            "jobs_reported_text": _jobs(row["jobs_reported"]),
            "approval_text": percent_text(None if row["approval_rate"] is None else Decimal(str(row["approval_rate"]))),
            "median_text": "–" if row["median_days_to_decision"] is None else _jobs(row["median_days_to_decision"]),
        }
        for row in rows
    ]


def _context(evaluation: Evaluation) -> dict[str, Any]:
    ready = evaluation.status == Evaluation.Status.READY and evaluation.figures is not None
    return {
        "programme": evaluation.programme,
        "evaluation": evaluation,
        "busy": evaluation.status in BUSY,
        "ready": ready,
        "key_rows": _key_rows(evaluation.figures) if ready else [],
    }


@login_required
@require_GET
def evaluation(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return render(request, "workflow/evaluation/evaluation.html", _context(_evaluation_or_404(request, code, pk)))


@login_required
@require_GET
def evaluation_status(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The status alone, for htmx to poll every two seconds while the evaluation is made; when
    it is ready, the key figures come along to take their place on the page (out of band).
    ``seen`` is the status and progress the page shows; unchanged, the answer is empty (204)."""
    evaluation = _evaluation_or_404(request, code, pk)
    if request.GET.get("seen") == f"{evaluation.status}-{evaluation.progress}":
        # Nothing new: htmx keeps what it shows, and the live region stays quiet.
        return HttpResponse(status=204)
    context = _context(evaluation)
    context["oob"] = True
    return render(request, "workflow/evaluation/evaluation_status.html", context)


@login_required
@require_GET
def evaluation_pdf(request: HttpRequest, code: str, pk: int) -> FileResponse:
    evaluation = _evaluation_or_404(request, code, pk)
    if evaluation.status != Evaluation.Status.READY or not evaluation.pdf:
        raise Http404
    return _serve(evaluation.pdf, evaluation_download_name(evaluation, "pdf"), "application/pdf")


@login_required
@require_GET
def evaluation_json(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    evaluation = _evaluation_or_404(request, code, pk)
    if evaluation.status != Evaluation.Status.READY or evaluation.figures is None:
        raise Http404
    body = json.dumps(evaluation.figures, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{evaluation_download_name(evaluation, "json")}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
