"""Every named route of the site, walked from the URL configuration, and the values its
parameters take on side A and side B (see tests/security/world.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from programme import clock
from tests.security.world import MISSING, Side
from workflow.models import State

# Not walked: Django's admin and the REST API (its access tests are in tests/workflow/api).
SKIPPED_PREFIXES = ("admin/", "api/")


def _walk(patterns: list, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(SKIPPED_PREFIXES):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", route


def route_names() -> list[str]:
    """The name of every route the matrix must cover."""
    return sorted({name for name, _route in _walk(get_resolver().url_patterns, "", "")})


def route_params() -> dict[str, list[str]]:
    """Each route's parameter names, read from its pattern (so a new parameter needs a value)."""
    return {name: re.findall(r"<(?:\w+:)?(\w+)>", route) for name, route in _walk(get_resolver().url_patterns, "", "")}


# The case state each case route is asked in: one where its action could be meant.
CASE_STATE = {
    "workflow:case_detail": State.ACCEPTED,
    "workflow:case_resubmit": State.RETURNED,
    "workflow:case_withdraw": State.SUBMITTED,
    "workflow:offer_accept": State.APPROVED,
    "workflow:offer_decline": State.APPROVED,
    "workflow:payment_request_create": State.ACCEPTED,
    "workflow:final_report_file": State.ACCEPTED,
    "workflow:job_report_file": State.ACCEPTED,
    "workflow:case_appeal": State.REJECTED,
    "staff:case_take": State.SUBMITTED,
    "staff:case_reopen": State.DISMISSED,
    "board:decision_approve": State.ON_AGENDA,
    "board:decision_reject": State.ON_AGENDA,
    "board:decision_defer": State.ON_AGENDA,
}

# What ``pk`` means, by route (namespace-wide where it is the same for the whole family).
PK_KIND = {
    "applications:membership_request_decide": "membership_request",
    "applications:company": "company",
    "applications:company_invite": "company",
    "applications:application_start": "company",
    "workflow:application_submit": "draft",
    "workflow:attachment_download": "attachment",
    "workflow:case_file_download": "case_file",
    "notifications:read": "notification",
    "staff_admin:payment_register": "payment_request",
    "staff_admin:payment_request_refuse": "payment_request",
    "staff_admin:final_report_return": "payment_request",
    "staff_admin:public_register_mark": "offer",
    "staff_admin:job_report_on_behalf": "accepted_case",
    "staff_admin:evaluation": "evaluation",
    "staff_admin:evaluation_status": "evaluation",
    "staff_admin:evaluation_pdf": "evaluation",
    "staff_admin:evaluation_json": "evaluation",
}


def _pk(name: str, side: Side) -> int:
    kind = PK_KIND.get(name)
    if kind is None and name.startswith("applications:"):
        kind = "draft"  # the application steps
    if kind is None and name.startswith("board:"):
        kind = "meeting"
    values = {
        "membership_request": side.membership_request_pk,
        "company": side.company_pk,
        "draft": side.draft_pk,
        "attachment": side.attachment_pk,
        "case_file": side.case_file_pk,
        "notification": side.notification_pk,
        "payment_request": side.payment_request_pk,
        "offer": getattr(getattr(side.cases[State.APPROVED], "offer", None), "pk", MISSING),
        "accepted_case": side.cases[State.ACCEPTED].pk,
        "evaluation": side.evaluation_pk,
        "meeting": side.meeting.pk,
    }
    assert kind in values, f"no value for pk of {name}: add it to PK_KIND"
    return values[kind]


def kwargs_for(name: str, params: list[str], side: Side) -> dict[str, object]:
    """The URL arguments of route ``name`` on ``side``."""
    values: dict[str, object] = {}
    for param in params:
        if param == "reference":
            values[param] = side.cases[CASE_STATE.get(name, State.SCREENING)].reference
        elif param == "code":
            values[param] = side.code
        elif param == "pk":
            values[param] = _pk(name, side)
        elif param == "year":
            values[param] = clock.today().year
        elif param == "fmt":
            values[param] = "csv"
        elif param == "token" and name == "applications:invitation_accept":
            values[param] = side.invitation_token
        elif param == "token":
            values[param] = "ikke-gyldig-lenke"
        elif param == "uidb64":
            values[param] = "MQ"
        elif param == "item_pk":
            values[param] = side.agenda_item_pk
        elif param in ("attachment_pk", "document_pk"):
            values[param] = MISSING
        else:
            raise AssertionError(f"no value for <{param}> of {name}: add it to kwargs_for")
    return values
