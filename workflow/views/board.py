"""The board's pages (under ``/styre/<programme code>/``): the meetings, a meeting's members,
its agenda page, building and ordering the agenda, the meeting's documents, and the decision on
each case of the agenda (approve with amount, conditions and legal basis, reject with reasons,
or defer; a refusal is shown at that case's form on the agenda page and nothing changes).

Only the programme's board members and administrators see them; for everyone else they do
not exist (404).  Each view parses the input, calls one service or selector and renders; the
services decide and explain every refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programme.errors import RuleViolation
from programme.forms import describe_errors
from programme.models import Programme
from programme.money import format_nok
from workflow import services
from workflow.forms.board import (
    DECISION_FORMS,
    AgendaAddForm,
    DocumentForm,
    MeetingForm,
    MembersForm,
    MoveForm,
    decision_prefix,
)
from workflow.models import BoardMeeting, Case, MeetingDocument, Recommendation
from workflow.selectors import board as board_selectors
from workflow.views.files import _serve


def board_programme_or_404(request: HttpRequest, code: str) -> Programme:
    programme = board_selectors.board_programme(user=request.user, code=code)
    if programme is None:
        raise Http404
    return programme


def meeting_or_404(request: HttpRequest, code: str, pk: int) -> BoardMeeting:
    """The meeting, if it belongs to a programme whose board or administration the person is in."""
    meeting = board_selectors.board_meeting(programme=board_programme_or_404(request, code), pk=pk)
    if meeting is None:
        raise Http404
    return meeting


def meeting_url(meeting: BoardMeeting, anchor: str = "") -> str:
    url = reverse("board:meeting", args=[meeting.programme.code, meeting.pk])
    return f"{url}#{anchor}" if anchor else url


# --- the meetings ----------------------------------------------------------------------------


@login_required
def meetings(request: HttpRequest, code: str) -> HttpResponse:
    """The programme's meetings, and a form to create one with its members."""
    programme = board_programme_or_404(request, code)
    board_members = board_selectors.board_members_of(programme=programme)
    form = MeetingForm(request.POST if request.method == "POST" else None, board_members=board_members)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = services.meeting_create(
                    programme=programme,
                    actor=request.user,
                    date=form.cleaned_data["date"],
                    members=list(form.cleaned_data["members"]),
                    title=form.cleaned_data["title"],
                    location=form.cleaned_data["location"],
                )
            except RuleViolation as error:
                form.add_error(error.code if error.code in ("members", "date") else None, str(error.message))
                describe_errors(form)  # tie the message to its field for screen readers
                status = 409
            else:
                messages.success(request, _("The meeting has been created. Now build its agenda."))
                return redirect(meeting_url(meeting))
        else:
            status = 400
    context = {
        "programme": programme,
        "meetings": board_selectors.meetings_of(programme=programme),
        "form": form,
    }
    return render(request, "workflow/board/meetings.html", context, status=status)


