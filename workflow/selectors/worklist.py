"""Reads for the staff worklist (saksliste): which cases a staff member sees, the row data of
each case in a fixed number of queries, the sort orders, the counts by state, and each case's
age against the screening service level.

Who sees what is the ``Scope`` (``workflow.selectors.scope``), shared with the API.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Case as Switch
from django.db.models import Count, F, OrderBy, Q, QuerySet, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programme import clock
from programme.models import Programme
from workflow.models import FINAL_STATES, PHASES, Case, State
from workflow.selectors import applied_amount
from workflow.selectors.scope import ScopeNames

# The states in which the screening service level runs (SPEC §2: submission → completed screening).
SCREENING_CLOCK_STATES = (State.SUBMITTED, State.SCREENING)

PHASE_CHOICES = [
    ("screening", _("Screening phase")),
    ("decision", _("Decision phase")),
    ("disbursement", _("Disbursement phase")),
    ("evaluation", _("Evaluation phase")),
    ("final", _("Finished cases")),
]
PHASE_STATES: dict[str, set[str]] = {**PHASES, "final": set(FINAL_STATES)}

# The worklist's sort keys (``?sort=key`` or ``?sort=-key``) and the ordering each stands for.
# Age is the time since submission, so the youngest case (latest submission) comes first.
_STATE_ORDER = Switch(
    *(When(state=state, then=Value(position)) for position, state in enumerate(State.values)),
    default=Value(len(State.values)),
)
SORTS: dict[str, tuple[str, bool]] = {
    # key: (expression name, descending when ascending is asked for)
    "reference": ("reference", False),
    "submitted": ("submitted_at", False),
    "age": ("submitted_at", True),
    "company": ("application__company__name", False),
    "state": ("state_order", False),
    "amount": ("applied_amount", False),
}
DEFAULT_SORT = "-submitted"


def with_row_data(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with everything a worklist row shows, as model instances (the API's reading)."""
    return cases.select_related(
        "programme",
        "municipality",
        "application__company",
        "application__focus_area",
        "screening__adviser",
    ).annotate(applied_amount=applied_amount())


# What a worklist row and its export show, read as plain values: model instances for the case
# and its related rows cost more than the query itself.  The programme, municipality and focus
# area are read by id and named from the scope (``ScopeNames``): three joins fewer to plan
# (bench/RESULTS.md).
ROW_VALUES = {
    "company_name": F("application__company__name"),
    "application_title": F("application__title"),
    "focus_area_id": F("application__focus_area_id"),
    "adviser_first_name": F("screening__adviser__first_name"),
    "adviser_last_name": F("screening__adviser__last_name"),
    "adviser_email": F("screening__adviser__email"),
}


def worklist_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The worklist's rows as dictionaries (for ``worklist_rows``), in one query."""
    return cases.values(
        "pk",
        "reference",
        "state",
        "submitted_at",
        "programme_id",
        "municipality_id",
        applied_amount=applied_amount(),
        **ROW_VALUES,
    )


def parse_sort(value: object) -> str:
    """The requested sort if it is one of the whitelisted keys, else the default."""
    if isinstance(value, str) and value.removeprefix("-") in SORTS:
        return value
    return DEFAULT_SORT


def sort_cases(cases: QuerySet[Case], sort: str) -> QuerySet[Case]:
    """Order by a whitelisted key; the primary key breaks ties so pages never overlap."""
    sort = parse_sort(sort)
    key = sort.removeprefix("-")
    name, inverted = SORTS[key]
    descending = sort.startswith("-") != inverted
    if name == "state_order":
        # Only when asked for: building the seventeen-way CASE costs more than the sort itself.
        cases = cases.annotate(state_order=_STATE_ORDER)
    primary = OrderBy(F(name), descending=descending)
    return cases.order_by(primary, OrderBy(F("pk"), descending=descending))


