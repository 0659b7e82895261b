"""The two-year evaluation (SPEC §9): asked for, made in the background, stored.

The PDF is rendered from the same dict that becomes the JSON, so the two always show the same
figures.  It is always in Norwegian bokmål (SPEC §7), whatever language the person or worker
that asks for it uses; the texts are English msgids translated under ``translation.override``.

- ``evaluation_request``: an administrator asks for a period; a pending row, made on commit by
  the task ``make_evaluation``.
- ``evaluation_automatic``: the periodic task's part: once per programme, when it turns two.
- ``evaluation_make``: the task's work, safe to run twice and after a killed worker (see there).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from programme import clock
from programme.dates import implausible
from programme.errors import RuleViolation
from programme.locking import lock_objects
from programme.models import Programme
from programme.money import format_nok
from programme.permissions import is_admin_of
from workflow import tasks
from workflow.charts import BarGroup, RangeBar, grouped_bar_chart, target_range_chart
from workflow.models import Evaluation, State
from workflow.selectors.evaluation import evaluation_figures, evaluation_jsonable
from workflow.services.evaluation_lock import making_lock

logger = logging.getLogger(__name__)


def _count(value: Decimal) -> str:
    """Jobs and days: ``42`` or ``2,5`` (one decimal only when there is one)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(value, 0, force_grouping=True)
    return number_format(value, 1, force_grouping=True)


def _percent(rate: Decimal | None) -> str:
    if rate is None:
        return "–"
    # number_format cuts rather than rounds: round half up first (11 of 12 is 91,7 %).
    percent = (Decimal(rate) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{number_format(percent, 1)} %"


# The page shows the stored figures as the PDF does (workflow/views/evaluation.py).
count_text = _count
percent_text = _percent


def _charts(figures: dict[str, Any]) -> dict[str, str]:
    years = figures["years"]
    projects = target_range_chart(
        chart_id="evaluation-projects",
        title=_("Projects supported per year against the target"),
        description="; ".join(
            _("%(year)s: %(approved)s projects, target %(low)s–%(high)s")
            % {
                "year": y["year"],
                "approved": y["approved"],
                "low": y["target_projects_min"],
                "high": y["target_projects_max"],
            }
            for y in years
        ),
        bars=[
            RangeBar(
                str(y["year"]),
                Decimal(y["approved"]),
                Decimal(y["target_projects_min"]),
                Decimal(y["target_projects_max"]),
            )
            for y in years
        ],
        value_label=_("Projects supported"),
        range_label=_("Target range"),
        format_value=_count,
    )
    jobs = grouped_bar_chart(
        chart_id="evaluation-jobs",
        title=_("New jobs per year: expected, reported and the target"),
        description="; ".join(
            _("%(year)s: %(expected)s expected, %(reported)s reported, target %(target)s")
            % {
                "year": y["year"],
                "expected": _count(y["jobs_expected"]),
                "reported": _count(y["jobs_reported"]),
                "target": y["target_jobs"],
            }
            for y in years
        ),
        series=[_("Expected"), _("Reported")],
        groups=[
            BarGroup(str(y["year"]), [y["jobs_expected"], y["jobs_reported"]], Decimal(y["target_jobs"])) for y in years
        ],
        format_value=_count,
        target_label=_("Target"),
    )
    money = grouped_bar_chart(
        chart_id="evaluation-money",
        title=_("Committed and disbursed per year against the frame"),
        description="; ".join(
            _("%(year)s: committed %(committed)s, disbursed %(disbursed)s, frame %(frame)s")
            % {
                "year": y["year"],
                "committed": format_nok(y["committed"]),
                "disbursed": format_nok(y["disbursed"]),
                "frame": format_nok(y["budget_frame"]),
            }
            for y in years
        ),
        series=[_("Committed"), _("Disbursed")],
        groups=[BarGroup(str(y["year"]), [y["committed"], y["disbursed"]], y["budget_frame"]) for y in years],
        format_value=format_nok,
        target_label=_("Frame"),
    )
    return {"projects": projects, "jobs": jobs, "money": money}


def _with_display(row: dict[str, Any]) -> dict[str, Any]:
    """A year's or the totals' figures with the texts the tables show."""
    median = row["median_days_to_decision"]
    return {
        **row,
        "approval_percent": _percent(row["approval_rate"]),
        "median_days": "–" if median is None else _count(median),
        "jobs_expected_text": _count(row["jobs_expected"]),
        "jobs_reported_text": _count(row["jobs_reported"]),
    }


def _context(figures: dict[str, Any]) -> dict[str, Any]:
    years = [_with_display(year) for year in figures["years"]]
    totals = _with_display(figures["totals"])
    states = dict(State.choices)
    projects = [
        {
            **project,
            "state_label": str(states.get(project["state"], project["state"])),
            "jobs_expected_text": _count(project["jobs_expected"]),
            "jobs_reported_text": _count(project["jobs_reported"]),
        }
        for project in figures["projects"]
    ]

    def distribution(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                **row,
                "jobs_expected_text": _count(row["jobs_expected"]),
                "jobs_reported_text": _count(row["jobs_reported"]),
            }
            for row in rows
        ]

    return {
        "programme": figures["programme"],
        "period": figures["period"],
        "generated_at": figures["generated_at"],
        "years": years,
        "totals": totals,
        "by_focus_area": distribution(figures["totals"]["by_focus_area"]),
        "by_municipality": distribution(figures["totals"]["by_municipality"]),
        "projects": projects,
        "any_not_counted": any(not p["jobs_count"] for p in projects),
        "charts": _charts(figures),
    }


