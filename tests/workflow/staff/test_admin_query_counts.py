"""The administrator's pages run the same number of queries with 10 rows as with 200 (issue 4):
the payments page, the Register for offentlig støtte, the job outcomes and the budget page.

Driving 200 cases through the services would take minutes, so one case per page is made
through the services and then copied row for row (application, case, decision, offer,
ledger, payment requests, payments, job reports) with ``bulk_create``."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Model
from django.db.models.base import ModelState
from django.test import Client
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from tests.journey import World, case_in
from tests.workflow.staff.admin_support import url
from workflow import selectors, services
from workflow.models import Case, Decision, JobReport, LedgerEntry, Offer, Payment, PaymentRequest, State

_serial = itertools.count(1)


def unsaved_copy(obj: Model, **changes: object) -> Model:
    """An unsaved copy of ``obj`` with ``changes``; bulk_create gives it its own key."""
    twin = copy.copy(obj)
    twin._state = ModelState()
    twin.pk = None
    for name, value in changes.items():
        setattr(twin, name, value)
    return twin


def clone(template: Case, count: int) -> None:
    """``count`` copies of ``template`` with everything the administrator's pages read."""
    template = Case.objects.select_related("application", "offer__decision").get(pk=template.pk)
    applications = Application.objects.bulk_create(
        [unsaved_copy(template.application, title=f"Kopi {n}") for n in range(count)]
    )
    cases = Case.objects.bulk_create(
        [
            unsaved_copy(template, application=application, reference=f"{template.reference}-K{next(_serial)}")
            for application in applications
        ]
    )
    offer = getattr(template, "offer", None)
    if offer is not None:
        decisions = Decision.objects.bulk_create([unsaved_copy(offer.decision, case=case) for case in cases])
        Offer.objects.bulk_create(
            [unsaved_copy(offer, case=case, decision=decision) for case, decision in zip(cases, decisions, strict=True)]
        )
    requests = list(PaymentRequest.objects.filter(case=template))
    payments = list(Payment.objects.filter(case=template))
    entries = list(LedgerEntry.objects.filter(case=template))
    reports = list(JobReport.objects.filter(case=template))
    for case in cases:
        new_requests = {
            r.pk: new
            for r, new in zip(
                requests,
                PaymentRequest.objects.bulk_create([unsaved_copy(r, case=case) for r in requests]),
                strict=True,
            )
        }
        new_payments = {
            p.pk: new
            for p, new in zip(
                payments,
                Payment.objects.bulk_create(
                    [unsaved_copy(p, case=case, request=new_requests.get(p.request_id)) for p in payments]
                ),
                strict=True,
            )
        }
        LedgerEntry.objects.bulk_create(
            [unsaved_copy(e, case=case, payment=new_payments.get(e.payment_id)) for e in entries]
        )
        JobReport.objects.bulk_create([unsaved_copy(r, case=case) for r in reports])


def queries_with(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


def same_queries_with_10_and_200(
    client: Client, django_assert_max_num_queries: Callable, address: str, templates: list[Case], count_rows: Callable
) -> None:
    """Each of ``templates`` (a kind of row) copied until the page lists 10 rows, then 200."""
    kinds = len(templates)
    for template in templates:
        clone(template, 10 // kinds - 1)
    assert count_rows() == 10 // kinds * kinds
    ten = queries_with(client, address)
    for template in templates:
        clone(template, (200 - 10) // kinds)
    assert count_rows() == 200 // kinds * kinds
    with django_assert_max_num_queries(ten) as captured:
        assert client.get(address).status_code == 200
    assert len(captured) == ten


@pytest.fixture
def admin_client(client: Client, world: World) -> Client:
    client.force_login(world.admin)
    client.get("/")  # the session and the language are settled before counting
    return client


def test_the_payments_page(world: World, admin_client: Client, django_assert_max_num_queries: Callable) -> None:
    part = case_in(world, State.ACCEPTED)
    services.payment_register(case=part, actor=world.admin, amount=Decimal("50000"))
    services.payment_request_create(
        case=part, actor=world.applicant_a, amount=Decimal("60000"), costs_to_date=Decimal("200000"), report="Del 2."
    )
    final = case_in(world, State.REPORTING, world.company_b)
    services.conflict_declare(case=final, actor=world.admin, reason="Inhabil.")

    same_queries_with_10_and_200(
        admin_client,
        django_assert_max_num_queries,
        url("payments", world),
        [part, final],
        lambda: PaymentRequest.objects.filter(status="pending").count(),
    )


def test_the_public_register_page(world: World, admin_client: Client, django_assert_max_num_queries: Callable) -> None:
    case = case_in(world, State.ON_AGENDA, money=(Decimal("3000000"), Decimal("1500000")))
    services.decision_approve(
        case=case, actor=world.board_member, amount=Decimal("1200000"), legal_basis="block_exemption"
    )
    services.offer_accept(case=Case.objects.get(pk=case.pk), actor=world.applicant_a)

    same_queries_with_10_and_200(
        admin_client,
        django_assert_max_num_queries,
        url("public_register", world) + "?vis=alle",
        [case],
        lambda: Offer.objects.filter(public_register_required=True).count(),
    )


def test_the_job_outcomes_page(world: World, admin_client: Client, django_assert_max_num_queries: Callable) -> None:
    completed = case_in(world, State.COMPLETED)
    services.job_report_file(case=completed, actor=world.applicant_a, new_jobs=2, period_months=12)
    closed = case_in(world, State.CLOSED, world.company_b)
    case_in(world, State.ACCEPTED)  # counts in the year's figures, not in the follow-up

    same_queries_with_10_and_200(
        admin_client,
        django_assert_max_num_queries,
        url("job_outcomes", world),
        [completed, closed],
        lambda: Case.objects.filter(state__in=[State.COMPLETED, State.CLOSED]).count(),
    )


def test_the_budget_page(world: World, admin_client: Client, django_assert_max_num_queries: Callable) -> None:
    paid = case_in(world, State.ACCEPTED)
    services.payment_register(case=paid, actor=world.admin, amount=Decimal("50000"))
    completed = case_in(world, State.COMPLETED, world.company_b)
    # Room in the frame for the copies (the page reads the frame, not a check against it).
    world.budget_year.contributions.update(amount=Decimal("500000000"))

    same_queries_with_10_and_200(
        admin_client,
        django_assert_max_num_queries,
        url("budget", world, world.budget_year.year),
        [paid, completed],
        lambda: Offer.objects.filter(budget_year=world.budget_year).count(),
    )
    figures = selectors.budget_year_figures(budget_year=world.budget_year)
    assert figures.disbursed == 100 * Decimal("50000") + 100 * Decimal("400000")
