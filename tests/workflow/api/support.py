"""Helpers for the API tests: a client that sends a person's token, and the paths."""

from __future__ import annotations

from typing import Any

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def token_header(user: Any) -> str:
    """The ``Authorization`` header of ``user``'s API token."""
    token, _ = Token.objects.get_or_create(user=user)
    return f"Token {token.key}"


def token_client(user: Any) -> APIClient:
    """A client that authenticates as ``user`` with an API token, as an integration does."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_header(user))
    return client


def case_paths(reference: str) -> list[str]:
    """Every address that reads one case or a part of it."""
    base = f"/api/cases/{reference}/"
    return [base, f"{base}timeline/", f"{base}decisions/", f"{base}payments/", f"{base}job-reports/"]


def references(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["reference"] for row in response.json()["results"]}
