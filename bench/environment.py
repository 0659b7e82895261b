"""Django set-up for the benchmark scripts: the bench database, created when missing.

The benchmark never touches the development or test databases: it reads ``BENCH_DATABASE_URL``
(default ``postgres://postgres@127.0.0.1:5432/naeringsprogram_bench``) and hands it to the
project's settings as ``DATABASE_URL`` before Django starts.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/naeringsprogram_bench"
ROOT = Path(__file__).resolve().parent.parent


def bench_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def ensure_database(url: str, *, reset: bool = False) -> None:
    """Create the bench database if it is missing (or drop and create it with ``reset``)."""
    import psycopg
    from psycopg import sql

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def django_setup(*, debug: bool = False) -> None:
    """Start Django on the bench database; DEBUG off unless asked, as in production."""
    os.environ["DATABASE_URL"] = bench_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "programme.settings")
    os.environ["DEBUG"] = "1" if debug else "0"
    # Production-like settings may insist on a secret; the bench has no secrets to keep.
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
    # Plain http, as the test client and the load tool speak (no redirect to https).
    os.environ.setdefault("HTTPS", "False")
    os.environ.setdefault("SITE_URL", "http://127.0.0.1:8099")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