def overdue_for_screening(cases: QuerySet[Case], *, programmes: Iterable[Programme], today: date) -> QuerySet[Case]:
    """Cases still in screening whose age is past their programme's service level.

    Day ``screening_days`` is the last day within the level: overdue is submitted on or before
    ``today - screening_days - 1``, compared as Oslo dates (``__date`` uses the current zone).
    """
    overdue = Q(pk__in=[])
    for programme in programmes:
        deadline = today - timedelta(days=programme.screening_days)
        overdue |= Q(programme_id=programme.pk, submitted_at__date__lt=deadline)
    return cases.filter(overdue, state__in=SCREENING_CLOCK_STATES)


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


def counts_by_state(cases: QuerySet[Case]) -> list[StateCount]:
    """How many of ``cases`` are in each state, in the order of the case's life; one query."""
    counts = dict(cases.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return [StateCount(state, str(label), counts[state]) for state, label in State.choices if counts.get(state)]


def submitted_years(cases: QuerySet[Case]) -> list[int]:
    """The years (in Oslo time) in which any of ``cases`` was submitted, newest first."""
    years = cases.filter(submitted_at__isnull=False).annotate(year=ExtractYear("submitted_at"))
    return list(years.order_by("-year").values_list("year", flat=True).distinct())


class ServiceLevel(NamedTuple):
    """A case's age against the screening service level (saksbehandlingsfrist)."""

    age_days: int
    limit_days: int

    @property
    def overdue(self) -> bool:
        return self.age_days > self.limit_days

    @property
    def overdue_by(self) -> int:
        return max(0, self.age_days - self.limit_days)

    @property
    def label(self) -> str:
        if self.overdue:
            return ngettext(
                "Over the deadline by %(days)s day", "Over the deadline by %(days)s days", self.overdue_by
            ) % {"days": self.overdue_by}
        return ngettext("%(age)s of %(limit)s day", "%(age)s of %(limit)s days", self.limit_days) % {
            "age": self.age_days,
            "limit": self.limit_days,
        }


class WorklistRow(NamedTuple):
    """One case on the worklist, with what is computed from today's date.  (Named tuples, as
    ``ServiceLevel``: made fifty times per page, a frozen dataclass costs three times as much.)"""

    reference: str
    state: str
    company_name: str
    application_title: str
    municipality_name: str
    focus_area_name: str
    applied_amount: Decimal
    adviser_name: str
    submitted_on: date
    age_days: int
    service_level: ServiceLevel | None


def worklist_rows(
    cases: Iterable[dict[str, Any]], *, names: ScopeNames, today: date | None = None
) -> list[WorklistRow]:
    """Rows for the values read by ``worklist_cases``; ``today`` from the system clock."""
    return list(_rows(cases, names, today or clock.today()))


def iter_worklist_rows(cases: QuerySet[Case], *, names: ScopeNames, today: date | None = None) -> Iterator[WorklistRow]:
    """Rows one by one, for exports of any length: one query, read in chunks.  Today's date is
    taken now, not when a streamed file reaches its first row."""
    return _rows(cases.iterator(chunk_size=1000), names, today or clock.today())


def _rows(cases: Iterable[dict[str, Any]], names: ScopeNames, today: date) -> Iterator[WorklistRow]:
    zone = timezone.get_current_timezone()  # once, not for every row: dates as in Oslo
    municipality_names, focus_area_names = names.municipality_names, names.focus_area_names
    for case in cases:
        submitted_on = case["submitted_at"].astimezone(zone).date()
        age = (today - submitted_on).days
        level = None
        if case["state"] in SCREENING_CLOCK_STATES:
            level = ServiceLevel(age, names.screening_days[case["programme_id"]])
        adviser = " ".join(filter(None, (case["adviser_first_name"], case["adviser_last_name"])))
        yield WorklistRow(
            reference=case["reference"],
            state=case["state"],
            company_name=case["company_name"],
            application_title=case["application_title"],
            municipality_name=municipality_names.get(case["municipality_id"], ""),
            focus_area_name=focus_area_names.get(case["focus_area_id"], ""),
            applied_amount=case["applied_amount"],
            adviser_name=adviser or case["adviser_email"] or "",
            submitted_on=submitted_on,
            age_days=age,
            service_level=level,
        )
