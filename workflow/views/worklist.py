"""The staff worklist (saksliste): the cases a staff member may see, filtered, searched,
sorted and paginated, with counts by state and each case's age against the screening service
level; and the same list, all pages, as CSV or XLSX.

Only staff get the page: an applicant without a staff role gets a 404 (his or her cases are
on /saker/), and what each staff member sees is decided by ``workflow.selectors.worklist``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from programme import clock
from programme.held_roles import held_roles
from programme.money import nok
from workflow.exports import FORMATS, Value, export_response
from workflow.filters import STATE_FILTERS, WorklistFilter
from workflow.models import State
from workflow.selectors.scope import Scope, scope_of
from workflow.selectors.worklist import (
    DEFAULT_SORT,
    WorklistRow,
    counts_by_state,
    iter_worklist_rows,
    parse_sort,
    sort_cases,
    worklist_cases,
    worklist_rows,
)

PAGE_SIZE = 50


@dataclass(frozen=True)
class Column:
    """A column of the page and of the export: one list keeps the two alike.  The page takes
    the labels and sort keys from here and draws the cells itself (links, the overdue badge,
    Norwegian number format); the export takes the raw ``value`` of each cell."""

    label: Promise
    value: Callable[[WorklistRow], Value]
    sort: str | None = None
    numeric: bool = False


COLUMNS = [
    Column(gettext_lazy("Reference"), lambda row: row.reference, sort="reference"),
    Column(gettext_lazy("Company"), lambda row: row.company_name, sort="company"),
    Column(gettext_lazy("Project"), lambda row: row.application_title),
    Column(gettext_lazy("Municipality"), lambda row: row.municipality_name),
    Column(gettext_lazy("Focus area"), lambda row: row.focus_area_name),
    Column(gettext_lazy("State"), lambda row: State(row.state).label, sort="state"),
    Column(gettext_lazy("Submitted"), lambda row: row.submitted_on, sort="submitted"),
    Column(gettext_lazy("Age (days)"), lambda row: row.age_days, sort="age", numeric=True),
    Column(gettext_lazy("Amount applied for"), lambda row: nok(row.applied_amount), sort="amount", numeric=True),
    Column(gettext_lazy("Adviser"), lambda row: row.adviser_name),
    Column(
        gettext_lazy("Screening deadline"),
        lambda row: row.service_level.label if row.service_level else "",
    ),
]


class _CountedPaginator(Paginator):
    """A paginator told how many rows there are: the page has counted them by state already,
    so the count query is not run twice."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _staff_scope(request: HttpRequest) -> Scope:
    scope = scope_of(held_roles(request.user))  # the roles the menu reads too: one query for both
    if scope is None:
        raise Http404
    return scope


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    scope = _staff_scope(request)
    names = scope.names()
    filterset = WorklistFilter(request.GET, scope=scope, names=names)
    sort = parse_sort(request.GET.get("sort"))
    query = _Query(request.GET, filter_names=list(filterset.filters), sort=sort)
    context: dict[str, Any] = {
        "form": filterset.form,
        "sort": sort,
        "default_sort": DEFAULT_SORT,
        "list_url": reverse("worklist:list"),
        "problems": _problems(filterset),
        "results": None,
    }
    if filterset.is_valid():
        cases = sort_cases(worklist_cases(filterset.qs), sort)
        counts = counts_by_state(filterset.without_state_filters())
        allowed = filterset.states_let_through()
        total = sum(count.count for count in counts if allowed is None or count.state in allowed)
        page = _CountedPaginator(cases, PAGE_SIZE, count=total).get_page(request.GET.get("page"))
        chosen_states = set(filterset.form.cleaned_data.get("state") or [])
        context |= {
            "results": True,
            "page": page,
            "paginator": page.paginator,
            "matching": ngettext("%(counter)s case matches the filter.", "%(counter)s cases match the filter.", total)
            % {"counter": total},
            "query": query,
            "columns": _headers(query, sort),
            "rows": _with_state_labels(worklist_rows(page.object_list, names=names)),
            "page_links": _page_links(page, query),
            "summary": [(count, query.with_state(count.state), count.state in chosen_states) for count in counts],
        }
    return render(request, "workflow/worklist/worklist.html", context)


