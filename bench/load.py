"""A small load tool (threads + http.client) and the gunicorn it loads.

Each thread keeps one connection open and asks for the pages of a mix in turn, each with its
user's session cookie, for a fixed time.  An error is anything but a 200 (a redirect to the
login page included) or a failed connection.  Nothing here needs more than the standard
library and the gunicorn pinned in requirements.txt.
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.environment import ROOT, bench_url


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")


def load(host: str, port: int, mix: list[tuple[str, str]], *, seconds: float, threads: int) -> LoadResult:
    """Ask for ``mix`` ((path, cookie header) pairs) from ``threads`` threads for ``seconds``."""
    result = LoadResult(seconds=seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        index = offset
        latencies: list[float] = []
        errors: Counter = Counter()
        while time.monotonic() < deadline:
            path, cookie = mix[index % len(mix)]
            index += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                errors[type(error).__name__] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                continue
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors[f"{status} {path}"] += 1
        conn.close()
        with lock:
            result.latencies.extend(latencies)
            result.errors.update(errors)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return result


class Gunicorn:
    """``gunicorn programme.wsgi -w 2 -b 127.0.0.1:<port>`` on the bench database, DEBUG off."""

    def __init__(self, port: int = 8099, workers: int = 2) -> None:
        self.port = port
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.log = Path(tempfile.gettempdir()) / "bench-gunicorn.log"

    def __enter__(self) -> Gunicorn:
        env = {
            **os.environ,
            "DATABASE_URL": bench_url(),
            "DEBUG": "0",
            "EMAIL_URL": "memorymail://",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef"),
            # Plain http on 127.0.0.1: no redirect to https.
            "HTTPS": os.environ.get("HTTPS", "False"),
            "SITE_URL": os.environ.get("SITE_URL", f"http://127.0.0.1:{self.port}"),
        }
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [gunicorn, "programme.wsgi", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}"]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz/", timeout=2):  # noqa: S310
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer; see {self.log}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
