"""Issue 7, faults: the database goes away under a running web server (gunicorn, DEBUG off).

Every page that needs the database answers 503 with a plain Norwegian page and Retry-After,
never a 500 or a stack trace, and the pages come back by themselves with the database.  A
connection cut in the middle of the board's approval (decision, offer, ledger row, case state,
timeline event) leaves all of it or none of it: PostgreSQL's transaction decides.

The web server reaches PostgreSQL through a TCP proxy the test controls (tests/integration/
faults.py).  Needs PostgreSQL, and Redis for the letter the approval enqueues; without them the
tests skip with the reason, and in CI (REQUIRE_SERVICES=1) they fail instead."""

from __future__ import annotations

import http.client
import sys
import urllib.parse
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

from tests.conftest import services_required
from tests.integration.faults import (
    DatabaseProxy,
    database_url,
    free_port,
    postgres_missing,
    process_env,
    redis_missing,
    start,
    stop,
    wait_for,
)
from tests.journey import World, build_world, case_in
from workflow.models import Case, Decision, LedgerEntry, Offer, State, TimelineEvent

MISSING = postgres_missing() or redis_missing()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(MISSING is not None and not services_required(), reason=MISSING or ""),
    pytest.mark.django_db(transaction=True),
]

UNAVAILABLE = "Tjenesten er midlertidig utilgjengelig"
# The statements the approval's transaction sends last: the timeline event, then the commit.
TIMELINE_INSERT = b'INSERT INTO "workflow_timelineevent"'
COMMIT = b"COMMIT"
LEDGER_INSERT = b'INSERT INTO "workflow_ledgerentry"'


