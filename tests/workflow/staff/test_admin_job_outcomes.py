"""The job outcomes page (issue 4, SPEC §9): per budget year the jobs expected by the granted
projects, the jobs reported (each project's latest report) and the target, as a table and a
chart; the projects in follow-up; and a job report registered on the company's behalf."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from html import unescape

import pytest
from dateutil.relativedelta import relativedelta
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format

from programme import clock
from tests.factories import BudgetYearFactory
from tests.journey import World, case_in
from tests.workflow.staff.admin_support import figure, literal, nb, page, trace, url
from workflow import services
from workflow.models import Case, JobReport, Offer, State

ENDED = {State.LAPSED, State.CANCELLED, State.DECLINED}


def jobs_text(value: Decimal | int) -> str:
    with translation.override("nb"):
        return number_format(Decimal(value), 1, use_l10n=True)


def granted_last_year(world: World, new_jobs_expected: Decimal) -> Case:
    year = clock.today().year - 1
    BudgetYearFactory(programme=world.programme, year=year, frame=Decimal("3000000"))
    meeting = services.meeting_create(
        programme=world.programme, actor=world.admin, date=dt.date(year, 6, 1), members=[world.board_member]
    )
    # Submitted before that meeting (a meeting takes up only the cases submitted by its date).
    with clock.travel_to(timezone.make_aware(dt.datetime(year, 5, 2, 12))):
        case = case_in(world, State.RECOMMENDED, new_jobs_expected=new_jobs_expected)
    services.agenda_add(meeting=meeting, case=case, actor=world.admin)
    services.decision_approve(case=case, actor=world.board_member, amount=Decimal("300000"), legal_basis="de_minimis")
    return Case.objects.get(pk=case.pk)


def portfolio(world: World) -> dict[str, Case]:
    completed = case_in(world, State.COMPLETED, new_jobs_expected=Decimal("4"))
    services.job_report_file(case=completed, actor=world.applicant_a, new_jobs=2, period_months=12)
    return {
        "completed": completed,
        "closed": case_in(world, State.CLOSED, new_jobs_expected=Decimal("5")),  # reports 2, then 3
        "accepted": case_in(world, State.ACCEPTED, world.company_b, new_jobs_expected=Decimal("3")),
        "approved": case_in(world, State.APPROVED, new_jobs_expected=Decimal("1.5")),
        "lapsed": case_in(world, State.LAPSED, new_jobs_expected=Decimal("10")),
        "declined": case_in(world, State.DECLINED, world.company_b, new_jobs_expected=Decimal("7")),
        "last_year": granted_last_year(world, Decimal("6")),
    }


def expected_by_year(world: World) -> dict[int, tuple[Decimal, Decimal, int]]:
    """(expected, reported, target) per year, added up here from the rows themselves."""
    result = {}
    for budget_year in world.programme.budget_years.all():
        expected = reported = Decimal(0)
        for offer in Offer.objects.filter(budget_year=budget_year):
            if offer.case.state in ENDED:
                continue
            expected += offer.case.application.new_jobs_expected
            reports = sorted(offer.case.job_reports.all(), key=lambda r: (r.reported_on, r.pk))
            reported += reports[-1].new_jobs if reports else 0
        result[budget_year.year] = (expected, reported, budget_year.target_jobs)
    return result


def test_the_figures_per_year_are_those_of_the_portfolio(world: World, client: Client) -> None:
    portfolio(world)
    expected = expected_by_year(world)
    this_year = clock.today().year
    assert expected[this_year][:2] == (Decimal("13.5"), Decimal("5"))  # 4 + 5 + 3 + 1.5; 2 + 3 (latest)
    assert expected[this_year - 1][:2] == (Decimal("6"), Decimal("0"))

    html = page(client, world.admin, url("job_outcomes", world))

    years = sorted(expected)
    table = html.split('id="job-outcomes"', 1)[1].split("</table>", 1)[0]
    assert figure(table, "expected")[: len(years)] == [jobs_text(expected[y][0]) for y in years]
    assert figure(table, "reported")[: len(years)] == [jobs_text(expected[y][1]) for y in years]
    assert figure(table, "target")[: len(years)] == [str(expected[y][2]) for y in years]
    assert figure(table, "expected")[-1] == jobs_text(sum(e[0] for e in expected.values()))


def test_the_chart_is_an_image_with_the_same_figures(world: World, client: Client) -> None:
    portfolio(world)

    html = page(client, world.admin, url("job_outcomes", world))

    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)
    assert len(svgs) == 1
    root = ET.fromstring(svgs[0])  # noqa: S314 - our own page
    assert root.get("role") == "img"
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text
    description = root.find(f"{ns}desc").text
    this_year = clock.today().year
    assert f"{this_year}" in description and jobs_text(Decimal("13.5")) in description
    texts = "".join(root.itertext())
    assert jobs_text(Decimal("13.5")) in texts and jobs_text(Decimal("5")) in texts
    assert root.findall(f".//{ns}line[@stroke-dasharray]")  # the targets


def test_the_follow_up_lists_completed_and_closed_projects(world: World, client: Client) -> None:
    cases = portfolio(world)

    html = page(client, world.admin, url("job_outcomes", world))

    table = html.split('id="follow-up"', 1)[1].split("</table>", 1)[0]
    assert cases["completed"].reference in table and cases["closed"].reference in table
    assert cases["accepted"].reference not in table
    final_paid = cases["completed"].payments.get(is_final=True).paid_on
    due = final_paid + relativedelta(months=24)  # the 24-month report (from 29 February: 28 February)
    assert f"{due:%d.%m.%Y}" in table
    assert f'action="{url("job_report_on_behalf", world, cases["completed"].pk)}"' in html
    assert f'action="{url("job_report_on_behalf", world, cases["closed"].pk)}"' not in html


def test_one_report_form_is_shown_at_a_time_and_the_others_link_to_theirs(world: World, client: Client) -> None:
    first = portfolio(world)["completed"]
    second = case_in(world, State.COMPLETED, world.company_b, new_jobs_expected=Decimal("2"))
    forms = {case.pk: f'action="{url("job_report_on_behalf", world, case.pk)}"' for case in (first, second)}
    (default_first, default_second), (asked_first, asked_second) = [
        [f in html for f in (forms[first.pk], forms[second.pk])]
        for html in (
            page(client, world.admin, url("job_outcomes", world)),
            page(client, world.admin, url("job_outcomes", world) + f"?rapport={second.pk}"),
        )
    ]

    assert [default_first, default_second].count(True) == 1  # the first project that may report
    assert (asked_first, asked_second) == (False, True)
    html = page(client, world.admin, url("job_outcomes", world) + f"?rapport={second.pk}")
    assert f"rapport={first.pk}#case-{first.pk}" in html  # the other project links to its form
    assert "?rapport=abc" not in html and page(client, world.admin, url("job_outcomes", world) + "?rapport=abc")


def on_behalf(client: Client, world: World, case: Case, **fields: str):
    prefix = f"jobs-{case.pk}"
    data = {"period_months": "24", "new_jobs": "3,5", "jobs_secured": "1", "source": "phone", "note": "Daglig leder"}
    data.update(fields)
    return client.post(url("job_report_on_behalf", world, case.pk), {f"{prefix}-{k}": v for k, v in data.items()})


def test_a_report_registered_on_the_companys_behalf_is_marked(world: World, client: Client) -> None:
    cases = portfolio(world)
    case = cases["completed"]
    client.force_login(world.admin)

    response = on_behalf(client, world, case)

    assert response.status_code == 302
    report = JobReport.objects.get(case=case, period_months=24)
    assert (report.new_jobs, report.on_behalf, report.reported_by) == (Decimal("3.5"), True, world.admin)
    assert report.note == f"{nb('Telephone call')}: Daglig leder"
    assert Case.objects.get(pk=case.pk).state == State.CLOSED  # the last report closes the follow-up
    outcomes = page(client, world.admin, url("job_outcomes", world))
    this_year = expected_by_year(world)[clock.today().year]
    assert this_year[1] == Decimal("6.5")
    assert figure(outcomes.split('id="job-outcomes"', 1)[1], "reported")[1] == jobs_text(
        this_year[1]
    )  # last year, this year
    assert nb("on the company's behalf") in unescape(outcomes)

    applicant_page = page(client, world.applicant_a, reverse("workflow:case_detail", args=[case.reference]))
    assert literal("Job report (registered on the company's behalf): %(jobs)s new jobs.") in unescape(applicant_page)
    assert nb("registered by the programme on your behalf") in unescape(applicant_page)


def test_a_survey_report_without_a_period_or_note(world: World, client: Client) -> None:
    case = portfolio(world)["completed"]
    client.force_login(world.admin)

    response = on_behalf(client, world, case, source="survey", note="", period_months="24", new_jobs="0")

    assert response.status_code == 302
    assert JobReport.objects.get(case=case, period_months=24).note == nb("Survey")


def test_a_conflict_blocks_the_report(world: World, client: Client) -> None:
    case = portfolio(world)["completed"]
    services.conflict_declare(case=case, actor=world.admin, reason="Inhabil.")
    before = trace(case)
    client.force_login(world.admin)

    assert (
        f'action="{url("job_report_on_behalf", world, case.pk)}"'
        not in client.get(url("job_outcomes", world)).content.decode()
    )
    response = on_behalf(client, world, case)

    assert response.status_code == 409
    assert literal(
        "You have declared a conflict of interest in %(reference)s and can no longer act on it."
    ) in unescape(response.content.decode())
    assert trace(case) == before


def test_a_case_not_in_follow_up_is_refused_in_words(world: World, client: Client) -> None:
    case = portfolio(world)["accepted"]
    before = trace(case)
    client.force_login(world.admin)

    response = on_behalf(client, world, case, period_months="12")

    assert response.status_code == 302
    assert trace(case) == before
    shown = unescape(client.get(response["Location"]).content.decode())
    assert literal("Job reports are filed after the project is completed; the case is “%(state)s”.") in shown


@pytest.mark.parametrize(
    "fields",
    [
        {"new_jobs": "NaN"},
        {"new_jobs": "-1"},
        {"new_jobs": "1e9"},
        {"new_jobs": "abc"},
        {"new_jobs": ""},
        {"jobs_secured": "Infinity"},
        {"period_months": "12"},  # already reported
        {"period_months": "abc"},
        {"period_months": "36"},
        {"source": "rumour"},
        {"note": "x" * 600},
    ],
)
def test_odd_input_is_refused_at_the_form(world: World, client: Client, fields: dict[str, str]) -> None:
    case = portfolio(world)["completed"]
    before = trace(case)
    client.force_login(world.admin)

    response = on_behalf(client, world, case, **fields)

    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    assert trace(case) == before


@pytest.mark.parametrize("person", ["other_admin", "board_member", "adviser_a", "applicant_a"])
def test_only_the_programmes_administrators_see_and_report(world: World, client: Client, person: str) -> None:
    case = case_in(world, State.COMPLETED)
    before = trace(case)
    client.force_login(getattr(world, person))

    assert client.get(url("job_outcomes", world)).status_code == 404
    assert on_behalf(client, world, case).status_code == 404
    assert trace(case) == before


def test_another_programmes_case_and_unknown_cases_are_not_found(world: World, client: Client) -> None:
    client.force_login(world.admin)

    assert client.post(url("job_report_on_behalf", world, 999999), {}).status_code == 404
    assert client.get(url("job_report_on_behalf", world, 1)).status_code == 405


def test_an_empty_programme_shows_zeros_and_says_so(world: World, client: Client) -> None:
    html = page(client, world.admin, url("job_outcomes", world))

    assert figure(html, "expected") == [jobs_text(0)]
    assert nb("No project is in follow-up yet.") in html


def test_anonymous_is_sent_to_log_in(world: World, client: Client) -> None:
    response = client.get(url("job_outcomes", world))

    assert response.status_code == 302 and "/logg-inn/" in response["Location"]
