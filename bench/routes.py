"""Every GET route of the site, walked from the URL configuration, with a real object of the
bench data for each argument and a user with the right role to ask for it.

The walk is the one tests/security/routes.py makes for the permission matrix, but over the
whole resolver: the staff, applicant and public pages, the REST API, the Django admin (index,
app lists, every model's list, add, change, history and delete pages) and the exports.  A
route whose arguments cannot be built from the bench data, or that answers no user with a
200, is returned as skipped with the reason, never left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Count, Model
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

# What each parameter of a pattern is called, in both spellings of a pattern.
_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")

# The case state each route that takes a case reference is asked in: one where the page shows
# what it is for (a form to fill in, an offer to accept); a detail page in ``accepted``, the
# state that shows the most (offer, payments, reports).
CASE_STATE = {
    "workflow:case_resubmit": "returned",
    "workflow:case_withdraw": "submitted",
    "workflow:offer_accept": "approved",
    "workflow:offer_decline": "approved",
    "workflow:case_appeal": "rejected",
    "staff:case_take": "submitted",
    "staff:screening_save": "screening",
    "staff:case_return": "screening",
    "staff:case_dismiss": "screening",
    "staff:recommendation_record": "screening",
    "staff:case_reopen": "dismissed",
    "board:decision_approve": "on_agenda",
    "board:decision_reject": "on_agenda",
    "board:decision_defer": "on_agenda",
}

# Why a route that answers no one with a 200 is skipped, by what it answered the role it is for.
REASONS = {
    302: "redirects ({status}) for {role}",
    403: "forbidden ({status}) to {role}",
    404: "not found ({status}) for {role}",
    405: "POST only ({status} to GET)",
    500: "FAILS with {status} for {role}",
}

# Formats of the export routes (``<str:fmt>``): each is timed.
FORMATS = ("csv", "xlsx")


@dataclass
class Target:
    """One URL to time: the route, the URL with its arguments, and who asks."""

    name: str
    url: str
    role: str


@dataclass
class Skipped:
    name: str
    pattern: str
    reason: str


def walk() -> Iterator[tuple[str | None, str]]:
    """(name with its namespaces, pattern) of every URL pattern; unnamed ones with ``None``."""

    def inner(patterns: list, prefix: str, namespace: str) -> Iterator[tuple[str | None, str]]:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from inner(entry.url_patterns, route, space)
            elif isinstance(entry, URLPattern):
                yield (f"{namespace}{entry.name}" if entry.name else None), route

    yield from inner(get_resolver().url_patterns, "", "")


def params_of(pattern: str) -> list[str]:
    return [a or b for a, b in _PARAM.findall(pattern)]


class BenchData:
    """The objects of the bench data the routes are asked about, read once, and the people
    who may see them (each with a logged-in test client)."""

    def __init__(self, code: str = "B001") -> None:
        from applications.models import CompanyMember
        from programme.models import Programme, StaffRole, User
        from workflow.models import BoardMeeting, Case

        self.code = code
        self.programme = Programme.objects.get(code=code)
        cases = Case.objects.filter(programme=self.programme)
        self.event_case = cases.get(reference=f"{code}-EVENTS")  # 50 events (bench/generate.py)
        self.case_by_state: dict[str, Any] = {}
        for case in cases.order_by("state", "pk").distinct("state"):
            self.case_by_state[case.state] = case
        self.case_by_state["accepted"] = cases.filter(state="accepted").order_by("pk").first()
        roles = StaffRole.objects.filter(programme=self.programme)
        self.users: dict[str, Any] = {
            "superuser": User.objects.filter(is_superuser=True).order_by("pk").first(),
            "administrator": roles.filter(kind=StaffRole.Kind.ADMIN).order_by("pk").first().user,
            "board member": roles.filter(kind=StaffRole.Kind.BOARD).order_by("pk").first().user,
            "adviser": roles.filter(kind=StaffRole.Kind.ADVISER)
            .annotate(n=Count("municipalities"))
            .filter(n=1)
            .order_by("pk")
            .first()
            .user,
            "anonymous": None,
        }
        self._applicants: dict[int, Any] = {}
        self._member = CompanyMember
        meetings = BoardMeeting.objects.filter(programme=self.programme).annotate(n=Count("items"))
        self.meeting = meetings.filter(n__gte=1).order_by("-n", "pk").first()
        self._clients: dict[str, Client] = {}

    def applicant_of(self, case: Any) -> Any:
        company_id = case.application.company_id
        if company_id not in self._applicants:
            member = self._member.objects.filter(company_id=company_id).order_by("pk").first()
            self._applicants[company_id] = member.user if member else None
        return self._applicants[company_id]

    def client(self, role: str, user: Any = None) -> Client:
        """A test client logged in as ``user`` (or the role's person); anonymous for None."""
        user = user if user is not None else self.users.get(role)
        key = f"{role}:{getattr(user, 'pk', None)}"
        if key not in self._clients:
            # A page that fails answers 500 here, as in production, instead of raising: it is
            # listed among the skipped with its status.
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)
            self._clients[key] = client
        return self._clients[key]


