"""The public list of granted support (offentleglova), as a page, as CSV and as XLSX.  No login: a
decision to grant is public once made.  The views parse the filters, call the selector and
render; what may be shown is decided in ``workflow.selectors.public``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from programme.models import Programme
from programme.pagination import page_links, page_of
from workflow.exports import Value, export_response, in_request_context
from workflow.models import State
from workflow.selectors.public import (
    GRANTED,
    GrantedSupport,
    granted_support,
    granted_support_rows,
    granted_support_years,
)

EXPORT_CHUNK = 1000  # rows read from the database, and written to the CSV, at a time

# A granted offer that later ended keeps its place on the list, named by its state's label.
STATUS_LABELS = {
    GRANTED: _("Granted"),
    State.LAPSED: State.LAPSED.label,
    State.DECLINED: State.DECLINED.label,
    State.CANCELLED: State.CANCELLED.label,
}

# The CSV is a file format other systems read, so its header and status words stay Norwegian
# whatever language the page is shown in.
CSV_HEADER = [
    "Bedrift",
    "Organisasjonsnummer",
    "Prosjekt",
    "Beløp (NOK)",
    "Vedtaksdato",
    "Satsingsområde",
    "Program",
    "Status",
]
# The status words are the bokmål labels of the page (tests/test_glossary.py holds them equal).
CSV_STATUS = {
    GRANTED: "Innvilget",
    State.LAPSED: "Tilsagnet har falt bort",
    State.DECLINED: "Søker takket nei",
    State.CANCELLED: "Tilsagnet er trukket tilbake",
}


class GrantedSupportFilter(forms.Form):
    programme = forms.CharField(label=_("Programme"), required=False, max_length=12)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2999)


def _filters(request: HttpRequest) -> tuple[GrantedSupportFilter, dict[str, object]]:
    """The valid filters from the query string; an invalid one is left out, not guessed at."""
    form = GrantedSupportFilter(request.GET)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    return form, {"programme": cleaned.get("programme") or None, "year": cleaned.get("year")}


@require_GET
def granted_support_list(request: HttpRequest) -> HttpResponse:
    """The list, fifty decisions a page: the whole list is tens of thousands of rows, and the
    files below hold all of them."""
    form, filters = _filters(request)
    page = page_of(request, granted_support(**filters))  # type: ignore[arg-type]
    context = {
        "form": form,
        "page": page,
        "page_links": page_links(request, page),
        "rows": [(row, STATUS_LABELS[row.status]) for row in granted_support_rows(page.object_list)],
        "programmes": Programme.objects.order_by("name").only("code", "name"),
        "years": granted_support_years(),
        "selected_programme": filters["programme"] or "",
        "selected_year": filters["year"],
        "query": _without_page(request),
    }
    return render(request, "workflow/public/granted_support.html", context)


def _without_page(request: HttpRequest) -> str:
    """The filters of the query string, for the download links (a file holds every page)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _every_row(request: HttpRequest) -> Iterator[GrantedSupport]:
    _form, filters = _filters(request)
    offers = granted_support(**filters)  # type: ignore[arg-type]
    return granted_support_rows(offers.iterator(chunk_size=EXPORT_CHUNK))


@require_GET
def granted_support_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Streamed as it is read: the file is not held in memory, however long the list."""
    response = StreamingHttpResponse(
        in_request_context(_csv_lines(_every_row(request))), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="tilskudd.csv"'
    return response


def _csv_lines(rows: Iterator[GrantedSupport]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    buffer.write("\ufeff")  # the BOM tells Excel the file is UTF-8
    writer.writerow(CSV_HEADER)
    for number, row in enumerate(rows, start=1):
        writer.writerow(_csv_row(row))
        if number % EXPORT_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@require_GET
def granted_support_xlsx(request: HttpRequest) -> HttpResponse:
    """The same rows and columns as the CSV, with amounts as numbers and dates as dates."""
    return export_response(
        fmt="xlsx",
        filename="tilskudd",
        headers=CSV_HEADER,
        rows=(_xlsx_row(row) for row in _every_row(request)),
        sheet_title="Tilskudd",
    )


def _xlsx_row(row: GrantedSupport) -> list[Value]:
    return [
        row.company_name,
        row.org_number,
        row.project_title,
        row.amount,
        row.decided_on,
        row.focus_area,
        row.programme_code,
        CSV_STATUS[row.status],
    ]


def _csv_row(row: GrantedSupport) -> list[str]:
    return [
        row.company_name,
        row.org_number,
        row.project_title,
        _plain_amount(row.amount),
        row.decided_on.isoformat(),
        row.focus_area,
        row.programme_code,
        CSV_STATUS[row.status],
    ]


def _plain_amount(amount: Decimal) -> str:
    """``400000.00``: a number any spreadsheet or script reads, without spaces or ``kr``."""
    return f"{amount.quantize(Decimal('0.01')):f}"
