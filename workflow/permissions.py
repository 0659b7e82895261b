"""Who may act on a case: the rules predicates used by the FSM transitions, the views and
the API alike.  ``user`` is ``None`` when the system itself acts (periodic tasks)."""

from __future__ import annotations

from typing import Any

import rules

from applications.permissions import is_company_member
from programme.permissions import adviser_municipality_ids, is_admin_of, is_board_member_of


@rules.predicate
def is_system(user: Any, case: Any) -> bool:
    return user is None


@rules.predicate
def is_case_applicant(user: Any, case: Any) -> bool:
    return is_company_member(user, case.application.company)


@rules.predicate
def is_case_adviser(user: Any, case: Any) -> bool:
    return case.municipality_id in adviser_municipality_ids(user, case.programme_id)


@rules.predicate
def is_case_admin(user: Any, case: Any) -> bool:
    return is_admin_of(user, case.programme_id)


@rules.predicate
def is_programme_board_member(user: Any, case: Any) -> bool:
    return is_board_member_of(user, case.programme_id)


@rules.predicate
def is_member_of_case_meeting(user: Any, case: Any) -> bool:
    """A board member of the meeting that has the case on its agenda right now."""
    if not is_board_member_of(user, case.programme_id):
        return False
    item = case.current_agenda_item()
    return item is not None and item.meeting.members.filter(pk=user.pk).exists()


@rules.predicate
def has_declared_conflict(user: Any, case: Any) -> bool:
    return user is not None and case.conflicts.filter(user_id=user.pk).exists()


no_conflict = ~has_declared_conflict
is_case_staff = is_case_adviser | is_case_admin | is_programme_board_member

# One rule per transition of SPEC §4 (the name of the Case method), read by
# ``Case``'s transitions through ``transition_permission``.
TRANSITION_RULES = {
    "take": is_case_adviser & no_conflict,
    "return_for_completion": is_case_adviser & no_conflict,
    "resubmit": is_case_applicant,
    "dismiss": is_case_adviser & no_conflict,
    "recommend": is_case_adviser & no_conflict,
    "reopen": is_case_adviser & no_conflict,
    "withdraw": is_case_applicant,
    "place_on_agenda": (is_case_admin | is_programme_board_member) & no_conflict,
    "approve": is_member_of_case_meeting & no_conflict,
    "reject": is_member_of_case_meeting & no_conflict,
    "defer": is_member_of_case_meeting & no_conflict,
    "appeal": is_case_applicant,
    "accept": is_case_applicant,
    "decline": is_case_applicant,
    "lapse": is_system | (is_case_admin & no_conflict),
    "cancel": is_case_admin & no_conflict,
    "file_final_report": is_case_applicant,
    "return_report": (is_case_adviser | is_case_admin) & no_conflict,
    "complete": is_case_admin & no_conflict,
    "close": is_system | (is_case_admin & no_conflict),
}

for _name, _rule in TRANSITION_RULES.items():
    rules.add_perm(f"workflow.case_{_name}", _rule)

rules.add_perm("workflow.view_case", is_case_applicant | is_case_staff)
rules.add_perm("workflow.view_staff_notes", is_case_staff)
rules.add_perm("workflow.declare_conflict", is_case_staff)
rules.add_perm("workflow.register_payment", is_case_admin & no_conflict)
rules.add_perm("workflow.request_payment", is_case_applicant)
rules.add_perm("workflow.file_job_report", is_case_applicant | (is_case_admin & no_conflict))
rules.add_perm("workflow.screen_case", is_case_adviser & no_conflict)


def transition_permission(name: str) -> Any:
    """The FSM ``permission`` callable for transition ``name``: (case, user) -> bool."""
    rule = TRANSITION_RULES[name]

    def check(case: Any, user: Any) -> bool:
        return bool(rule.test(user, case))

    check.__name__ = f"may_{name}"
    return check