def _first(model: type[Model], **filters: Any) -> Any:
    return model.objects.filter(**filters).order_by("pk").first()


class Missing(Exception):
    """No object of the bench data fits an argument: the route is listed as skipped."""


def _pk_for(name: str, data: BenchData) -> Any:
    """What ``pk`` means in route ``name``, as a real row of the bench data."""
    from applications.models import Application, Attachment, MembershipRequest
    from workflow.models import CaseFile, Notification, Offer, PaymentRequest
    from workflow.models import Evaluation as EvaluationModel

    p = data.programme
    kinds: dict[str, Callable[[], Any]] = {
        "applications:membership_request_decide": lambda: _first(MembershipRequest),
        "applications:company": lambda: data.event_case.application.company,
        "applications:company_invite": lambda: data.event_case.application.company,
        "applications:application_start": lambda: data.event_case.application.company,
        "workflow:attachment_download": lambda: _first(Attachment, application__case__programme=p),
        "workflow:case_file_download": lambda: _first(CaseFile, case__programme=p),
        "notifications:read": lambda: _first(Notification),
        "staff_admin:payment_register": lambda: _first(PaymentRequest, case__programme=p, status="pending"),
        "staff_admin:payment_request_refuse": lambda: _first(PaymentRequest, case__programme=p, status="pending"),
        "staff_admin:final_report_return": lambda: _first(PaymentRequest, case__programme=p, status="pending"),
        "staff_admin:public_register_mark": lambda: _first(Offer, case__programme=p, public_register_required=True),
        "staff_admin:job_report_on_behalf": lambda: data.case_by_state.get("completed"),
        "api:budget-year-detail": lambda: p.budget_years.order_by("-year").first(),
        "api:evaluation-detail": lambda: _first(EvaluationModel, programme=p),
    }
    if name in kinds:
        found = kinds[name]()
    elif name.startswith("staff_admin:evaluation"):
        found = _first(EvaluationModel, programme=p)
    elif name.startswith(("applications:", "workflow:application_submit")):
        found = _first(Application, case__isnull=True, programme=p)  # a draft
    elif name.startswith("board:"):
        found = data.meeting
    else:
        found = None
    if found is None:
        what = name.split(":")[-1].replace("_", " ")
        raise Missing(f"no object for <pk> of {what} in the bench data")
    return found.pk


def _admin_model(name: str) -> type[Model] | None:
    """The model of an admin route such as ``admin:workflow_case_change``."""
    bare = name.removeprefix("admin:")
    for model in apps.get_models():
        if bare.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
            return model
    return None


def _admin_object(model: type[Model], data: BenchData) -> Any:
    from workflow.models import Case

    if model is Case:
        return data.event_case.pk
    row = model._default_manager.order_by("pk").first()
    if row is None:
        raise Missing(f"no {model._meta.verbose_name} in the bench data")
    return row.pk