@login_required
def meeting_members(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, code, pk)
    board_members = board_selectors.board_members_of(programme=meeting.programme)
    form = MembersForm(
        request.POST if request.method == "POST" else None,
        board_members=board_members,
        initial={"members": list(meeting.members.all())},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.meeting_members_set(
                    meeting=meeting, actor=request.user, members=list(form.cleaned_data["members"])
                )
            except RuleViolation as error:
                form.add_error("members" if error.code == "members" else None, str(error.message))
                status = 409
            else:
                messages.success(request, _("The meeting's members have been saved."))
                return redirect(meeting_url(meeting))
        else:
            status = 400
    return render(request, "workflow/board/members.html", {"meeting": meeting, "form": form}, status=status)


# --- the agenda page -------------------------------------------------------------------------


def _decision_forms(row: board_selectors.AgendaRow) -> dict[str, Any]:
    recommendation = row.recommendation
    approve_initial: dict[str, Any] = {}
    reject_initial: dict[str, Any] = {}
    if recommendation is not None and recommendation.outcome == Recommendation.Outcome.APPROVE:
        approve_initial = {"amount": recommendation.amount, "conditions": recommendation.conditions}
    elif recommendation is not None:
        reject_initial = {"reasons": recommendation.reasons}
    initial = {"approve": approve_initial, "reject": reject_initial, "defer": {}}
    return {
        action: form_class(prefix=decision_prefix(action, row.case.pk), initial=initial[action])
        for action, form_class in DECISION_FORMS.items()
    }


def _case_under_decision(agenda: board_selectors.Agenda, chosen: Any, bound_case_id: int | None) -> int | None:
    """The one case whose decision forms the page shows: the case a refused form was posted
    for, else the one chosen with ``?sak=<reference>``, else the first in agenda order that the
    person may decide.  The others link to theirs: a meeting takes its cases one at a time, and
    forty cases with three forms each made the page slow and long."""
    decidable = [row for row in agenda.rows if row.may_decide]
    for wanted in (lambda row: row.case.pk == bound_case_id, lambda row: row.case.reference == chosen):
        found = next((row for row in decidable if wanted(row)), None)
        if found is not None:
            return found.case.pk
    return decidable[0].case.pk if decidable else None


def render_agenda(
    request: HttpRequest,
    meeting: BoardMeeting,
    *,
    bound: Any = None,
    bound_case_id: int | None = None,
    add_form: AgendaAddForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The agenda page; ``bound`` is a refused or invalid form, shown where it was posted."""
    agenda = board_selectors.meeting_agenda(meeting=meeting, user=request.user)
    error_form: Any = None
    refusal: list[str] = []
    entries = []
    current = _case_under_decision(agenda, request.GET.get("sak"), bound_case_id)
    for row in agenda.rows:
        forms = _decision_forms(row) if row.may_decide and row.case.pk == current else {}
        if bound is not None and row.case.pk == bound_case_id:
            if row.may_decide:
                forms[bound.prefix.split("-")[0]] = bound
                error_form = bound
            else:
                # No form to show it at: the person may not decide this case (now).
                refusal = [str(error) for errors in bound.errors.values() for error in errors]
        entries.append(
            {
                "row": row,
                "forms": forms,
                "refusal": refusal if row.case.pk == bound_case_id else [],
            }
        )
    if add_form is None and agenda.user_may_arrange:
        add_form = AgendaAddForm(candidates=board_selectors.agenda_candidates(meeting=meeting))
    elif add_form is not None and add_form.errors:
        error_form = add_form
    problems = []
    if refusal:
        case = next(row.case for row in agenda.rows if row.case.pk == bound_case_id)
        problems = [{"message": message, "url": f"#case-{case.reference}"} for message in refusal]
    context = {
        "meeting": meeting,
        "programme": meeting.programme,
        "agenda": agenda,
        "entries": entries,
        "add_form": add_form,
        "error_form": error_form,
        "problems": problems,
        **_documents_context(meeting),
    }
    return render(request, "workflow/board/agenda.html", context, status=status)


@login_required
def meeting(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return render_agenda(request, meeting_or_404(request, code, pk))


@login_required
@require_POST
def agenda_add(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, code, pk)
    form = AgendaAddForm(request.POST, candidates=board_selectors.agenda_candidates(meeting=meeting))
    if not form.is_valid():
        return render_agenda(request, meeting, add_form=form, status=400)
    try:
        services.agenda_add_cases(meeting=meeting, cases=list(form.cleaned_data["cases"]), actor=request.user)
    except RuleViolation as error:
        form.add_error("cases", str(error.message))
        return render_agenda(request, meeting, add_form=form, status=409)
    messages.success(request, _("The cases have been placed on the agenda."))
    return redirect(meeting_url(meeting, "agenda"))


@login_required
@require_POST
def agenda_move(request: HttpRequest, code: str, pk: int, item_pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, code, pk)
    item = meeting.items.filter(pk=item_pk).select_related("case").first()
    if item is None:
        raise Http404
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("An agenda item moves up or down."))
        return redirect(meeting_url(meeting, "agenda"))
    try:
        services.agenda_reorder(
            meeting=meeting, item=item, actor=request.user, direction=form.cleaned_data["direction"]
        )
    except RuleViolation as error:
        messages.error(request, str(error.message))
    return redirect(meeting_url(meeting, f"case-{item.case.reference}"))


# --- the meeting's documents -----------------------------------------------------------------


def _documents_context(meeting: BoardMeeting) -> dict[str, Any]:
    documents = board_selectors.meeting_documents(meeting=meeting)
    pending = any(document.status == MeetingDocument.Status.PENDING for document in documents)
    return {"documents": documents, "documents_pending": pending}


@login_required
def documents(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The documents section alone, for htmx to poll while a version is being made."""
    meeting = meeting_or_404(request, code, pk)
    return render(request, "workflow/board/_documents.html", {"meeting": meeting, **_documents_context(meeting)})


@login_required
@require_POST
def document_make(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, code, pk)
    form = DocumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the agenda pack or the minutes."))
        return redirect(meeting_url(meeting, "documents"))
    try:
        document = services.meeting_document_request(
            meeting=meeting, kind=form.cleaned_data["kind"], actor=request.user
        )
    except RuleViolation as error:
        messages.error(request, str(error.message))
    else:
        if document.kind == MeetingDocument.Kind.MINUTES:
            messages.success(request, _("The minutes are being made. They are listed below when they are ready."))
        else:
            messages.success(request, _("The agenda pack is being made. It is listed below when it is ready."))
    return redirect(meeting_url(meeting, "documents"))


@login_required
def document_download(request: HttpRequest, code: str, pk: int, document_pk: int) -> FileResponse:
    meeting = meeting_or_404(request, code, pk)
    document = (
        MeetingDocument.objects.filter(meeting=meeting, pk=document_pk, status=MeetingDocument.Status.READY)
        .select_related("meeting__programme")
        .first()
    )
    if document is None or not document.file:
        raise Http404
    return _serve(document.file, document.file_name, "application/pdf")


def _decide(
    request: HttpRequest,
    code: str,
    pk: int,
    reference: str,
    *,
    action: str,
    perform: Callable[[Case, dict[str, Any]], str],
) -> HttpResponse:
    meeting = meeting_or_404(request, code, pk)
    item = meeting.items.filter(case__reference=reference).select_related("case").first()
    if item is None:
        raise Http404  # not on this meeting's agenda (or another programme's case)
    case = item.case
    form = DECISION_FORMS[action](request.POST, prefix=decision_prefix(action, case.pk))
    if not form.is_valid():
        return render_agenda(request, meeting, bound=form, bound_case_id=case.pk, status=400)
    try:
        message = perform(case, form.cleaned_data)
    except RuleViolation as error:
        form.add_rule_violation(error)
        return render_agenda(request, meeting, bound=form, bound_case_id=case.pk, status=409)
    messages.success(request, message)
    return redirect(meeting_url(meeting, f"case-{case.reference}"))


@login_required
@require_POST
def decision_approve(request: HttpRequest, code: str, pk: int, reference: str) -> HttpResponse:
    def perform(case: Case, data: dict[str, Any]) -> str:
        offer = services.decision_approve(
            case=case,
            actor=request.user,
            amount=data["amount"],
            legal_basis=data["legal_basis"],
            conditions=data["conditions"],
            share_reason=data["share_reason"],
        )
        return _("%(reference)s approved: %(amount)s granted.") % {
            "reference": case.reference,
            "amount": format_nok(offer.amount),
        }

    return _decide(request, code, pk, reference, action="approve", perform=perform)


@login_required
@require_POST
def decision_reject(request: HttpRequest, code: str, pk: int, reference: str) -> HttpResponse:
    def perform(case: Case, data: dict[str, Any]) -> str:
        services.decision_reject(case=case, actor=request.user, reasons=data["reasons"])
        return _("%(reference)s rejected.") % {"reference": case.reference}

    return _decide(request, code, pk, reference, action="reject", perform=perform)


@login_required
@require_POST
def decision_defer(request: HttpRequest, code: str, pk: int, reference: str) -> HttpResponse:
    def perform(case: Case, data: dict[str, Any]) -> str:
        services.decision_defer(case=case, actor=request.user, comment=data["comment"])
        return _("%(reference)s deferred to a later meeting.") % {"reference": case.reference}

    return _decide(request, code, pk, reference, action="defer", perform=perform)
