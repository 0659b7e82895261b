"""Measurements that run in a process of their own, so that their peak memory is their own
and a heavy run leaves nothing behind in the process that times the pages.

    python -m bench.probes evaluation B001    # the evaluation PDF of one programme
    python -m bench.probes sweep              # the reminder sweep: a first and a second run

Each prints one line of JSON.  The sweep mails through Django's in-memory backend (no mail
leaves the machine) and runs for today's date; the first run sends what is due today and lets
overdue offers lapse, the second finds nothing new: that one is the sweep's steady cost.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from datetime import date
from typing import Any

from bench.environment import django_setup


def _peak_mb() -> float:
    """The peak resident memory of this process, Django and WeasyPrint included.

    From ``VmHWM`` (reset when the process execs), not ``ru_maxrss``: on Linux a child started
    by ``subprocess`` keeps its parent's ``ru_maxrss`` at the fork, so a probe run by
    ``bench.run`` after it timed every route showed that process's 613 MB as its own."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def evaluation(code: str) -> dict[str, Any]:
    from programme import clock
    from programme.models import Programme
    from workflow.models import Case
    from workflow.selectors.evaluation import evaluation_figures
    from workflow.services.evaluation import evaluation_render

    programme = Programme.objects.get(code=code)
    period_from, period_to = programme.start_date, clock.today()
    baseline = _peak_mb()
    started = time.perf_counter()
    figures = evaluation_figures(programme=programme, period_from=period_from, period_to=period_to)
    figured = time.perf_counter()
    pdf = evaluation_render(figures=figures)
    done = time.perf_counter()
    return {
        "programme": code,
        "cases": Case.objects.filter(programme=programme).count(),
        "period": f"{period_from.isoformat()}..{period_to.isoformat()}",
        "figures_s": round(figured - started, 2),
        "render_s": round(done - figured, 2),
        "seconds": round(done - started, 2),
        "pdf_kb": len(pdf) // 1024,
        "baseline_mb": round(baseline, 1),
        "peak_mb": round(_peak_mb(), 1),
    }


class QueryCounter:
    """Counts every statement (``CaptureQueriesContext`` keeps only the last 9 000)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def sweep(today: date | None = None) -> dict[str, Any]:
    from django.db import connection

    from programme import clock
    from workflow.models import Case
    from workflow.services import reminders

    today = today or clock.today()
    # Time each rule too (a wrapper in this process only; the rules themselves are untouched).
    per_rule: dict[str, list[float]] = {}

    def timed(name: str, rule: Any) -> Any:
        def run(**kwargs: Any) -> int:
            started, before = time.perf_counter(), counter.count
            try:
                return rule(**kwargs)
            finally:
                per_rule[name] = [round(time.perf_counter() - started, 3), counter.count - before]

        return run

    counter = QueryCounter()
    reminders.RULES.update({name: timed(name, rule) for name, rule in list(reminders.RULES.items())})
    runs = []
    for _ in range(2):
        counter.count = 0
        per_rule.clear()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            counts = reminders.reminders_run(today=today)
            seconds = time.perf_counter() - started
        runs.append({"seconds": round(seconds, 3), "queries": counter.count, "sent": counts, "rules": dict(per_rule)})
    return {"today": today.isoformat(), "cases": Case.objects.count(), "first": runs[0], "second": runs[1]}


def main(argv: list[str]) -> None:
    os.environ["EMAIL_URL"] = "memorymail://"
    django_setup()
    if argv[:1] == ["evaluation"]:
        result = evaluation(argv[1] if len(argv) > 1 else "B001")
    elif argv[:1] == ["sweep"]:
        result = sweep(date.fromisoformat(argv[1]) if len(argv) > 1 else None)
    else:
        raise SystemExit(__doc__)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
