"""The evaluation's *making lock*: held by the one process making an evaluation, and gone
with that process, so that a worker killed in the middle never leaves it behind (see
``workflow.services.evaluation.evaluation_make``)."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)

# Not programme.locking.lock_objects: that takes transaction locks a service waits for; this
# is a try-lock held by a worker's session for as long as it works, and never waited on.
# The key of the PostgreSQL advisory lock for evaluation N is LOCK_BASE + N: far above the
# 32-bit hashtext() keys the de minimis lock uses, so the two never meet.
LOCK_BASE = 1 << 48


@contextmanager
def making_lock(evaluation_id: int) -> Iterator[bool]:
    """Yield True if this process may make the evaluation now, False if a live one is at it.

    The lock lives as long as the process holding it: on PostgreSQL a session advisory lock,
    which the server drops when the connection does (a killed worker's connection closes with
    it); elsewhere (SQLite: one machine) an exclusive ``flock`` on a file under ``var/``, which
    the kernel drops when the process dies.  (A PostgreSQL session may take its own lock
    again; each worker process, and each thread, has a connection of its own.)"""
    if connection.vendor == "postgresql":
        key = LOCK_BASE + evaluation_id
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            acquired = bool(cursor.fetchone()[0])
        try:
            yield acquired
        finally:
            if acquired:
                try:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
                except DatabaseError:  # the connection is gone, and the lock with it
                    logger.warning("Could not release the lock of evaluation %s", evaluation_id, exc_info=True)
        return
    folder = Path(settings.VAR_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"evaluation-{evaluation_id}.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
