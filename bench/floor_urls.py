"""The floor: a minimal Django view that runs a page's own SQL raw and answers a few bytes.

``bench/run.py`` captures every SQL statement a real page issues (already bound, as
PostgreSQL received it), registers them here under the page's name, and times
``/floor/<name>/`` through the same test client and middleware with
``override_settings(ROOT_URLCONF="bench.floor_urls")``.  This urlconf holds the project's
own routes too, so that the page, its floor and the admin changelist are timed side by side
in one loop.  What the page costs above this floor is the ORM, the Python around it and the
template.
"""

from __future__ import annotations

import re

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

STATEMENTS: dict[str, list[str]] = {}
# ``.iterator()`` reads through a named server-side cursor; the floor runs the query inside.
_DECLARE = re.compile(r'^DECLARE\s+"[^"]+"\s+.*?CURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+', re.DOTALL)


def register(name: str, statements: list[str]) -> None:
    STATEMENTS[name] = [_DECLARE.sub("", sql) for sql in statements]


def floor(request: HttpRequest, name: str) -> HttpResponse:
    rows = 0
    with connection.cursor() as cursor:
        for sql in STATEMENTS[name]:
            cursor.execute(sql)
            if cursor.description is not None:
                rows += len(cursor.fetchall())
    return HttpResponse(f"{rows} rows", content_type="text/plain")


urlpatterns = [path("floor/<str:name>/", floor), path("", include("programme.urls"))]
