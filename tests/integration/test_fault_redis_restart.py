"""Issue 7, faults: Redis killed and started again while reminder work waits in its queue.
Each reminder is still recorded once (one notification per unique key) and mailed once.

- With ``appendonly yes`` (as production runs Redis) the queued messages survive the restart
  and the worker started afterwards runs them all: the sweep for the day, sent twice, and the
  retries of mails that had failed.
- Without persistence the messages are lost; the next daily sweep sends what is due, late
  (the catch-up window), and mails what was left unmailed — still each once.

Real processes: a redis-server of the test's own (killed with SIGKILL), the producer (what
beat does: a process that sends the tasks) and a ``celery worker`` that mails through
Django's file backend (EMAIL_URL=filemail://…), whose files are counted.  Needs PostgreSQL and
the redis-server program; without them the tests skip with the reason, and in CI
(REQUIRE_SERVICES=1) they fail instead."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

import pytest

from programme import clock
from tests.conftest import services_required
from tests.integration.faults import (
    RedisServer,
    postgres_missing,
    process_env,
    redis_server_missing,
    start_worker,
    stop,
    wait_for,
)
from tests.journey import World, build_world
from workflow.models import Case, Notification
from workflow.services.reminders import reminder_key

MISSING = postgres_missing() or redis_server_missing()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(MISSING is not None and not services_required(), reason=MISSING or ""),
    pytest.mark.django_db(transaction=True),
]

CASES = 4
QUEUE = "celery"
# What beat does: a separate process sends the tasks to the broker of REDIS_URL.
_SEND = """
import json, sys
from programme.celery import app
for name, args in json.loads(sys.argv[1]):
    app.send_task(name, args=args)
"""


class Setting:
    """Redis of the test's own, the mail folder and the processes around them."""

    def __init__(self, tmp_path: Path, *, appendonly: bool) -> None:
        folder = tmp_path / "redis"
        folder.mkdir()
        self.redis = RedisServer(folder, appendonly=appendonly)
        self.mails = tmp_path / "mails"
        self.mails.mkdir()
        self.log = tmp_path / "worker.log"
        # filemail:////abs/path — django-environ drops one slash from the path.
        self.env = process_env(REDIS_URL=self.redis.url, EMAIL_URL=f"filemail:///{self.mails}")
        self.workers: list[subprocess.Popen] = []

    def send(self, *tasks: tuple[str, list]) -> None:
        subprocess.run(
            [sys.executable, "-c", _SEND, json.dumps(tasks)],
            cwd=Path(__file__).resolve().parents[2],
            env=self.env,
            check=True,
            timeout=60,
        )

    def queued(self) -> int:
        return self.redis.client().llen(QUEUE)

    def restart_redis(self) -> None:
        self.redis.kill()
        self.redis.start()

    def start_worker(self) -> None:
        self.workers.append(start_worker(self.log, name=f"faults-{uuid.uuid4().hex[:8]}", env=self.env, concurrency=2))

    def idle(self) -> bool:
        client = self.redis.client()
        return client.llen(QUEUE) == 0 and client.hlen("unacked") == 0

    def mails_sent(self) -> list[email.message.EmailMessage]:
        """Every message the file backend wrote (one or more per file, each followed by a rule)."""
        messages = []
        for path in sorted(self.mails.iterdir()):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
        return messages


@pytest.fixture
def setting(tmp_path: Path):
    made: list[Setting] = []

    def make(*, appendonly: bool) -> Setting:
        if MISSING is not None:
            pytest.fail(f"REQUIRE_SERVICES=1 but {MISSING}", pytrace=False)
        made.append(Setting(tmp_path, appendonly=appendonly))
        made[-1].redis.start()
        return made[-1]

    yield make
    for each in made:
        for worker in each.workers:
            stop(worker)
        if each.redis.process and each.redis.process.poll() is None:
            each.redis.kill()


def overdue_screening(world: World) -> tuple[list[Case], dt.date]:
    """Cases whose screening is overdue on the returned day: a reminder to the adviser each."""
    cases = [world.submitted_case() for _ in range(CASES)]
    return cases, clock.today() + dt.timedelta(days=15)  # the first day past the 14-day level


def failed_mails(world: World) -> list[Notification]:
    """Notifications recorded earlier whose mail failed (the mail server was down)."""
    return [
        Notification.objects.create(
            recipient=world.applicant_a,
            kind=Notification.Kind.RETURNED_NOT_COMPLETED,
            key=f"fault-test:{n}",
            subject=f"Søknaden venter på deg ({n})",
            body="Fullfør søknaden.",
        )
        for n in range(2)
    ]


def assert_each_sent_once(setting: Setting, world: World, cases: list[Case], due: dt.date, earlier: list) -> None:
    expected_keys = {
        reminder_key(Notification.Kind.SCREENING_OVERDUE, due=due, to=world.adviser_a, case=case) for case in cases
    }
    reminders = Notification.objects.filter(kind=Notification.Kind.SCREENING_OVERDUE)
    wanted = len(expected_keys) + len(earlier)

    def done() -> bool:
        return setting.idle() and len(setting.mails_sent()) >= wanted and not reminders.filter(emailed_at=None).exists()

    wait_for(done, "the worker to send the reminders", log=setting.log)
    stop(setting.workers[-1])  # nothing more may come: stop the worker before counting

    assert set(reminders.values_list("key", flat=True)) == expected_keys
    everything = Notification.objects.all()
    assert everything.count() == wanted and not everything.filter(emailed_at=None).exists()
    sent = Counter((message["To"], message["Subject"]) for message in setting.mails_sent())
    assert sent == Counter({(n.recipient.email, n.subject): 1 for n in everything}), setting.log.read_text()


def test_with_appendonly_the_queued_reminder_work_survives_a_redis_restart_and_each_is_sent_once(setting):
    setting = setting(appendonly=True)
    world = build_world()
    cases, due = overdue_screening(world)
    earlier = failed_mails(world)

    # The daily sweep, sent twice (beat and an administrator's run), and the retries of the
    # failed mails, twice each: all queued while no worker runs.
    sweep = ("workflow.tasks.run_reminders", [due.isoformat()])
    retries = [("workflow.tasks.send_notification", [n.pk]) for n in earlier]
    setting.send(sweep, sweep, *retries, *retries)
    assert setting.queued() == 2 + 2 * len(earlier)

    setting.restart_redis()
    assert setting.queued() == 2 + 2 * len(earlier), "appendonly keeps the queue"

    setting.start_worker()
    assert_each_sent_once(setting, world, cases, due, earlier)


def test_without_persistence_the_lost_work_is_done_by_the_next_days_sweep_each_once(setting):
    setting = setting(appendonly=False)
    world = build_world()
    cases, due = overdue_screening(world)
    earlier = failed_mails(world)

    sweep = ("workflow.tasks.run_reminders", [due.isoformat()])
    setting.send(sweep, *[("workflow.tasks.send_notification", [n.pk]) for n in earlier])
    setting.restart_redis()
    assert setting.queued() == 0, "without persistence the queue is gone"

    # The next morning beat sends the day's sweep (here twice: it is safe to run again): the
    # reminders are sent a day late, within the catch-up window, and the failed mails retried.
    setting.start_worker()
    next_day = ("workflow.tasks.run_reminders", [(due + dt.timedelta(days=1)).isoformat()])
    setting.send(next_day, next_day)
    assert_each_sent_once(setting, world, cases, due, earlier)
