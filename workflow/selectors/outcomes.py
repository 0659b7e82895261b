"""Job outcomes per budget year and the cases in follow-up, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from programme.models import Programme
from workflow.models import Case, JobReport, Offer, State
from workflow.selectors import ZERO, Deadline, _with_page_data, case_next_deadline
from workflow.selectors.payments import conflicted_case_ids

# SPEC §9: the jobs of a granted case count unless the project never ran.
ENDED_WITHOUT_PROJECT = (State.LAPSED, State.CANCELLED, State.DECLINED)
FOLLOW_UP_STATES = (State.COMPLETED, State.CLOSED)


@dataclass(frozen=True)
class JobYear:
    """SPEC §9 for one budget year: the jobs expected by the projects granted from it (the
    "potential"), the latest reported of those projects, and the year's target."""

    budget_year_id: int
    year: int
    granted_cases: int
    expected: Decimal
    reported: Decimal
    target: int


def _latest_report(field: str) -> Subquery:
    latest = JobReport.objects.filter(case=OuterRef("case_id")).order_by("-reported_on", "-pk")
    return Subquery(latest.values(field)[:1])


def job_outcomes(*, programme: Programme) -> list[JobYear]:
    """Per budget year, in two queries (the years, then the sums per year), whatever the
    number of granted projects: the database adds them up."""
    budget_years = list(programme.budget_years.order_by("year"))
    sums = (
        Offer.objects.filter(budget_year__programme=programme)
        .exclude(case__state__in=ENDED_WITHOUT_PROJECT)
        .values("budget_year_id")
        .annotate(
            expected=Coalesce(Sum("case__application__new_jobs_expected"), ZERO),
            reported=Coalesce(Sum(_latest_report("new_jobs")), ZERO),
            granted_cases=Count("pk"),
        )
        .order_by()
    )
    by_year = {row["budget_year_id"]: row for row in sums}
    empty = {"expected": ZERO, "reported": ZERO, "granted_cases": 0}
    return [
        JobYear(
            budget_year_id=by.pk,
            year=by.year,
            granted_cases=by_year.get(by.pk, empty)["granted_cases"],
            expected=Decimal(by_year.get(by.pk, empty)["expected"]),
            reported=Decimal(by_year.get(by.pk, empty)["reported"]),
            target=by.target_jobs,
        )
        for by in budget_years
    ]


@dataclass(frozen=True)
class FollowUpRow:
    """A completed or closed case in the job follow-up."""

    case: Case
    reports: list[JobReport]
    next_due: Deadline | None
    periods_left: tuple[int, ...]
    conflict: bool

    @property
    def expected(self) -> Decimal:
        return self.case.application.new_jobs_expected

    @property
    def latest(self) -> JobReport | None:
        return max(self.reports, key=lambda r: (r.reported_on, r.pk), default=None)

    @property
    def may_report(self) -> bool:
        """Reports are filed while the case is completed (the service decides the rest)."""
        return self.case.state == State.COMPLETED and not self.conflict


def follow_up_cases(*, programme: Programme) -> QuerySet[Case]:
    """The programme's cases in follow-up, those still open first, with what each row shows
    (read them as rows with ``follow_up_rows``, a page at a time)."""
    return (
        _with_page_data(Case.objects.filter(programme=programme, state__in=FOLLOW_UP_STATES))
        .select_related("offer__budget_year")
        .order_by("-state", "reference", "pk")  # "completed" (still reporting) before "closed"
    )


def follow_up_rows(cases: Iterable[Case], *, programme: Programme, user: object) -> Iterator[FollowUpRow]:
    """The rows of ``cases`` (from ``follow_up_cases``: a page, or ``.iterator()`` for a file)."""
    conflicts = conflicted_case_ids(user, programme=programme)
    followup = sorted(programme.job_followup_months)
    for case in cases:
        reports = list(case.job_reports.all())
        reported = {report.period_months for report in reports}
        yield FollowUpRow(
            case=case,
            reports=reports,
            next_due=case_next_deadline(case),
            periods_left=tuple(m for m in followup if m not in reported),
            conflict=case.pk in conflicts,
        )


def programme_case(*, programme: Programme, pk: int) -> Case | None:
    """A case of the programme, whatever its state: the service refuses a wrong state in words."""
    return Case.objects.filter(pk=pk, programme=programme).first()