@login_required
@require_GET
def worklist_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    scope = _staff_scope(request)
    filterset = WorklistFilter(request.GET, scope=scope)
    if not filterset.is_valid():
        # The page shows what is wrong at the field; a file could only hide it.
        return redirect(f"{reverse('worklist:list')}?{request.GET.urlencode()}")
    cases = sort_cases(worklist_cases(filterset.qs), parse_sort(request.GET.get("sort")))
    return export_response(
        fmt=fmt,
        filename=f"saker-{clock.today().isoformat()}",
        headers=[str(column.label) for column in COLUMNS],
        rows=_export_rows(iter_worklist_rows(cases, names=scope.names())),
        sheet_title=_("Cases"),
    )


def _with_state_labels(rows: list[WorklistRow]) -> list[tuple[WorklistRow, str]]:
    """Each row with the label of its case's state, in the page's language."""
    labels = dict(State.choices)
    return [(row, labels.get(row.state, row.state)) for row in rows]


def _export_rows(rows: Iterator[WorklistRow]) -> Iterator[list[Value]]:
    for row in rows:
        yield [column.value(row) for column in COLUMNS]


# --- links that keep the filters --------------------------------------------------------------


class _Query:
    """The page's query string, limited to the known filters, for links that change one part."""

    def __init__(self, data: QueryDict, *, filter_names: list[str], sort: str) -> None:
        self.filters = [(name, value) for name in filter_names for value in data.getlist(name) if value != ""]
        self.sort = sort

    def _encode(self, pairs: list[tuple[str, str]]) -> str:
        return f"?{urlencode(pairs)}" if pairs else "?"

    def _sorted(self) -> list[tuple[str, str]]:
        return [("sort", self.sort)] if self.sort != DEFAULT_SORT else []

    def with_sort(self, sort: str) -> str:
        return self._encode(self.filters + ([("sort", sort)] if sort != DEFAULT_SORT else []))

    def with_page(self, number: int) -> str:
        return self._encode(self.filters + self._sorted() + ([("page", str(number))] if number != 1 else []))

    def with_state(self, state: str) -> str:
        kept = [(name, value) for name, value in self.filters if name not in STATE_FILTERS]
        return self._encode([*kept, ("state", state), *self._sorted()])

    @property
    def current(self) -> str:
        """The filters and the sort, without the page: what the export links carry."""
        return self.with_page(1)


def _headers(query: _Query, sort: str) -> list[dict[str, Any]]:
    headers = []
    current_key = sort.removeprefix("-")
    descending = sort.startswith("-")
    for column in COLUMNS:
        header: dict[str, Any] = {"label": column.label, "numeric": column.numeric, "url": None, "aria_sort": None}
        if column.sort:
            if column.sort == current_key:
                header["aria_sort"] = "descending" if descending else "ascending"
                header["url"] = query.with_sort(column.sort if descending else f"-{column.sort}")
            else:
                header["url"] = query.with_sort(column.sort)
        headers.append(header)
    return headers


def _page_links(page: Any, query: _Query) -> dict[str, Any] | None:
    """Previous, next and the numbered pages around the current one, each keeping the filters."""
    if page.paginator.num_pages <= 1:
        return None
    numbers = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            numbers.append({"ellipsis": True})
        else:
            numbers.append({"number": number, "url": query.with_page(number), "current": number == page.number})
    return {
        "previous": query.with_page(page.previous_page_number()) if page.has_previous() else None,
        "next": query.with_page(page.next_page_number()) if page.has_next() else None,
        "numbers": numbers,
    }


def _problems(filterset: WorklistFilter) -> list[dict[str, str]]:
    """The error summary's lines, each a link to its field (a group of boxes: the first box)."""
    form = filterset.form
    if not form.is_bound or form.is_valid():
        return []
    problems = []
    for name, errors in form.errors.items():
        if name not in form.fields:
            problems.extend({"message": str(error), "url": ""} for error in errors)
            continue
        bound = form[name]
        target = f"{bound.auto_id}_0" if name == "state" else bound.id_for_label
        problems.extend({"message": f"{bound.label}: {error}", "url": f"#{target}"} for error in errors)
    return problems