def arguments(name: str, params: list[str], data: BenchData) -> list[dict[str, Any]]:
    """The keyword arguments of route ``name`` (several for an export with several formats)."""
    from django.contrib.contenttypes.models import ContentType

    values: dict[str, Any] = {}
    variants: list[dict[str, Any]] = [{}]
    for param in params:
        if param == "reference":
            state = CASE_STATE.get(name)
            case = data.case_by_state.get(state) if state else data.event_case
            if name.startswith("workflow:") and state is None:
                case = data.case_by_state.get("accepted")
            if case is None:
                raise Missing(f"no case in state {state} in {data.code}")
            values[param] = case.reference
        elif param == "code":
            values[param] = data.code
        elif param == "pk":
            values[param] = _pk_for(name, data)
        elif param == "year":
            values[param] = data.programme.budget_years.order_by("-year").first().year
        elif param == "fmt":
            variants = [{"fmt": fmt} for fmt in FORMATS]
        elif param == "item_pk":
            values[param] = data.meeting.items.order_by("pk").first().pk
        elif param == "object_id" and name == "admin:view_on_site":
            values[param] = data.event_case.pk
        elif param == "id" and name == "admin:auth_user_password_change":
            values[param] = data.users["superuser"].pk
        elif param == "object_id":
            model = _admin_model(name)
            if model is None:
                raise Missing("no model for this admin route")
            values[param] = _admin_object(model, data)
        elif param == "app_label":
            values[param] = "workflow"
        elif param == "content_type_id":
            values[param] = ContentType.objects.get_for_model(data.event_case).pk
        elif param == "format":
            values[param] = "json"
        else:
            raise Missing(f"no value for <{param}> (a link from a mail or a one-time token)")
    return [{**values, **variant} for variant in variants]


def who_asks(name: str, kwargs: dict[str, Any], data: BenchData) -> list[tuple[str, Any]]:
    """The people to try, the likeliest first: the role the route is for, then the others."""
    from workflow.models import Case

    first: list[tuple[str, Any]] = []
    if name.startswith(("workflow:", "applications:")) and "reference" in kwargs:
        case = Case.objects.select_related("application").get(reference=kwargs["reference"])
        first.append(("applicant", data.applicant_of(case)))
    elif name.startswith(("workflow:", "applications:", "notifications:")):
        first.append(("applicant", data.applicant_of(data.case_by_state["accepted"])))
    elif name.startswith("worklist:"):
        first.append(("adviser", data.users["adviser"]))
    elif name.startswith("board:"):
        first.append(("board member", data.users["board member"]))
    elif name.startswith(("staff:", "staff_admin:", "api:")):
        first.append(("administrator", data.users["administrator"]))
    elif name.startswith("admin:"):
        first.append(("superuser", data.users["superuser"]))
    elif name.startswith(("public:", "home", "login", "signup", "password_reset", "healthz")):
        first.append(("anonymous", None))
    others = [
        (role, user) for role, user in data.users.items() if role not in {r for r, _ in first} and role != "anonymous"
    ]
    applicant = data.applicant_of(data.case_by_state["accepted"])
    return [*first, *others, ("applicant", applicant), ("anonymous", None)]


def targets(data: BenchData, get: Callable[[Client, str], int]) -> tuple[list[tuple[Target, Client]], list[Skipped]]:
    """Each GET route as a URL with the client of a person it answers with 200, or skipped.

    ``get(client, url)`` asks once and returns the status."""
    found: list[tuple[Target, Client]] = []
    skipped: list[Skipped] = []
    for name, pattern in walk():
        if name is None:
            skipped.append(
                Skipped("(unnamed)", pattern, "unnamed (the admin's redirect to a change page, or its catch-all)")
            )
            continue
        try:
            variants = arguments(name, params_of(pattern), data)
        except Missing as missing:
            skipped.append(Skipped(name, pattern, str(missing)))
            continue
        for kwargs in variants:
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch as error:
                skipped.append(Skipped(name, pattern, f"cannot be reversed: {error}"))
                continue
            seen: dict[str, int] = {}
            for role, user in who_asks(name, kwargs, data):
                if role in seen or (user is None and role != "anonymous"):
                    continue
                client = data.client(role, user)
                seen[role] = get(client, url)
                if seen[role] == 200:
                    found.append((Target(name, url, role), client))
                    break
            else:
                role, status = next(iter(seen.items()))
                why = REASONS.get(status, "answers {status} to {role}").format(role=role, status=status)
                answers = ", ".join(f"{role} {status}" for role, status in seen.items())
                skipped.append(Skipped(name, url, f"{why} ({answers})"))
    return found, skipped
