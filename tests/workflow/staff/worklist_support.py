"""Helpers of the worklist's tests: the page as a person sees it, its rows, and cases written
straight to the database by the hundred."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse

from applications.models import Application, Company, FinancingLine
from programme import clock
from programme.models import User
from tests.journey import World
from workflow.models import Case, Screening, State

OSLO = ZoneInfo("Europe/Oslo")
ROW_REFERENCE = re.compile(r'<th scope="row"><a class="ds-link" href="/saksbehandling/sak/([^/"]+)/">')


def worklist_url(**params: Any) -> str:
    query = urlencode(params, doseq=True)
    return reverse("worklist:list") + (f"?{query}" if query else "")


def page_as(client: Client, user: User, **params: Any) -> str:
    client.force_login(user)
    response = client.get(worklist_url(**params))
    assert response.status_code == 200
    return response.content.decode()


def references_on(html: str) -> list[str]:
    """The case references in the table, in the order shown."""
    return ROW_REFERENCE.findall(html)


def bulk_cases(
    world: World,
    count: int,
    *,
    company: Company | None = None,
    state: str = State.SUBMITTED,
    submitted_at: dt.datetime | None = None,
    applied: Decimal = Decimal("500000"),
    adviser: User | None = None,
    tag: str = "B",
    title: str = "Bulkprosjekt",
) -> list[Case]:
    """``count`` cases written straight to the database: driving hundreds of cases through
    the services would take minutes, and the worklist only reads them.  Each is submitted an
    hour before the previous one and applies for one krone more."""
    company = company or world.company_a
    creator = company.memberships.first().user if company.memberships.exists() else world.applicant_a
    moment = submitted_at or clock.now()
    applications = Application.objects.bulk_create(
        Application(
            programme=world.programme,
            company=company,
            created_by=creator,
            status=Application.Status.SUBMITTED,
            submitted_at=moment,
            title=f"{title} {tag}{n}",
            focus_area=world.focus_area,
        )
        for n in range(count)
    )
    FinancingLine.objects.bulk_create(
        FinancingLine(application=application, source=FinancingLine.Source.THIS_PROGRAMME, amount=applied + n)
        for n, application in enumerate(applications)
    )
    cases = Case.objects.bulk_create(
        Case(
            programme=world.programme,
            application=application,
            reference=f"NUP-2020-{tag}{n:04d}",
            municipality=company.municipality,
            submitted_at=moment - dt.timedelta(hours=n),
            state=state,
        )
        for n, application in enumerate(applications)
    )
    if adviser is not None:
        Screening.objects.bulk_create(Screening(case=case, adviser=adviser) for case in cases)
    return cases