def evaluation_render(*, figures: dict[str, Any]) -> bytes:
    """The evaluation as PDF bytes: Norwegian bokmål, A4, page numbers, the programme's name."""
    from weasyprint import HTML  # heavy; only the worker, the command and the tests need it

    with translation.override("nb"):
        html = render_to_string("pdf/evaluation.html", _context(figures))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


# --- asking for it, making it, storing it ------------------------------------------------------

# A period longer than this is a typing mistake, not an evaluation (and keeps dates in range).
MAX_PERIOD_YEARS = 20
STATUS_BUSY = (Evaluation.Status.PENDING, Evaluation.Status.RUNNING)
# A row asked for this long ago and still not made, with nobody making it, is asked for again
# by the periodic task (its message was lost, e.g. the broker was down when it was sent).
RESUME_AFTER = timedelta(minutes=15)
# ... but not for ever: after a day it is marked failed, and an administrator asks again.
GIVE_UP_AFTER = timedelta(days=1)


def two_year_period(programme: Programme) -> tuple[date, date] | None:
    """The period of the programme's own evaluation: from its start date to the day before it
    has run ``evaluation_after_months`` months (``None`` when that is 0: no evaluation)."""
    months = programme.evaluation_after_months
    if not months:
        return None
    end = programme.start_date + relativedelta(months=months)
    return programme.start_date, end - timedelta(days=1)


def evaluation_period_check(*, programme: Programme, period_from: date, period_to: date) -> None:
    """Refuse a period the evaluation cannot mean: reversed, before the programme's first
    budget year, or longer than ``MAX_PERIOD_YEARS`` calendar years."""
    if period_from > period_to:
        raise RuleViolation(_("The period must end on or after the day it starts."), code="period")
    first = date(programme.start_date.year, 1, 1)
    if period_from < first:
        raise RuleViolation(
            _("The period cannot start before %(date)s: the programme started in %(year)s.")
            % {"date": date_format(first, "j. F Y"), "year": first.year},
            code="period_from",
        )
    if period_to.year - period_from.year + 1 > MAX_PERIOD_YEARS:
        raise RuleViolation(
            _("The period can cover at most %(years)s calendar years.") % {"years": MAX_PERIOD_YEARS},
            code="period",
        )
    # A period starting far ahead is a typing mistake (3026); its end is bounded by the rule above.
    if implausible(period_from):
        raise RuleViolation(implausible(period_from), code="period_from")


