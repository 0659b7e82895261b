"""Production settings (DEBUG=False with a real SECRET_KEY and ALLOWED_HOSTS from the
environment) pass ``manage.py check --deploy`` with nothing to say, and a request sees what the
settings promise: http redirected to https (the health check excepted), HSTS, cookies over
https only, never readable by scripts, not sent on cross-site posts.  The demo the test suite
and ``make run`` use stays plain http.

Settings are read once per process, so the production ones are loaded in a subprocess with
the production environment, as a server would load them."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
HOST = "naeringsprogram.example.no"
ONE_YEAR = 365 * 24 * 60 * 60
# Variables a developer's shell or the test run may hold that would change what is tested
# (the browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses).
SETTINGS_VARIABLES = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "HTTPS",
    "SECURE_HSTS_SECONDS",
    "BEHIND_TLS_PROXY",
    "SITE_URL",
    "DJANGO_SETTINGS_MODULE",
)

# Run in the subprocess: a few requests through the whole middleware stack, and what came back.
OBSERVE = r"""
import json

import django
from django.conf import settings

django.setup()
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory

with connection.schema_editor() as editor:  # an in-memory database: only the sessions' table
    editor.create_model(Session)


def flags(cookie):
    return {"secure": bool(cookie["secure"]), "httponly": bool(cookie["httponly"]), "samesite": cookie["samesite"]}


client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
plain = client.get("/logg-inn/")
health = client.get("/healthz/")
page = client.get("/logg-inn/", secure=True)
switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)


def remember(request):
    request.session["seen"] = True
    return HttpResponse()


with_session = SessionMiddleware(remember)(RequestFactory().get("/", secure=True))
print(json.dumps({
    "debug": settings.DEBUG,
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "health_status": health.status_code,
    "page_status": page.status_code,
    "hsts": page.headers.get("Strict-Transport-Security"),
    "csp": page.headers.get("Content-Security-Policy"),
    "csrf_cookie": flags(page.cookies[settings.CSRF_COOKIE_NAME]),
    "language_cookie": flags(switched.cookies[settings.LANGUAGE_COOKIE_NAME]),
    "session_cookie": flags(with_session.cookies[settings.SESSION_COOKIE_NAME]),
}))
"""


def environment(**variables: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    # SQLite in memory: nothing on disk, and the health check's SELECT 1 has something to ask.
    env.update(DJANGO_SETTINGS_MODULE="programme.settings", DATABASE_URL="sqlite://:memory:")
    env.update(variables)
    return env


def production(**variables: str) -> dict[str, str]:
    variables = {"SITE_URL": f"https://{HOST}", **variables}
    return environment(DEBUG="False", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS=HOST, **variables)


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def observe(env: dict[str, str]) -> dict:
    done = run(["-c", OBSERVE], env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_check_deploy_finds_nothing_in_production() -> None:
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production())

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    assert "WARNING" not in done.stdout + done.stderr and "ERROR" not in done.stdout + done.stderr


def test_production_is_https_only_with_safe_cookies() -> None:
    seen = observe(production())

    assert seen["debug"] is False
    assert seen["plain_status"] == 301 and seen["plain_location"] == f"https://{HOST}/logg-inn/"
    # docker-compose's and load balancers' health check asks over http.
    assert seen["health_status"] == 200
    assert seen["page_status"] == 200
    assert seen["hsts"] == f"max-age={ONE_YEAR}; includeSubDomains; preload"
    assert "script-src 'self'" in seen["csp"]
    lax_https_only = {"secure": True, "httponly": True, "samesite": "Lax"}
    assert seen["session_cookie"] == lax_https_only
    assert seen["csrf_cookie"] == lax_https_only
    assert seen["language_cookie"] == lax_https_only


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = production()
    del env["SECRET_KEY"]

    done = run(["manage.py", "check"], env)

    assert done.returncode != 0
    assert "DEBUG is False: set SECRET_KEY" in done.stderr


def test_production_refuses_to_start_without_the_sites_address() -> None:
    # Letters and e-mails are made by the worker, which has no request to take an address from;
    # without SITE_URL they would send applicants to http://localhost:8000.
    env = production()
    del env["SITE_URL"]

    done = run(["manage.py", "check"], env)

    assert done.returncode != 0
    assert "DEBUG is False: set SITE_URL" in done.stderr


def test_a_site_address_without_its_scheme_is_refused() -> None:
    done = run(["manage.py", "check"], production(SITE_URL=HOST))

    assert done.returncode != 0
    assert f"SITE_URL must start with http:// or https:// (it is '{HOST}')" in done.stderr


def test_production_links_letters_and_mails_to_the_sites_address() -> None:
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    done = run(["-c", code], production(SITE_URL=f"https://{HOST}/"))

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"https://{HOST}"


def test_https_false_keeps_production_settings_on_plain_http() -> None:
    # docker-compose on http://localhost and the benchmarks.
    seen = observe(production(HTTPS="False"))

    assert seen["plain_status"] == 200
    assert seen["hsts"] is None
    assert seen["session_cookie"] == {"secure": False, "httponly": True, "samesite": "Lax"}


def test_the_demo_without_any_variable_is_plain_http() -> None:
    seen = observe(environment())

    assert seen["debug"] is True
    assert seen["plain_status"] == 200 and seen["hsts"] is None
    assert seen["csrf_cookie"] == {"secure": False, "httponly": True, "samesite": "Lax"}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECURE_SSL_REDIRECT", False),
        ("SECURE_HSTS_SECONDS", 0),
        ("SESSION_COOKIE_SECURE", False),
        ("CSRF_COOKIE_SECURE", False),
        ("LANGUAGE_COOKIE_SECURE", False),
        ("SECURE_PROXY_SSL_HEADER", None),
    ],
)
def test_the_test_suite_runs_on_the_demo_settings(name: str, value: object) -> None:
    assert getattr(settings, name) == value


def test_the_test_client_gets_pages_over_plain_http(client) -> None:
    response = client.get("/logg-inn/")

    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
