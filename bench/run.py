"""Run the benchmark on the bench database and print the table (Markdown).

    python -m bench.run                       # everything, about ten minutes on 50 000 cases
    python -m bench.run --out bench/last.md   # the same, also written to a file

Generate the data first (``python -m bench.generate``).  See bench/README.md for what each
figure means and bench/RESULTS.md for recorded runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

from bench.environment import ROOT, bench_url, django_setup

OK, NO = "✓", "✗"

# The targets of issue 16.
CHANGELIST = "/admin/workflow/case/"
ROUTE_VS_ADMIN = 1.0
ROUTE_MS = 150
EVALUATION_SECONDS = 10
EVALUATION_MB = 500
SWEEP_FIRST_SECONDS = 30
SWEEP_FIRST_QUERIES = 200
SWEEP_SECONDS = 2.0


def mark(good: bool) -> str:
    return OK if good else NO


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20, help="timed requests per route (after 2 of warm-up)")
    parser.add_argument("--budget", type=float, default=8, help="seconds per route: a slow one gets fewer (≥ 3)")
    parser.add_argument("--programme", default="B001", help="the programme whose pages are timed")
    parser.add_argument("--load-seconds", type=float, default=30)
    parser.add_argument("--threads", type=int, default=4, help="load tool threads (connections)")
    parser.add_argument("--compare-db", help="a smaller bench database: the sweep's queries are counted there too")
    parser.add_argument("--skip", action="append", default=[], choices=["routes", "evaluation", "sweep", "load"])
    parser.add_argument("--out", help="also write the table to this file")
    return parser.parse_args(argv)


def _run(command: list[str], **kwargs: Any) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs).stdout.strip()  # noqa: S603


def machine() -> list[str]:
    from django.db import connection

    cpu = next(
        (line.split(":", 1)[1].strip() for line in _run(["lscpu"]).splitlines() if line.startswith("Model name")), "?"
    )
    with open("/proc/meminfo") as meminfo:
        ram_kb = int(meminfo.readline().split()[1])
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    commit = _run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT)
    dirty = " (with uncommitted changes)" if _run(["git", "status", "--porcelain"], cwd=ROOT) else ""
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; git commit {commit}{dirty}",
        f"- CPU: {cpu}, {os.cpu_count()} cores; RAM {ram_kb / 1024 / 1024:.0f} GiB",
        f"- PostgreSQL {postgres} (local, default configuration); Python {platform.python_version()}",
        f"- Database: {bench_url()}",
        "- Load average at the start (1/5/15 min): " + " / ".join(f"{x:.1f}" for x in os.getloadavg()),
    ]


def data_size() -> str:
    from programme.models import Programme, StaffRole
    from workflow.models import Case, LedgerEntry, TimelineEvent

    return (
        f"{Programme.objects.count()} programmes, {Case.objects.count()} cases, "
        f"{StaffRole.objects.count()} staff roles, {TimelineEvent.objects.count()} timeline events, "
        f"{LedgerEntry.objects.count()} ledger rows"
    )


# --- every GET route ---------------------------------------------------------------------------


def kind_of(name: str, content_type: str) -> str:
    """What the targets hold a route to: an HTML page, an API list, or neither (exports, PDFs,
    API details and schemas are timed and listed, not held to the page targets)."""
    if content_type.startswith("text/html"):
        return "page"
    if name.startswith("api:") and name.endswith("-list"):
        return "API list"
    return "other"


def routes_table(args: argparse.Namespace) -> list[str]:
    from bench.pages import get, time_together
    from bench.routes import BenchData, targets

    # A failing page is listed with its status 500; its traceback would drown the progress.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    data = BenchData(args.programme)
    changelist = (data.client("superuser"), CHANGELIST)
    found, skipped = targets(data, get)
    print(f"{len(found)} URLs to time, {len(skipped)} routes skipped", file=sys.stderr, flush=True)
    rows = []
    for index, (target, client) in enumerate(found, 1):
        response = client.get(target.url)
        content_type = response.get("Content-Type", "")
        response.close()
        timing, admin = time_together([(client, target.url), changelist], n=args.n, budget_s=args.budget)
        rows.append((target, kind_of(target.name, content_type), timing, admin))
        print(
            f"[{index}/{len(found)}] {target.name} {timing.median_ms:.1f} ms ({admin.median_ms:.1f} ms changelist)",
            file=sys.stderr,
            flush=True,
        )
    rows.sort(key=lambda row: -row[2].median_ms)
    admin_median = statistics.median(admin.median_ms for *_rest, admin in rows)
    lines = [
        f"Admin changelist of cases (`{CHANGELIST}`, as the superuser), timed beside each route: "
        f"median of its medians {admin_median:.1f} ms.  **÷ admin** = the route's median / the "
        "changelist's median in the same rounds.  Target for HTML pages and API lists: "
        f"≤ {ROUTE_VS_ADMIN:g}× admin and ≤ {ROUTE_MS:g} ms median.  Sorted slowest first.",
        "",
        "| # | Route | URL | As | Kind | Median | p95 | n | Queries | ÷ admin | Target |",
        "|---:|---|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for rank, (target, kind, timing, admin) in enumerate(rows, 1):
        ratio = timing.median_ms / admin.median_ms
        held = kind in ("page", "API list")
        good = ratio <= ROUTE_VS_ADMIN and timing.median_ms <= ROUTE_MS
        lines.append(
            f"| {rank} | {target.name} | `{target.url}` | {target.role} | {kind} | {timing.median_ms:.1f} ms "
            f"| {timing.p95_ms:.1f} ms | {timing.samples} | {timing.queries} | {ratio:.2f}× "
            f"| {mark(good) if held else ''} |"
        )
        if rank == 10:
            lines.append("| | *the ten slowest above* | | | | | | | | | |")
    held_rows = [row for row in rows if row[1] in ("page", "API list")]
    missing = [
        row[0].name
        for row in held_rows
        if not (row[2].median_ms / row[3].median_ms <= ROUTE_VS_ADMIN and row[2].median_ms <= ROUTE_MS)
    ]
    lines += [
        "",
        f"{len(held_rows) - len(missing)} of {len(held_rows)} HTML pages and API lists meet the target"
        + (f"; not: {', '.join(sorted(set(missing)))}." if missing else "."),
        "",
        f"Skipped ({len(skipped)}): no URL could be built from the bench data, or no user got a 200.",
        "",
        "| Route | Pattern or URL | Why |",
        "|---|---|---|",
        *(f"| {s.name} | `{s.pattern}` | {s.reason} |" for s in skipped),
    ]
    return lines


# --- the probes in their own processes -----------------------------------------------------------


def probe(*args: str, database: str | None = None) -> dict[str, Any]:
    env = {**os.environ, "BENCH_DATABASE_URL": database or bench_url()}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.probes", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.probes {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def evaluation_lines(args: argparse.Namespace) -> list[str]:
    result = probe("evaluation", args.programme)
    good_time = result["seconds"] < EVALUATION_SECONDS
    good_memory = result["peak_mb"] < EVALUATION_MB
    return [
        "| Evaluation PDF | Cases | Seconds (figures + PDF) | Peak memory (process) | PDF | Targets |",
        "|---|---:|---:|---:|---:|---|",
        f"| {result['programme']}, {result['period']} | {result['cases']} | {result['seconds']} s "
        f"({result['figures_s']} + {result['render_s']}) | {result['peak_mb']} MB "
        f"(Django loaded: {result['baseline_mb']} MB) | {result['pdf_kb']} kB "
        f"| < {EVALUATION_SECONDS} s {mark(good_time)}; < {EVALUATION_MB} MB {mark(good_memory)} |",
    ]


def sweep_lines(args: argparse.Namespace) -> list[str]:
    result = probe("sweep")
    first, second = result["first"], result["second"]
    constant = ""
    first_good = first["seconds"] < SWEEP_FIRST_SECONDS and first["queries"] < SWEEP_FIRST_QUERIES
    lines = [
        "| Reminder sweep | Cases | Seconds | Queries | Sent / lapsed | Targets |",
        "|---|---:|---:|---:|---|---|",
        f"| first run today | {result['cases']} | {first['seconds']} s | {first['queries']} "
        f"| {_sent(first['sent'])} | < {SWEEP_FIRST_SECONDS} s and < {SWEEP_FIRST_QUERIES} queries "
        f"{mark(first_good)} (on a database not swept today) |",
    ]
    if args.compare_db:
        small = probe("sweep", database=args.compare_db)
        same = small["second"]["queries"] == second["queries"]
        constant = (
            f"; queries {second['queries']} vs {small['second']['queries']} on {small['cases']} cases {mark(same)}"
        )
        lines.append(
            f"| second run, {small['cases']} cases (compare) | {small['cases']} | {small['second']['seconds']} s "
            f"| {small['second']['queries']} | {_sent(small['second']['sent'])} | |"
        )
    good = second["seconds"] < SWEEP_SECONDS
    lines.append(
        f"| second run today (nothing new) | {result['cases']} | {second['seconds']} s | {second['queries']} "
        f"| {_sent(second['sent'])} | < {SWEEP_SECONDS:g} s {mark(good)}{constant} |"
    )
    for label, run in (("first", first), ("second", second)):
        slowest = sorted(run["rules"].items(), key=lambda item: -item[1][0])[:4]
        lines += ["", f"Slowest rules in the {label} run: " + ", ".join(f"{n} {s} s ({q} q)" for n, (s, q) in slowest)]
    return lines


def _sent(counts: dict[str, int]) -> str:
    done = {name: n for name, n in counts.items() if n}
    return ", ".join(f"{name} {n}" for name, n in done.items()) or "nothing"


# --- gunicorn under load -----------------------------------------------------------------------


def load_lines(args: argparse.Namespace) -> list[str]:
    from django.conf import settings

    from bench.load import Gunicorn, load
    from bench.pages import client_for, find_pages

    pages, _superuser = find_pages(args.programme)
    mix = []
    for page in pages:
        cookie = client_for(page.user).cookies[settings.SESSION_COOKIE_NAME].value
        mix.append((page.url, f"{settings.SESSION_COOKIE_NAME}={cookie}"))
    with Gunicorn() as server:
        load("127.0.0.1", server.port, mix, seconds=3, threads=args.threads)  # warm-up
        result = load("127.0.0.1", server.port, mix, seconds=args.load_seconds, threads=args.threads)
    errors = sum(result.errors.values())
    detail = f" ({', '.join(f'{k}: {v}' for k, v in result.errors.most_common(3))})" if errors else ""
    return [
        "| Load (gunicorn -w 2, the four pages in turn) | Seconds | Threads | Requests | Requests/s | Median "
        "| p95 | Errors | Targets |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        f"| 127.0.0.1:{Gunicorn().port}, logged-in sessions | {args.load_seconds:g} | {args.threads} "
        f"| {result.requests} | {result.rps:.1f} | {result.median_ms:.0f} ms | {result.percentile(0.95):.0f} ms "
        f"| {errors}{detail} | no errors {mark(errors == 0)} |",
    ]


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    django_setup()
    # Data made by an older checkout: bring its schema up to this one (nothing when current).
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    out = ["## Machine", "", *machine(), f"- Data: {data_size()}", ""]
    print("\n".join(out), flush=True)
    sections = [
        ("routes", "Every GET route (test client in-process, DEBUG off)", routes_table),
        ("evaluation", "Evaluation PDF (own process)", evaluation_lines),
        ("sweep", "Reminder sweep (own process)", sweep_lines),
        ("load", "Throughput under load", load_lines),
    ]
    for key, title, function in sections:
        if key in args.skip:
            continue
        lines = [f"## {title}", "", *function(args), ""]
        print("\n".join(lines), flush=True)
        out += lines
    out.append("Load average at the end (1/5/15 min): " + " / ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(out[-1])
    if args.out:
        with open(args.out, "w") as handle:
            handle.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
