"""An administrator may require two-factor login of a programme's staff: they log in with the
password as before, and then see only the page that turns it on until they have."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from programme import clock as programme_clock
from programme.models import Programme, StaffRole, User
from tests.factories import ProgrammeFactory, UserFactory
from tests.programme.accounts.test_two_factor import PASSWORD, app_code, log_in_with_password, secret_shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock() -> Iterator:
    with time_machine.travel(programme_clock.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def strict() -> Programme:
    return ProgrammeFactory(code="NUP", staff_two_factor_required=True)


def member_of(programme: Programme, **fields: object) -> User:
    user = UserFactory(**fields)
    StaffRole.objects.create(user=user, programme=programme, kind="board")
    return user


def test_staff_of_a_programme_that_requires_it_must_turn_it_on_first(client, strict, clock) -> None:
    user = member_of(strict)

    response = log_in_with_password(client, user)
    assert response.status_code == 302  # logged in with the password: nothing to ask a code of yet

    for path in (reverse("home"), reverse("account"), "/saksbehandling/", "/admin/"):
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked.url == reverse("two_factor_setup"), path
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "Programmet ditt krever tofaktorinnlogging" in page

    client.post(reverse("two_factor_setup"), {"code": app_code(secret_shown(page))})

    assert client.get(reverse("two_factor_backup_codes")).status_code == 200
    assert client.get(reverse("account")).status_code == 200


def test_the_requirement_reaches_only_that_programmes_staff(client, strict) -> None:
    elsewhere = member_of(ProgrammeFactory(code="OTH"))
    applicant = UserFactory()

    for person in (elsewhere, applicant):
        client.logout()
        log_in_with_password(client, person)
        assert client.get(reverse("account")).status_code == 200


def test_lifting_the_requirement_lets_them_in_at_once(client, strict) -> None:
    user = member_of(strict)
    log_in_with_password(client, user)
    assert client.get(reverse("account")).url == reverse("two_factor_setup")

    Programme.objects.filter(pk=strict.pk).update(staff_two_factor_required=False)

    assert client.get(reverse("account")).status_code == 200


def test_they_may_still_log_out(client, strict) -> None:
    log_in_with_password(client, member_of(strict))

    client.post(reverse("logout"))

    assert client.get(reverse("account")).url.startswith(reverse("login"))


def test_the_token_endpoint_refuses_them_until_they_have_turned_it_on(strict) -> None:
    user = member_of(strict)

    response = APIClient().post("/api/token/", {"username": user.email, "password": PASSWORD}, format="json")

    assert response.status_code == 400
    assert re.search("krever tofaktorinnlogging", str(response.json()))
    assert "token" not in response.json()
