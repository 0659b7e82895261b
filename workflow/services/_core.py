"""What every case service shares: locking, firing a transition with readable refusals, and
writing the timeline."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import Transition, can_proceed

from programme import clock
from programme.errors import RuleViolation
from programme.locking import One, lock_objects, one
from workflow import tasks
from workflow.models import Case, State, TimelineEvent
from workflow.permissions import has_declared_conflict, is_case_admin
from workflow.timeline import ACTION_CODES, TRANSITION_ACTIONS

# What a person reads: "… cannot <action>" and "Only <who> may <action>".
ACTIONS = {
    "take": (gettext_lazy("take the case for screening"), gettext_lazy("an adviser for the company's municipality")),
    "return_for_completion": (
        gettext_lazy("return the application for completion"),
        gettext_lazy("an adviser for the company's municipality"),
    ),
    "resubmit": (gettext_lazy("submit the application again"), gettext_lazy("the company's own people")),
    "dismiss": (gettext_lazy("dismiss the application"), gettext_lazy("an adviser for the company's municipality")),
    "recommend": (gettext_lazy("recommend the case"), gettext_lazy("an adviser for the company's municipality")),
    "reopen": (gettext_lazy("reopen the screening"), gettext_lazy("an adviser for the company's municipality")),
    "withdraw": (gettext_lazy("withdraw the application"), gettext_lazy("the company's own people")),
    "place_on_agenda": (
        gettext_lazy("place the case on a board meeting"),
        gettext_lazy("the programme's administrators and board members"),
    ),
    "approve": (gettext_lazy("approve the case"), gettext_lazy("board members of the meeting that has the case")),
    "reject": (gettext_lazy("reject the case"), gettext_lazy("board members of the meeting that has the case")),
    "defer": (gettext_lazy("defer the case"), gettext_lazy("board members of the meeting that has the case")),
    "appeal": (gettext_lazy("appeal the decision"), gettext_lazy("the company's own people")),
    "accept": (gettext_lazy("accept the offer"), gettext_lazy("the company's own people")),
    "decline": (gettext_lazy("decline the offer"), gettext_lazy("the company's own people")),
    "lapse": (gettext_lazy("let the offer lapse"), gettext_lazy("the system or an administrator")),
    "cancel": (gettext_lazy("cancel the offer"), gettext_lazy("the programme's administrators")),
    "file_final_report": (gettext_lazy("file the final report"), gettext_lazy("the company's own people")),
    "return_report": (
        gettext_lazy("return the final report"),
        gettext_lazy("the municipality's advisers and the programme's administrators"),
    ),
    "complete": (gettext_lazy("complete the case"), gettext_lazy("the programme's administrators")),
    "close": (gettext_lazy("close the case"), gettext_lazy("the system or an administrator")),
}


def case_row(case: Case | int) -> One:
    """The case as a service locks it (``programme.locking.lock_objects``), with the
    programme and application every service reads beside it (joined, not locked)."""
    pk = case.pk if isinstance(case, Case) else case
    return one(Case.objects.select_related("programme", "application").filter(pk=pk))


def lock_case(case: Case | int) -> Case:
    """Lock the case alone and re-read it; every service works on this fresh copy.  A service
    that changes more than the case locks it all in one ``lock_objects`` call instead."""
    [locked] = lock_objects(case_row(case))
    return locked


def refuse_declared_conflict(case: Case, actor: Any) -> None:
    """Nobody acts on a case where he or she declared a conflict (forvaltningsloven § 6)."""
    if actor is not None and has_declared_conflict(actor, case):
        raise RuleViolation(
            _("You have declared a conflict of interest in %(reference)s and can no longer act on it.")
            % {"reference": case.reference},
            code="conflict",
        )


def require_case_admin(case: Case, actor: Any, message: str) -> None:
    """An administrator of the case's programme without a declared conflict; else refuse."""
    refuse_declared_conflict(case, actor)
    if not is_case_admin(actor, case):
        raise RuleViolation(message, code="not_allowed")


def state_label(state: str) -> str:
    return str(State(state).label)


def check_transition(case: Case, name: str, actor: Any) -> None:
    """Refuse, in words, a transition that the state, the actor or a guard does not allow.

    Checked in this order so that the message names the first rule a person must know:
    the state, a declared conflict, the role, then the transition's guards.
    """
    method = getattr(case, name)
    action, who = ACTIONS[name]
    if not can_proceed(method, check_conditions=False):
        raise RuleViolation(
            _("A case that is “%(state)s” cannot %(action)s.") % {"state": state_label(case.state), "action": action},
            code="wrong_state",
        )
    refuse_declared_conflict(case, actor)
    transition = _transition_from_state(case, name)
    if not transition.has_perm(case, actor):
        raise RuleViolation(_("Only %(who)s may %(action)s.") % {"who": who, "action": action}, code="not_allowed")
    for condition in transition.conditions:
        if not condition(case):
            explain = getattr(condition, "explain", None)
            raise RuleViolation(explain(case) if explain else str(condition.message), code="guard")


def _transition_from_state(case: Case, name: str) -> Transition:
    """The transition ``name`` out of the case's state, from django-fsm's public list of the
    field's transitions (one declared for this state before one declared for any state)."""
    candidates = [t for t in case.get_all_state_transitions() if t.name == name]
    for transition in sorted(candidates, key=lambda t: t.source != case.state):
        if transition.source in (case.state, "*", "+"):
            return transition
    raise LookupError(f"{name} has no transition out of {case.state}")  # can_proceed said it had


def record(
    *,
    case: Case,
    actor: Any,
    kind: str,
    action: str,
    data: dict[str, Any] | None = None,
    comment: str = "",
    from_state: str = "",
    to_state: str = "",
    staff_only: bool = False,
) -> TimelineEvent:
    """Write a timeline event: what happened (``action``, one of ``workflow.timeline``'s) and
    its facts (``data``, JSON: amounts as strings); ``comment`` only for what a person typed."""
    if action not in ACTION_CODES:
        raise ValueError(f"unknown timeline action {action!r}")
    return TimelineEvent.objects.create(
        case=case,
        actor=actor,
        kind=kind,
        action=action,
        data=data or {},
        comment=comment,
        from_state=from_state,
        to_state=to_state,
        staff_only=staff_only,
    )


def fire(
    case: Case,
    name: str,
    actor: Any,
    *,
    comment: str = "",
    data: dict[str, Any] | None = None,
    staff_only: bool = False,
) -> TimelineEvent:
    """Fire transition ``name`` on a locked case, save it and write its timeline event (the
    transition's action, ``workflow.timeline.TRANSITION_ACTIONS``, with ``data``).

    Must run inside the caller's transaction so that a later refusal rolls it all back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("fire() must run inside the service's transaction")
    check_transition(case, name, actor)
    source = case.state
    getattr(case, name)()
    case.save()
    return record(
        case=case,
        actor=actor,
        kind=TimelineEvent.Kind.TRANSITION,
        action=TRANSITION_ACTIONS[name],
        data=data,
        comment=comment,
        from_state=source,
        to_state=case.state,
        staff_only=staff_only,
    )


def required_text(value: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise RuleViolation(message, code="required")
    return text


def letter_requested(case: Case, kind: str) -> None:
    """Ask the worker for the decision's letter once the transaction commits.  The letter is
    dated by the clock of the decision, not by the moment the worker gets to it: a decision
    made as of an earlier day (``clock.travel_to``) keeps its letter on that day."""
    issued_at = clock.now().isoformat()
    transaction.on_commit(lambda: tasks.issue_letter.delay(case.pk, kind, issued_at))
