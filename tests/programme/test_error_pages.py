"""The error handler (programme/views/errors.py): a database that refuses connections is a 503
page in Norwegian with Retry-After, made without a single query; any other error stays a 500.
The same with a real server and a database that goes away: tests/integration/test_fault_database_down.py."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from programme.views.errors import handler500


def answer_to(error: Exception):
    request = RequestFactory().get("/")
    try:
        raise error
    except Exception:  # noqa: BLE001 - the handler reads the exception being handled, as Django calls it
        return handler500(request)


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError("connection refused"), InterfaceError("connection already closed")])
def test_a_database_that_cannot_be_reached_is_a_503_page_made_without_the_database(
    error, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0):
        response = answer_to(error)
    html = response.content.decode()
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "Tjenesten er midlertidig utilgjengelig" in html
    assert "Prøv igjen om noen minutter" in html
    assert "connection" not in html


def test_a_database_error_behind_another_error_is_a_503_as_well() -> None:
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as cause:
            raise RuntimeError("a template failed") from cause
    except RuntimeError:
        response = handler500(RequestFactory().get("/"))
    assert response.status_code == 503


def test_any_other_error_is_a_500() -> None:
    assert answer_to(ValueError("a bug")).status_code == 500
