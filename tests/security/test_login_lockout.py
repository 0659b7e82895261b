"""Login throttling (django-axes): five failed logins for one e-mail address from one IP
address lock that pair out for an hour, with the right password too; the login page answers
429 with a Norwegian page, the API's token endpoint 429 with a message.  Fewer failures, a
success, another address, the hour passing or ``manage.py axes_reset`` let the person in."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from programme import clock
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "lise@example.no"
RIGHT = "Riktig-Passord-77"
LIMIT = settings.AXES_FAILURE_LIMIT
LOCKED_PAGE = "For mange mislykkede innlogginger"
LOCKED_TEXT = "også med riktig passord"


@pytest.fixture
def person():
    return UserFactory(email=EMAIL, password=RIGHT)


def log_in(client, password: str, email: str = EMAIL, **headers: str):
    return client.post(reverse("login"), {"username": email, "password": password}, **headers)


def fail(client, times: int, email: str = EMAIL, **headers: str) -> list[int]:
    return [log_in(client, f"feil-{n}", email, **headers).status_code for n in range(times)]


def test_the_limit_is_five_failures_and_an_hour() -> None:
    assert LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(hours=1)
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_one_failure_short_of_the_limit_the_right_password_still_logs_in(client, person) -> None:
    assert fail(client, LIMIT - 1) == [200] * (LIMIT - 1)

    response = log_in(client, RIGHT)

    assert response.status_code == 302
    assert client.session.get(SESSION_KEY) == str(person.pk)
    # A success starts the count again: four more failures still do not lock.
    client.post(reverse("logout"))
    assert fail(client, LIMIT - 1) == [200] * (LIMIT - 1)
    assert log_in(client, RIGHT).status_code == 302


def test_the_fifth_failure_locks_out_even_the_right_password(client, person) -> None:
    statuses = fail(client, LIMIT)

    assert statuses == [200] * (LIMIT - 1) + [429]
    response = log_in(client, RIGHT)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED_PAGE in page and LOCKED_TEXT in page and "5 ganger på rad" in page
    assert SESSION_KEY not in client.session


def test_the_lockout_counts_the_address_however_it_is_typed(client, person) -> None:
    fail(client, 3, email="Lise@Example.NO")
    fail(client, 2, email="LISE@example.no")

    assert log_in(client, RIGHT).status_code == 429


def test_the_lockout_holds_the_address_from_that_ip_only(client, person) -> None:
    fail(client, LIMIT, REMOTE_ADDR="198.51.100.7")

    assert log_in(client, RIGHT, REMOTE_ADDR="198.51.100.7").status_code == 429
    # The person, from elsewhere, is not locked out by whoever guessed.
    assert log_in(client, RIGHT, REMOTE_ADDR="203.0.113.20").status_code == 302


@override_settings(BEHIND_TLS_PROXY=True)
def test_behind_the_proxy_the_address_the_proxy_added_counts(client, person) -> None:
    # The proxy (127.0.0.1) appends the client's address; the ones before it are the client's to invent.
    for n in range(LIMIT):
        log_in(client, "feil", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7")

    assert log_in(client, RIGHT, HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7").status_code == 429
    assert log_in(client, RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302


def test_the_lockout_ends_after_an_hour(client, person) -> None:
    start = clock.now()
    with time_machine.travel(start, tick=False):
        fail(client, LIMIT)
    with time_machine.travel(start + datetime.timedelta(minutes=59), tick=False):
        assert log_in(client, RIGHT).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        assert log_in(client, RIGHT).status_code == 302


def test_axes_reset_unlocks_at_once(client, person) -> None:
    fail(client, LIMIT)
    assert AccessAttempt.objects.filter(username=EMAIL).exists()

    call_command("axes_reset")

    assert not AccessAttempt.objects.exists()
    assert log_in(client, RIGHT).status_code == 302


def test_odd_input_is_refused_in_the_form_never_a_server_error(client, person) -> None:
    for email in ("lise\x00@example.no", "x" * 500 + "@example.no", ""):
        assert log_in(client, "feil", email=email).status_code == 200
    assert log_in(client, RIGHT).status_code == 302


def test_the_api_counts_a_name_of_any_length_never_a_server_error(person) -> None:
    # The token endpoint takes any length; the attempts table holds 255 characters (PostgreSQL refuses more).
    api = APIClient()
    long_name = "x" * 1000 + "@example.no"

    statuses = [api.post(reverse("api:token"), {"username": long_name, "password": "feil"}).status_code for _ in "123"]

    assert statuses == [400, 400, 400]
    assert AccessAttempt.objects.get().failures_since_start == 3


def test_the_api_token_endpoint_locks_out_too(person) -> None:
    api = APIClient()

    def ask(password: str):
        return api.post(reverse("api:token"), {"username": EMAIL, "password": password})

    assert [ask(f"feil-{n}").status_code for n in range(LIMIT - 1)] == [400] * (LIMIT - 1)
    locked = ask("feil")
    assert locked.status_code == 429
    assert LOCKED_PAGE in locked.json()["detail"]
    assert ask(RIGHT).status_code == 429
    # The login page shares the count: the same address from the same IP is locked there too.
    assert log_in(api, RIGHT).status_code == 429

    call_command("axes_reset")

    answer = ask(RIGHT)
    assert answer.status_code == 200 and answer.json()["token"]