def _enqueue(evaluation: Evaluation) -> None:
    transaction.on_commit(lambda: tasks.make_evaluation.delay(evaluation.pk))


def evaluation_request(*, programme: Programme, period_from: date, period_to: date, actor: Any) -> Evaluation:
    """An administrator asks for the evaluation of a period; it is made in the background
    (``make_evaluation``, sent when this transaction commits) and listed at once as waiting.
    Asking again for a period still being made (a second click) gives the one being made."""
    if not is_admin_of(actor, programme.pk):
        raise RuleViolation(_("Only the programme's administrators make its evaluation."), code="not_allowed")
    evaluation_period_check(programme=programme, period_from=period_from, period_to=period_to)
    with transaction.atomic():
        # The programme's row lock puts two clicks one after the other.
        lock_objects(programme)
        waiting = Evaluation.objects.filter(
            programme=programme, period_from=period_from, period_to=period_to, status__in=STATUS_BUSY
        ).first()
        if waiting is not None:
            return waiting
        evaluation = Evaluation.objects.create(
            programme=programme, period_from=period_from, period_to=period_to, requested_by=actor
        )
        _enqueue(evaluation)
    return evaluation


def evaluation_record(*, programme: Programme, period_from: date, period_to: date) -> Evaluation:
    """The system asks for an evaluation that its caller makes at once with ``evaluation_make``
    (the ``evaluation`` command, which writes the file it stored): nothing is enqueued."""
    evaluation_period_check(programme=programme, period_from=period_from, period_to=period_to)
    return Evaluation.objects.create(programme=programme, period_from=period_from, period_to=period_to)


def evaluation_automatic(*, today: date | None = None) -> list[Evaluation]:
    """The periodic task's part of SPEC §9: each programme that has run its
    ``evaluation_after_months`` (24) months gets its evaluation of those months, once, made by
    the system (``requested_by`` empty).  A programme whose day came while no task ran gets it
    at the next run.  "Once" is the database's: a unique constraint on the programme's
    automatic evaluation, so two runs at the same moment make one row (the loser's insert fails
    and is skipped)."""
    today = today or clock.today()
    made = []
    for programme in Programme.objects.exclude(evaluations__automatic=True).order_by("pk"):
        period = two_year_period(programme)
        if period is None or period[1] >= today:
            continue
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(
                    programme=programme, period_from=period[0], period_to=period[1], automatic=True
                )
                _enqueue(evaluation)
        except IntegrityError:
            continue  # another run made it a moment ago
        logger.info("The two-year evaluation of %s is asked for", programme.code)
        made.append(evaluation)
    return made


def _progress(evaluation_id: int, percent: int) -> None:
    # Its own short write, so that the page polling the row sees it while the work goes on.
    Evaluation.objects.filter(pk=evaluation_id, status=Evaluation.Status.RUNNING).update(progress=percent)


def _error_text(error: Exception) -> str:
    if isinstance(error, RuleViolation):
        return str(error.message)
    return f"{type(error).__name__}: {error}"[:2000]


