"""Schemathesis against the generated schema, as an administrator and as an applicant: no
server error and no response that breaks the schema.  Each operation is called with generated
parameters, and also with the addresses of real rows (a case, a programme, a budget year, an
evaluation) so the full responses are checked, not only the 404s."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from programme.wsgi import application
from tests.journey import World, case_in
from tests.workflow.api.support import token_header
from workflow import services
from workflow.models import Evaluation, State

CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def same_connection() -> Iterator[None]:
    """Keep the test's database connection (and transaction) across the WSGI calls, as
    Django's own test client does: a request must not close it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def data(world: World) -> dict[str, object]:
    case = case_in(world, State.COMPLETED)
    services.case_note_add(case=case, actor=world.adviser_a, text="Intern", staff_only=True)
    evaluation = Evaluation.objects.create(
        programme=world.programme,
        period_from=datetime.date(2025, 1, 1),
        period_to=datetime.date(2026, 12, 31),
        status=Evaluation.Status.READY,
        figures={"totals": {"granted": "100.00"}},
    )
    return {
        "reference": case.reference,
        "code": world.programme.code,
        "id": world.budget_year.pk,
        "evaluation": evaluation.pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["admin", "applicant_a"])
def test_schemathesis_finds_no_server_error_and_no_response_outside_the_schema(
    world: World, data: dict[str, object], same_connection: None, person: str
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    headers = {"Authorization": token_header(getattr(world, person))}
    real_rows = st.one_of(
        schema.as_strategy(path_parameters={"reference": data["reference"], "code": data["code"], "id": data["id"]}),
        schema.as_strategy(path_parameters={"id": data["evaluation"]}),
    )

    # Valid requests, and invalid ones (wrong types, values outside the schema): none may give a 500.
    negative = schema.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE)

    @settings(
        max_examples=300,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(schema.as_strategy(), real_rows, negative))
    def call(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    call()
