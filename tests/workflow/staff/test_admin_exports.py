"""Exports of the administrator's lists (issue 6, SPEC §10): the payments, the job reports and
the Register for offentlig støtte as CSV and XLSX.  Each file, read back with the csv module and
openpyxl, holds the rows of the list on the page (all of them, in the page's order, with the
page's filter), nothing from another programme, and exists only for the programme's
administrators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from programme import clock
from tests.journey import World, case_in
from tests.workflow.staff.admin_support import nb, url
from tests.workflow.staff.test_admin_public_register import THRESHOLD_NOK, award
from tests.workflow.staff.test_admin_query_counts import clone, same_queries_with_10_and_200
from tests.workflow.staff.test_exports import XLSX, read_csv, read_xlsx
from workflow import services
from workflow.models import Case, JobReport, Offer, Payment, PaymentRequest, State

EXPORTS = ["payments_export", "job_reports_export", "public_register_export"]


def export(client: Client, world: World, name: str, fmt: str, query: str = "", code: str | None = None) -> Any:
    address = url(name, world, fmt) if code is None else url(name, world, fmt).replace(world.programme.code, code, 1)
    response = client.get(address + query)
    assert response.status_code == 200, f"{address}{query} answered {response.status_code}"
    return response


def both(client: Client, world: World, name: str, query: str = "") -> tuple[list[list[str]], list[list[Any]]]:
    """The rows (without the header) of the CSV and of the XLSX."""
    csv_rows = read_csv(export(client, world, name, "csv", query))
    xlsx_rows = read_xlsx(export(client, world, name, "xlsx", query))
    assert csv_rows[0] == xlsx_rows[0], "the same header in both files"
    return csv_rows[1:], xlsx_rows[1:]


def column(rows: list[list[Any]], index: int) -> list[Any]:
    return [row[index] for row in rows]


def moved_to_other_programme(world: World, template: Case, count: int) -> list[str]:
    """``count`` copies of ``template`` that belong to the other programme."""
    before = set(Case.objects.values_list("pk", flat=True))
    clone(template, count)
    copies = Case.objects.exclude(pk__in=before)
    copies.update(programme=world.other_programme)
    return list(copies.values_list("reference", flat=True))


# --- payments ----------------------------------------------------------------------------------


@pytest.fixture
def payments(world: World) -> dict[str, Case]:
    """A case with a registered part payment and a pending part request, a case waiting for its
    final payment, and 30 copies of the first (more payments than the page shows)."""
    part = case_in(world, State.ACCEPTED)
    services.payment_register(case=part, actor=world.admin, amount=Decimal("50000"))
    services.payment_request_create(
        case=part, actor=world.applicant_a, amount=Decimal("60000"), costs_to_date=Decimal("200000"), report="Del 2."
    )
    final = case_in(world, State.REPORTING, world.company_b)
    clone(part, 30)
    return {"part": part, "final": final}


def test_the_payments_export_holds_the_pending_requests_and_every_payment(
    world: World, client: Client, payments: dict[str, Case]
) -> None:
    client.force_login(world.admin)
    page = client.get(url("payments", world)).context
    pending = [item.row.case.reference for item in page["items"]]
    recent = [payment.case.reference for payment in page["recent_payments"]]
    every_payment = list(
        Payment.objects.filter(case__programme=world.programme)
        .order_by("-registered_at", "-pk")
        .values_list("case__reference", flat=True)
    )
    assert len(recent) < len(every_payment) == 31, "the page shows only the latest payments"

    csv_rows, xlsx_rows = both(client, world, "payments_export")

    for rows in (csv_rows, xlsx_rows):
        waiting = [row[1] for row in rows if row[0] == nb("Awaiting decision")]
        paid = [row[1] for row in rows if row[0] == nb("Paid")]
        assert waiting == pending  # the page's requests, oldest first
        assert paid[: len(recent)] == recent  # the page's payments, newest first …
        assert paid == every_payment  # … and the older ones too
        assert column(rows, 1) == waiting + paid
    assert column(csv_rows, 1) == column(xlsx_rows, 1)


def test_the_payments_export_has_the_pages_columns_with_raw_values(
    world: World, client: Client, payments: dict[str, Case]
) -> None:
    client.force_login(world.admin)
    payment = Payment.objects.filter(case=payments["part"]).get()
    request = PaymentRequest.objects.get(case=payments["final"], status="pending")

    csv_rows, xlsx_rows = both(client, world, "payments_export")

    final_row = next(row for row in csv_rows if row[1] == payments["final"].reference)
    assert final_row[:5] == [
        nb("Awaiting decision"),
        payments["final"].reference,
        world.company_b.name,
        nb("Final payment"),
        f"{request.amount:f}".replace(".", ","),
    ]
    assert final_row[6:] == ["", ""]
    paid_csv = next(row for row in csv_rows if row[1] == payments["part"].reference and row[0] == nb("Paid"))
    paid_xlsx = next(row for row in xlsx_rows if row[1] == payments["part"].reference and row[0] == nb("Paid"))
    assert paid_csv == [
        nb("Paid"),
        payments["part"].reference,
        world.company_a.name,
        nb("Part payment"),
        "50000,00",
        "",
        payment.paid_on.isoformat(),
        str(world.admin),
    ]
    assert paid_xlsx[:4] == paid_csv[:4]
    assert Decimal(str(paid_xlsx[4])) == Decimal("50000")
    assert paid_xlsx[6] == dt.datetime.combine(payment.paid_on, dt.time())
    assert paid_xlsx[7] == str(world.admin)


def test_the_payments_export_leaves_out_another_programmes_payments(
    world: World, client: Client, payments: dict[str, Case]
) -> None:
    elsewhere = moved_to_other_programme(world, payments["part"], 3)
    client.force_login(world.admin)

    csv_rows, xlsx_rows = both(client, world, "payments_export")

    assert not set(elsewhere) & set(column(csv_rows, 1))
    assert not set(elsewhere) & set(column(xlsx_rows, 1))
    client.force_login(world.other_admin)
    theirs = read_csv(export(client, world, "payments_export", "csv", code=world.other_programme.code))[1:]
    assert sorted(set(column(theirs, 1))) == sorted(elsewhere)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_payments_export_runs_as_many_queries_for_200_rows_as_for_10(
    world: World, client: Client, django_assert_max_num_queries: Callable, fmt: str
) -> None:
    part = case_in(world, State.ACCEPTED)
    services.payment_register(case=part, actor=world.admin, amount=Decimal("50000"))
    services.payment_request_create(
        case=part, actor=world.applicant_a, amount=Decimal("60000"), costs_to_date=Decimal("200000"), report="Del 2."
    )
    client.force_login(world.admin)
    client.get("/")
    same_queries_with_10_and_200(
        client,
        django_assert_max_num_queries,
        url("payments_export", world, fmt),
        [part],
        lambda: Payment.objects.filter(case__programme=world.programme).count(),
    )


# --- job reports ---------------------------------------------------------------------------------


@pytest.fixture
def follow_up(world: World) -> dict[str, Case]:
    silent = case_in(world, State.COMPLETED, new_jobs_expected=Decimal("4"))
    reported = case_in(world, State.COMPLETED, world.company_b, new_jobs_expected=Decimal("2.5"))
    services.job_report_file(case=reported, actor=world.applicant_b, new_jobs=Decimal("1.5"), period_months=12)
    closed = case_in(world, State.CLOSED, new_jobs_expected=Decimal("5"))  # two reports
    case_in(world, State.ACCEPTED)  # not in follow-up
    return {"silent": silent, "reported": reported, "closed": closed}


def test_the_job_reports_export_holds_the_pages_projects_with_one_row_per_report(
    world: World, client: Client, follow_up: dict[str, Case]
) -> None:
    client.force_login(world.admin)
    listed = [row.case.reference for row, _form in client.get(url("job_outcomes", world)).context["items"]]
    assert len(listed) == 3

    csv_rows, xlsx_rows = both(client, world, "job_reports_export")

    for rows in (csv_rows, xlsx_rows):
        assert list(dict.fromkeys(column(rows, 0))) == listed  # the page's projects, in its order
    expected_rows = []
    for reference in listed:
        reports = JobReport.objects.filter(case__reference=reference).order_by("reported_on", "pk")
        expected_rows += [(reference, r.reported_on.isoformat(), f"{r.new_jobs:f}".replace(".", ",")) for r in reports]
        if not reports:
            expected_rows.append((reference, "", ""))
    assert [(row[0], row[4], row[6]) for row in csv_rows] == expected_rows
    assert column(csv_rows, 0) == column(xlsx_rows, 0)
    silent = next(row for row in xlsx_rows if row[0] == follow_up["silent"].reference)
    assert silent[4:] == [None] * 6
    reported = next(row for row in xlsx_rows if row[0] == follow_up["reported"].reference)
    with translation.override("nb"):
        completed = str(State.COMPLETED.label)
    assert reported[1:3] == [world.company_b.name, completed]
    assert Decimal(str(reported[3])) == Decimal("2.5")
    assert (reported[5], Decimal(str(reported[6])), reported[8]) == (12, Decimal("1.5"), nb("No"))


def test_a_report_on_the_companys_behalf_is_marked_in_the_export(
    world: World, client: Client, follow_up: dict[str, Case]
) -> None:
    services.job_report_file(
        case=follow_up["silent"], actor=world.admin, new_jobs=3, period_months=12, note="Telefon: daglig leder"
    )
    client.force_login(world.admin)

    csv_rows, _xlsx_rows = both(client, world, "job_reports_export")

    row = next(row for row in csv_rows if row[0] == follow_up["silent"].reference)
    assert (row[5], row[6], row[8], row[9]) == ("12", "3,0", nb("Yes"), "Telefon: daglig leder")


def test_the_job_reports_export_leaves_out_another_programmes_projects(
    world: World, client: Client, follow_up: dict[str, Case]
) -> None:
    elsewhere = moved_to_other_programme(world, follow_up["closed"], 2)
    client.force_login(world.admin)

    csv_rows, xlsx_rows = both(client, world, "job_reports_export")

    assert not set(elsewhere) & (set(column(csv_rows, 0)) | set(column(xlsx_rows, 0)))


def test_the_job_reports_export_runs_as_many_queries_for_200_rows_as_for_10(
    world: World, client: Client, django_assert_max_num_queries: Callable
) -> None:
    closed = case_in(world, State.CLOSED)
    client.force_login(world.admin)
    client.get("/")
    same_queries_with_10_and_200(
        client,
        django_assert_max_num_queries,
        url("job_reports_export", world, "xlsx"),
        [closed],
        lambda: Case.objects.filter(state=State.CLOSED).count(),
    )


# --- the Register for offentlig støtte ---------------------------------------------------------


@pytest.fixture
def awards(world: World) -> dict[str, Case]:
    accepted = award(world, Decimal("1200000"))
    waiting = award(world, THRESHOLD_NOK, accept=False)
    done = award(world, Decimal("1300000"), company=world.company_b)
    services.public_register_mark(offer=done.offer, actor=world.admin)
    award(world, Decimal("500000"))  # under the threshold: never listed
    return {"accepted": accepted, "waiting": waiting, "done": done}


@pytest.mark.parametrize("query", ["", "?vis=alle", "?vis=ALLE", "?vis=%00", "?vis=alle&vis=nei", "?side=-1"])
def test_the_register_export_holds_the_rows_of_the_filtered_page(
    world: World, client: Client, awards: dict[str, Case], query: str
) -> None:
    client.force_login(world.admin)
    response = client.get(url("public_register", world) + query)
    listed = [row.case.reference for row in response.context["rows"]]
    assert listed

    csv_rows, xlsx_rows = both(client, world, "public_register_export", query)

    assert column(csv_rows, 0) == listed
    assert column(xlsx_rows, 0) == listed
    assert (awards["done"].reference in listed) == (query == "?vis=alle")


def test_the_register_export_has_the_dates_the_register_asks_for(
    world: World, client: Client, awards: dict[str, Case]
) -> None:
    client.force_login(world.admin)
    offer = Offer.objects.select_related("decision").get(case=awards["done"])

    csv_rows, xlsx_rows = both(client, world, "public_register_export", "?vis=alle")

    row = next(row for row in csv_rows if row[0] == awards["done"].reference)
    assert row[1:4] == [world.company_b.name, world.company_b.org_number, "1300000,00"]
    assert row[4] == f"{offer.amount_eur:f}".replace(".", ",")
    assert row[6] == timezone.localdate(offer.decision.decided_at).isoformat()
    assert row[9] == clock.today().isoformat()
    waiting = next(row for row in xlsx_rows if row[0] == awards["waiting"].reference)
    assert waiting[7] is None and waiting[8] is None and waiting[9] is None  # not accepted yet


def test_the_register_export_leaves_out_another_programmes_awards(
    world: World, client: Client, awards: dict[str, Case]
) -> None:
    elsewhere = moved_to_other_programme(world, awards["accepted"], 2)
    client.force_login(world.admin)

    csv_rows, xlsx_rows = both(client, world, "public_register_export", "?vis=alle")

    assert not set(elsewhere) & (set(column(csv_rows, 0)) | set(column(xlsx_rows, 0)))


# --- for all three -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("payments_export", "utbetalinger"),
        ("job_reports_export", "jobbrapporter"),
        ("public_register_export", "offentlig-register"),
    ],
)
def test_the_files_are_named_and_typed(world: World, client: Client, name: str, stem: str) -> None:
    client.force_login(world.admin)
    stamp = f"{stem}-{world.programme.code}-{clock.today().isoformat()}"

    as_csv = export(client, world, name, "csv")
    as_xlsx = export(client, world, name, "xlsx")

    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_csv["Content-Disposition"] == f'attachment; filename="{stamp}.csv"'
    assert as_xlsx["Content-Type"] == XLSX
    assert as_xlsx["Content-Disposition"] == f'attachment; filename="{stamp}.xlsx"'
    assert len(read_csv(as_csv)) == len(read_xlsx(as_xlsx)) == 1  # an empty list is a header row


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize("fmt", ["pdf", "CSV", "xls", "csv.exe"])
def test_an_unknown_format_is_not_found(world: World, client: Client, name: str, fmt: str) -> None:
    client.force_login(world.admin)

    assert client.get(url(name, world, fmt)).status_code == 404


@pytest.mark.parametrize("person", ["other_admin", "board_member", "adviser_a", "applicant_a", "other_board_member"])
def test_only_the_programmes_administrators_get_the_files(world: World, client: Client, person: str) -> None:
    client.force_login(getattr(world, person))

    for name in EXPORTS:
        for fmt in ("csv", "xlsx"):
            assert client.get(url(name, world, fmt)).status_code == 404, (name, fmt)


def test_anonymous_is_sent_to_log_in(world: World, client: Client) -> None:
    for name in EXPORTS:
        response = client.get(url(name, world, "csv"))
        assert response.status_code == 302 and "/logg-inn/" in response["Location"]


@pytest.mark.parametrize(
    ("page_name", "name", "query"),
    [
        ("payments", "payments_export", ""),
        ("job_outcomes", "job_reports_export", ""),
        ("public_register", "public_register_export", "?vis=alle"),
    ],
)
def test_the_pages_link_to_their_files_with_the_filter(
    world: World, client: Client, page_name: str, name: str, query: str
) -> None:
    case_in(world, State.CLOSED)
    award(world, Decimal("1200000"))
    client.force_login(world.admin)

    html = client.get(url(page_name, world) + query).content.decode()

    for fmt in ("csv", "xlsx"):
        assert f'href="{url(name, world, fmt)}{query}"' in html
