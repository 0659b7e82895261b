"""What the fault tests (tests/integration/test_fault_*.py) and the worker tests share: real
processes — Celery workers, a Redis server of the test's own, a web server — started against
the test database, killed the hard way, and waited for; the storage folder they share."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
from django.conf import settings
from django.db import connection

from tests.frozen_clock import subprocess_env
from tests.storage import storages_in

WAIT_SECONDS = 90


def postgres_missing() -> str | None:
    """Why this run has no PostgreSQL for the processes to share (None: it has)."""
    if connection.vendor != "postgresql":
        return f"this test needs PostgreSQL; this run uses {connection.vendor} (set DATABASE_URL=postgres://…)"
    return None


def redis_missing() -> str | None:
    """Why this run has no Redis at REDIS_URL (None: it has)."""
    if not settings.REDIS_URL:
        return "this test needs Redis; REDIS_URL is not set (set REDIS_URL=redis://…)"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"this test needs Redis at {settings.REDIS_URL}, which does not answer: {error}"
    return None


def redis_server_missing() -> str | None:
    """Why this run cannot start a Redis server of its own (None: it can)."""
    if shutil.which("redis-server") is None:
        return "the fault test starts its own Redis and needs the redis-server program (apt-get install redis-server)"
    return None


def storage_for_workers(monkeypatch: Any, settings: Any, tmp_path: Path) -> Path:
    """One temporary folder that this test and the workers it starts store files in: a worker
    reads PRIVATE_STORAGE_ROOT from its environment, this process its (overridden) settings."""
    folder = tmp_path / "private"
    folder.mkdir()
    monkeypatch.setenv("PRIVATE_STORAGE_ROOT", str(folder))
    settings.STORAGES = storages_in(folder)
    return folder


def database_url(*, port: int | None = None) -> str:
    """The test database as a URL for another process, optionally through another port (a
    proxy).  No TLS, so that a proxy sees the statements go by."""
    database = settings.DATABASES["default"]
    user = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    host = database["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{port or database['PORT'] or 5432}/{database['NAME']}?sslmode=disable"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(
    condition: Callable[[], bool], what: str, *, seconds: float = WAIT_SECONDS, log: Path | None = None
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds} s for {what}" + (f"\n{log.read_text()}" if log else ""))


def process_env(**extra: str) -> dict[str, str]:
    """The environment of a process that works on the test database, on the test's clock."""
    return {
        **os.environ,
        **subprocess_env(),
        "DJANGO_SETTINGS_MODULE": "programme.settings",
        "DATABASE_URL": database_url(),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def start(args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    """Start a process in its own process group (so that it can be killed with its children)."""
    return subprocess.Popen(
        args,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal the process and every child of it; wait for the leader."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


def stop(process: subprocess.Popen) -> None:
    """A warm stop (TERM to the leader, which stops its children), then KILL for whatever is
    left in the group."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# A worker with the test's own broker options: the Celery app reads the project's settings,
# and only the transport options (e.g. a short visibility timeout) are set here, for this
# worker alone.
_WORKER = """
import sys, json
from programme.celery import app
options = json.loads(sys.argv[1])
if options:
    app.conf.broker_transport_options = {**app.conf.broker_transport_options, **options}
app.worker_main(sys.argv[2:])
"""


def start_worker(
    log: Path,
    *,
    name: str,
    env: dict[str, str],
    concurrency: int = 1,
    transport_options: dict | None = None,
) -> subprocess.Popen:
    """``celery worker`` with a prefork pool (the parent and its pool processes), no beat."""
    import json

    args = [
        sys.executable,
        "-c",
        _WORKER,
        json.dumps(transport_options or {}),
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "--loglevel=info",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        f"--hostname={name}@%h",
    ]
    return start(args, log, env)


def children(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


class RedisServer:
    """A redis-server of the test's own, on a free port, with its data in ``folder``; killed
    and started again on the same port and folder, as a crashed server is restarted."""

    def __init__(self, folder: Path, *, appendonly: bool) -> None:
        self.folder = folder
        self.port = free_port()
        self.appendonly = appendonly
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
        args += ["--save", "", "--daemonize", "no", "--protected-mode", "no"]
        # appendonly yes: every write is in the file before the client hears it is done, so a
        # killed server loses nothing (the default fsync once a second only matters to a
        # machine that loses power).  no: everything lives in memory only.
        args += ["--appendonly", "yes" if self.appendonly else "no"]
        self.process = subprocess.Popen(
            args,
            stdout=(self.folder / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_for(answers, f"redis-server on port {self.port}", seconds=20, log=self.folder / "redis.log")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no last save."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=20)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=2)


class _Link:
    """One proxied connection: the web server's socket and PostgreSQL's."""

    def __init__(self, client: socket.socket, server: socket.socket) -> None:
        self.client = client
        self.server = server
        self.muted = False  # the server's answers are dropped, not passed on
        self.sent = bytearray()

    def close(self) -> None:
        for side in (self.client, self.server):
            try:
                side.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            side.close()


class DatabaseProxy:
    """A TCP proxy between the web server and PostgreSQL that the test controls: it passes
    everything on, refuses connections (nothing listens on its port), or cuts the connection
    on which the web server sends a given statement — before PostgreSQL sees it, or after
    PostgreSQL has run it but before its answer gets back."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.cut = threading.Event()
        self.sent_before_cut = b""  # what the cut connection had sent PostgreSQL
        self.cut_port: int | None = None  # the cut connection's port towards PostgreSQL
        # The proxy's own ports towards PostgreSQL: how PostgreSQL knows the web server's
        # connections (pg_stat_activity.client_port) among those of everything else.
        self.server_ports: set[int] = set()
        self._marker: bytes | None = None
        self._after = False
        self._lock = threading.Lock()
        self._links: set[_Link] = set()
        self._listener: socket.socket | None = None
        self.open()

    def open(self) -> None:
        """Accept connections again (the database is back)."""
        listener = socket.create_server(("127.0.0.1", self.port))
        listener.settimeout(0.1)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def refuse(self) -> None:
        """Nothing listens any more, and the open connections are dropped: connection refused."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            links, self._links = self._links, set()
        for link in links:
            link.close()

    def cut_at(self, statement: bytes, *, after_answer: bool) -> None:
        """Cut the next connection that sends ``statement`` (once)."""
        with self._lock:
            self._marker, self._after = statement, after_answer
        self.cut.clear()

    def close(self) -> None:
        self.refuse()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            server = socket.create_connection(self.target)
            link = _Link(client, server)
            with self._lock:
                self._links.add(link)
                self.server_ports.add(server.getsockname()[1])
            threading.Thread(target=self._to_server, args=(link,), daemon=True).start()
            threading.Thread(target=self._to_client, args=(link,), daemon=True).start()

    def _take_marker(self, seen: bytes) -> tuple[bool, bool]:
        with self._lock:
            if self._marker is None or self._marker not in seen:
                return False, False
            after, self._marker = self._after, None
            return True, after

    def _to_server(self, link: _Link) -> None:
        tail = b""
        while True:
            try:
                data = link.client.recv(65536)
            except OSError:
                break
            if not data:
                break
            hit, after = self._take_marker(tail + data)
            if hit:
                self.sent_before_cut = bytes(link.sent + data if after else link.sent)
                self.cut_port = link.server.getsockname()[1]
                if after:
                    # PostgreSQL gets the statement and the end of the connection behind it:
                    # it runs the statement, answers into the void and closes.
                    link.muted = True
                    link.server.sendall(data)
                    link.server.shutdown(socket.SHUT_WR)
                    link.client.shutdown(socket.SHUT_RDWR)
                else:
                    link.close()  # PostgreSQL sees the connection end inside the transaction
                self.cut.set()
                return
            try:
                link.server.sendall(data)
            except OSError:
                break
            link.sent += data
            tail = (tail + data)[-200:]
        link.close()

    def _to_client(self, link: _Link) -> None:
        while True:
            try:
                data = link.server.recv(65536)
            except OSError:
                break
            if not data:
                break
            if link.muted:
                continue
            try:
                link.client.sendall(data)
            except OSError:
                break
        link.close()
        with self._lock:
            self._links.discard(link)