class Web:
    """The running web server, and the proxy its database connections go through."""

    def __init__(self, port: int, proxy: DatabaseProxy, log: Path) -> None:
        self.port = port
        self.proxy = proxy
        self.log = log
        self.csrf = get_random_string(32)

    def request(
        self, method: str, path: str, *, session: str = "", form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        cookies = {"csrftoken": self.csrf} | ({"sessionid": session} if session else {})
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        web = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            web.request(method, path, body=body, headers=headers)
            response = web.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            web.close()


@pytest.fixture
def web(tmp_path: Path):
    """gunicorn with DEBUG off on the test database, through the proxy."""
    if MISSING is not None:
        pytest.fail(f"REQUIRE_SERVICES=1 but {MISSING}", pytrace=False)
    proxy = DatabaseProxy(int(settings.DATABASES["default"]["PORT"] or 5432))
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = process_env(
        DATABASE_URL=database_url(port=proxy.port),
        DEBUG="False",
        HTTPS="False",  # plain http on 127.0.0.1, as behind docker-compose
        SECRET_KEY=settings.SECRET_KEY,  # the sessions this test makes must hold there
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",  # required when DEBUG is off
    )
    args = [sys.executable, "-m", "gunicorn", "programme.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    process = start([*args, "--workers=1", "--timeout=60", "--access-logfile=-"], log, env)
    server = Web(port, proxy, log)

    def answers() -> bool:
        assert process.poll() is None, log.read_text()
        try:
            return server.request("GET", "/healthz/")[0] == 200
        except OSError:
            return False

    wait_for(answers, "gunicorn to answer", seconds=60, log=log)
    yield server
    stop(process)
    proxy.close()


def session_of(user) -> str:  # noqa: ANN001 - a User
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def assert_unavailable(answer: tuple[int, dict[str, str], str]) -> None:
    status, headers, html = answer
    assert status == 503, (status, html[:500])
    assert UNAVAILABLE in html
    assert "Prøv igjen om noen minutter" in html
    assert int(headers["Retry-After"]) > 0
    assert "Traceback" not in html and "OperationalError" not in html and "psycopg" not in html


def backends_gone(proxy: DatabaseProxy) -> Callable[[], bool]:
    """Whether PostgreSQL has ended the connection the proxy cut (other connections to the
    same database do not count: the web server keeps a new one open for its next requests,
    CONN_MAX_AGE)."""

    def gone() -> bool:
        ports = [proxy.cut_port]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND client_port = ANY(%s)",
                [ports],
            )
            return cursor.fetchone()[0] == 0

    return gone


def test_pages_answer_503_while_the_database_refuses_connections_and_come_back_with_it(web: Web):
    world = build_world()
    session = session_of(world.adviser_a)
    assert web.request("GET", "/", session=session)[0] == 302  # staff go on to the worklist

    web.proxy.refuse()
    assert_unavailable(web.request("GET", "/", session=session))  # the session is read first
    assert_unavailable(web.request("GET", reverse("worklist:list"), session=session))
    assert_unavailable(web.request("GET", "/healthz/"))  # load balancers see it too
    login = {"username": world.applicant_a.email, "password": "wrong password"}
    assert_unavailable(web.request("POST", reverse("login"), form=login))
    # A page that needs no database still works; none of them is a server error.
    status, _headers, html = web.request("GET", reverse("login"))
    assert status in (200, 503) and "Traceback" not in html
    assert " 500 " not in web.log.read_text()

    web.proxy.open()
    assert web.request("GET", "/", session=session)[0] == 302
    assert web.request("GET", "/healthz/")[0] == 200


def approval(world: World) -> tuple[Case, str, dict[str, str]]:
    case = case_in(world, State.ON_AGENDA)
    path = reverse("board:decision_approve", args=[world.programme.code, world.meeting.pk, case.reference])
    prefix = f"approve-{case.pk}"
    return case, path, {f"{prefix}-amount": "300000", f"{prefix}-legal_basis": "de_minimis"}


def written(case: Case) -> dict[str, object]:
    """What the approval writes, as the database holds it."""
    return {
        "state": Case.objects.get(pk=case.pk).state,
        "decisions": Decision.objects.filter(case=case).count(),
        "offers": Offer.objects.filter(case=case).count(),
        "ledger": sum((entry.amount for entry in LedgerEntry.objects.filter(case=case)), Decimal("0")),
        "ledger_rows": LedgerEntry.objects.filter(case=case).count(),
        "approvals_on_timeline": TimelineEvent.objects.filter(case=case, to_state=State.APPROVED).count(),
    }


NONE = {
    "state": State.ON_AGENDA,
    "decisions": 0,
    "offers": 0,
    "ledger": 0,
    "ledger_rows": 0,
    "approvals_on_timeline": 0,
}
ALL = {
    "state": State.APPROVED,
    "decisions": 1,
    "offers": 1,
    "ledger": Decimal("300000"),
    "ledger_rows": 1,
    "approvals_on_timeline": 1,
}


def test_a_connection_cut_before_the_approval_commits_leaves_nothing_and_the_approval_can_be_made_again(web: Web):
    world = build_world()
    case, path, form = approval(world)
    session = session_of(world.board_member)

    web.proxy.cut_at(TIMELINE_INSERT, after_answer=False)
    answer = web.request("POST", path, session=session, form=form)
    assert web.proxy.cut.is_set(), "the approval did not write its timeline event"
    assert_unavailable(answer)
    wait_for(backends_gone(web.proxy), "PostgreSQL to end the cut connection", seconds=30)
    # Decision, offer, ledger row and the case's new state were sent before the cut, inside the
    # transaction; PostgreSQL rolled all of it back.
    for statement in (b'INSERT INTO "workflow_decision"', b'INSERT INTO "workflow_offer"', LEDGER_INSERT):
        assert statement in web.proxy.sent_before_cut
    assert b'UPDATE "workflow_case" SET' in web.proxy.sent_before_cut
    assert written(case) == NONE

    status, headers, _html = web.request("POST", path, session=session, form=form)
    assert (status, headers["Location"]) == (
        302,
        reverse("board:meeting", args=["NUP", world.meeting.pk]) + f"#case-{case.reference}",
    )
    assert written(case) == ALL


def test_a_connection_cut_after_the_commit_keeps_all_of_the_approval_once(web: Web):
    world = build_world()
    case, path, form = approval(world)
    session = session_of(world.board_member)

    web.proxy.cut_at(COMMIT, after_answer=True)
    answer = web.request("POST", path, session=session, form=form)
    assert web.proxy.cut.is_set(), "the approval did not commit"
    # The web server never heard that the commit went through: to the person it is a 503.
    assert_unavailable(answer)
    assert LEDGER_INSERT in web.proxy.sent_before_cut and TIMELINE_INSERT in web.proxy.sent_before_cut
    wait_for(backends_gone(web.proxy), "PostgreSQL to end the cut connection", seconds=30)
    assert written(case) == ALL

    # Sending the form again (the person is not sure) is refused: the case is approved already.
    status, _headers, html = web.request("POST", path, session=session, form=form)
    assert status in (400, 409) and "Traceback" not in html
    assert written(case) == ALL