def evaluation_make(*, evaluation_id: int) -> Evaluation:
    """Make the evaluation: figures (progress 10 → 60), PDF (→ 90), both stored (→ 100, ready).

    Exactly once, with several workers, retries and killed workers:

    - Only the holder of the evaluation's *making lock* works on it (``evaluation_lock``).  The
      lock belongs to the worker process and its database connection, so it is never left
      behind: when a worker is killed in the middle, the lock goes with it.
    - Under the lock, the claim is a conditional update: a ``pending`` row, or a ``running``
      row — which, since nobody holds its lock, was left by a worker that died — becomes
      ``running``.  A ``ready`` or ``failed`` row is not touched, so a rerun, a duplicate message
      or a retry after the work was done returns the row as it is and stores no second PDF.
    - A killed worker's message comes back (``acks_late`` + ``reject_on_worker_lost`` at once;
      on Redis at the latest after the visibility timeout), and the periodic task asks again for
      a row left waiting with nobody at it; whichever comes first makes it, the others find it
      ready.  A worker killed after storing the file but before marking the row leaves only an
      unreferenced file; the row points to the one PDF made by the run that marked it ready.
    - If another process holds the lock, this returns the row still ``pending``/``running``:
      the task looks again a little later (``make_evaluation`` retries), in case that process
      dies before it is done.
    - Any error while making marks the row ``failed`` with the error and returns it: making the
      same figures again would fail the same way, so no retry loop; an administrator asks anew.
    """
    with making_lock(evaluation_id) as mine:
        if not mine:
            return Evaluation.objects.get(pk=evaluation_id)
        claimed = Evaluation.objects.filter(pk=evaluation_id, status__in=STATUS_BUSY).update(
            status=Evaluation.Status.RUNNING, progress=10, error=""
        )
        evaluation = Evaluation.objects.select_related("programme").get(pk=evaluation_id)
        if not claimed:
            return evaluation
        try:
            figures = evaluation_figures(
                programme=evaluation.programme, period_from=evaluation.period_from, period_to=evaluation.period_to
            )
            _progress(evaluation_id, 60)
            pdf = evaluation_render(figures=figures)
            _progress(evaluation_id, 90)
            evaluation.pdf.save(_file_name(evaluation), ContentFile(pdf), save=False)
            evaluation.figures = evaluation_jsonable(figures)
            evaluation.status = Evaluation.Status.READY
            evaluation.progress = 100
            evaluation.finished_at = clock.now()
            evaluation.save(update_fields=["pdf", "figures", "status", "progress", "finished_at", "error"])
        except Exception as error:
            logger.exception("Evaluation %s could not be made", evaluation_id)
            Evaluation.objects.filter(pk=evaluation_id, status=Evaluation.Status.RUNNING).update(
                status=Evaluation.Status.FAILED, error=_error_text(error), finished_at=clock.now()
            )
            evaluation.refresh_from_db()
        return evaluation


def _file_name(evaluation: Evaluation) -> str:
    return f"evaluering-{evaluation.programme.code}-{evaluation.period_from:%Y%m%d}-{evaluation.period_to:%Y%m%d}.pdf"


def evaluation_download_name(evaluation: Evaluation, extension: str) -> str:
    """The name a downloaded file gets (the stored one is random)."""
    return (
        f"evaluering-{evaluation.programme.code}-{evaluation.period_from:%Y-%m-%d}-{evaluation.period_to:%Y-%m-%d}"
        f".{extension}"
    )


def evaluations_resume(*, now: Any = None) -> list[int]:
    """Ask again for each evaluation left waiting with nobody making it (its message lost, or
    its worker killed before the message came back), and mark failed those waiting longer than
    a day.  A row a live worker is making is left alone.  Returns the ids asked for again."""
    now = now or clock.now()
    waiting = Evaluation.objects.filter(status__in=STATUS_BUSY, created_at__lte=now - RESUME_AFTER)
    stale = list(waiting.filter(created_at__lte=now - GIVE_UP_AFTER).values_list("pk", flat=True))
    with translation.override(settings.LANGUAGE_CODE):  # stored: in the system's language
        given_up = _("It was not made within a day. Ask for it again.")
    for pk in stale:
        with making_lock(pk) as mine:
            if mine:
                Evaluation.objects.filter(pk=pk, status__in=STATUS_BUSY).update(
                    status=Evaluation.Status.FAILED, error=given_up, finished_at=now
                )
    resumed = []
    for pk in waiting.exclude(pk__in=stale).values_list("pk", flat=True):
        with making_lock(pk) as mine:
            free = mine
        if free:
            transaction.on_commit(lambda pk=pk: tasks.make_evaluation.delay(pk))
            resumed.append(pk)
    return resumed
