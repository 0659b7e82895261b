"""The demo's story: its cases driven through the services, each step as of the day it
happened (``clock.travel_to``), so that ledger, timelines, letters and deadlines agree."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from contextlib import AbstractContextManager
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.management.base import CommandError
from django.db.models import Sum
from stdnum.no import orgnr

from applications import services as drafting
from applications.models import Application, Company, CompanyMember, CostLine, FinancingLine
from programme import clock
from programme.models import Programme, User
from workflow import services
from workflow.management.commands._demo_data import (
    CHECKLIST,
    COMPANIES,
    CONDITIONS,
    DAY,
    LOGINS,
    RATE,
    STAFF,
    TEXT,
    P,
)
from workflow.models import BoardMeeting, Case, LegalBasis, PaymentRequest


def moment(value: str | dt.date | dt.datetime, hour: int = 10) -> dt.datetime:
    """A story moment: a day (ISO text or date) at ``hour``, or a moment as it is."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time(hour))


def org_number(n: int) -> str:
    """A valid but fictitious organisation number: real ones are issued from 8 and 9, these begin with 3."""
    for base in itertools.count(31_000_000 + n * 1_117):
        for check in range(10):
            if orgnr.is_valid(number := f"{base}{check}"):
                return number
    raise AssertionError("unreachable")


def company_org_number(key: str) -> str:
    return org_number(next(i for i, row in enumerate(COMPANIES) if row[0] == key))


def person(email: str, name: str, *, password: str | None = None, **extra: object) -> User:
    first, last = name.rsplit(" ", 1)
    user, _created = User.objects.update_or_create(
        email=email, defaults={"first_name": first, "last_name": last, "email_verified": True, **extra}
    )
    user.set_password(password)  # None: an unusable password
    user.save(update_fields=["password"])
    return user


class Story:
    """Drives the demo cases through the services, each step as of the day it happened."""

    p: P  # the case being told, its applicant and its adviser
    who: User
    adviser: User
    meeting: str | None  # the meeting that decides the case next

    def __init__(self, programme: Programme, people: dict[str, User]) -> None:
        self.programme = programme
        self.applicant, self.admin, self.board = (
            people[e] for e in ("soker@demo.no", "admin@demo.no", "styre@demo.no")
        )
        self.advisers = {
            n: people[e] for e, _n, kind, numbers, *_ in LOGINS + STAFF if kind == "adviser" for n in numbers
        }
        self.board_members = [self.board, people["ole.haugen@demo.no"], people["anne.strand@demo.no"]]
        self.companies: dict[str, tuple[Company, User]] = {}
        self.meetings: dict[str, BoardMeeting] = {}
        self.t = moment("2017-01-01")

    def go(self, when: str | dt.date | dt.datetime) -> AbstractContextManager[None]:
        """Move the story's clock to ``when``; the services act as of then inside the block."""
        self.t = moment(when)
        return clock.travel_to(self.t)

    def run(self, projects: Iterable[P]) -> list[Case]:
        """Hold the projects' meetings and tell each case, in order of submission (so that the
        references, NUP-2017-001, ..., follow the calendar)."""
        projects = sorted(projects, key=lambda p: p.submitted)
        dates = sorted({d for p in projects for d in (p.meeting, p.again) if d})
        for year, group in itertools.groupby(dates, key=lambda d: d[:4]):
            for n, date in enumerate(group, 1):
                with self.go(moment(date) - 30 * DAY):  # planned a month ahead
                    self.meetings[date] = services.meeting_create(
                        programme=self.programme, actor=self.admin, date=dt.date.fromisoformat(date),
                        members=self.board_members, title=f"Styremøte {n}/{year}", location="GR-U, Gjøvik",
                    )  # fmt: skip
        return [self.case(p) for p in projects]

    def company(self, key: str) -> tuple[Company, User]:
        if key not in self.companies:
            _, name, number, postal_code, city, nace, fte, contact = next(row for row in COMPANIES if row[0] == key)
            who = person(f"kontakt.{key}@demo.no", contact) if contact else self.applicant
            org = company_org_number(key)
            company = Company.objects.filter(programme=self.programme, org_number=org).first()
            company = company or drafting.company_create(
                programme=self.programme, user=who, org_number=org, name=name, city=city,
                municipality=self.programme.municipalities.get(number=number), postal_code=postal_code,
                industry_code=nace, employees_fte=Decimal(fte),
            )  # fmt: skip
            CompanyMember.objects.get_or_create(company=company, user=who, defaults={"is_contact": True})
            self.companies[key] = (company, who)
        return self.companies[key]

    def case(self, p: P) -> Case:
        self.p, self.meeting = p, p.meeting
        company, self.who = self.company(p.company)
        self.adviser = self.advisers[company.municipality.number]
        with self.go(p.submitted):
            case = services.application_submit(application=self.application(company), actor=self.who)
        for step in p.steps:
            getattr(self, f"_{step}")(Case.objects.get(pk=case.pk))
        case = Case.objects.get(pk=case.pk)
        if case.state != p.state:
            raise CommandError(f"{case} ended in {case.state}, not {p.state}: the demo's story is broken.")
        return case

    def application(self, company: Company) -> Application:
        p, area = self.p, self.programme.focus_areas.get(code=self.p.focus)
        application = drafting.application_create(
            company=company, actor=self.who, title=p.title, focus_area=area, kind=p.kind,
            summary=f"{p.title}: et nytt forretningsområde for {company.name} innen {area.name.lower()}.",
            description=TEXT["description"].format(company=company.name, title=p.title),
            beside_core_business=TEXT["beside"], information_is_true=True,
            start_date=dt.date.fromisoformat(p.start), end_date=dt.date.fromisoformat(p.end),
            new_jobs_expected=Decimal(p.jobs_expected), jobs_secured=company.employees_fte,
            expected_turnover=Decimal(p.jobs_expected * 1_200_000),
        )  # fmt: skip
        draft = {"application": application, "actor": self.who}
        hours, external = p.cost * 35 // 100 // RATE, p.cost * 40 // 100 // 1000 * 1000
        innovation_norway = p.cost * 15 // 100 // 1000 * 1000 if p.kind == "development" and p.cost >= 700_000 else 0
        for category, description, amount, extra in [
            (CostLine.Category.EXTERNAL, "FoU- og konsulenttjenester", external, {}),
            (CostLine.Category.OWN_HOURS, "Egen innsats", None, {"hours": hours, "hourly_rate": RATE}),
            (CostLine.Category.EQUIPMENT, "Utstyr og prototyper", p.cost - external - hours * RATE, {}),
        ]:
            drafting.cost_line_add(**draft, category=category, description=description, amount=amount, **extra)
        for source, description, amount in [
            (FinancingLine.Source.THIS_PROGRAMME, "Søknad til næringsprogrammet", p.grant),
            (FinancingLine.Source.INNOVATION_NORWAY, "Innovasjonstilskudd", innovation_norway),
            (FinancingLine.Source.OWN_FUNDS, "Egne midler", p.cost - p.grant - innovation_norway),
        ]:
            if amount:
                drafting.financing_line_add(**draft, source=source, description=description, amount=amount)
        if innovation_norway:
            drafting.support_declaration_add(
                **draft, kind="de_minimis", grantor="Innovasjon Norge Innlandet", amount=100_000,
                granted_on=dt.date.fromisoformat(p.submitted) - 300 * DAY,
            )  # fmt: skip
        return application

    # --- the steps of PATHS, each as of its own day -------------------------------------------

    def _take(self, case: Case) -> None:
        with self.go(self.t + 2 * DAY):
            services.case_take(case=case, actor=self.adviser)
            beside = self.p.state != "dismissed"
            services.screening_save(case=case, actor=self.adviser, beside_core_business=beside, **CHECKLIST)

    def _return(self, case: Case) -> None:
        with self.go(self.t + 3 * DAY):
            services.case_return(case=case, actor=self.adviser, message=TEXT["return"])

    def _dismiss(self, case: Case) -> None:
        with self.go(self.t + 4 * DAY):
            services.case_dismiss(case=case, actor=self.adviser, reasons=TEXT["dismiss"])

    def _withdraw(self, case: Case) -> None:
        text = TEXT["withdraw_returned"] if case.state == "returned" else TEXT["withdraw"]
        with self.go(self.t + 10 * DAY):
            services.case_withdraw(case=case, actor=self.who, comment=text)

    def _recommend(self, case: Case) -> None:
        approve = self.p.advice == "approve"
        assessment = TEXT["assessment"].format(jobs=self.p.jobs_expected) if approve else TEXT["assessment_against"]
        with self.go(self.p.recommended or moment(self.p.meeting) - 10 * DAY):
            services.recommendation_record(
                case=case, actor=self.adviser, outcome=self.p.advice,
                amount=Decimal(self.p.grant) if approve else None, conditions=CONDITIONS if approve else "",
                assessment=assessment, reasons="" if approve else TEXT["against"],
            )  # fmt: skip

    def _agenda(self, case: Case) -> None:
        first = self.meeting == self.p.meeting
        with self.go(self.p.placed if first and self.p.placed else moment(self.meeting) - 7 * DAY):
            services.agenda_add(meeting=self.meetings[self.meeting], case=case, actor=self.admin)
        if first and self.p.conflict:
            with self.go(self.p.conflict):
                services.conflict_declare(case=case, actor=self.board_members[2], reason=TEXT["conflict"])

    def _again(self, case: Case) -> None:
        """The case goes to the board again (after a deferral or an appeal), to ``again``."""
        self.meeting = self.p.again

    def _approve(self, case: Case) -> None:
        with self.go(moment(self.meeting, hour=14)):
            services.decision_approve(case=case, actor=self.board, amount=Decimal(self.p.grant),
                                      legal_basis=LegalBasis.DE_MINIMIS, conditions=CONDITIONS)  # fmt: skip

    def _reject(self, case: Case) -> None:
        with self.go(moment(self.meeting, hour=14)):
            services.decision_reject(case=case, actor=self.board, reasons=TEXT["reject"])

    def _defer(self, case: Case) -> None:
        with self.go(moment(self.meeting, hour=14)):
            services.decision_defer(case=case, actor=self.board, comment=TEXT["defer"])

    def _appeal(self, case: Case) -> None:
        with self.go(self.t + 14 * DAY):
            services.case_appeal(case=case, actor=self.who, text=TEXT["appeal"])

    def _decline(self, case: Case) -> None:
        with self.go(self.t + 10 * DAY):
            services.offer_decline(case=case, actor=self.who, comment=TEXT["decline"])

    def _lapse(self, case: Case) -> None:
        with self.go(case.offer.accept_by + DAY):
            services.case_lapse(case=case, actor=None)

    def _accept(self, case: Case) -> None:
        with self.go(self.t + 7 * DAY):
            services.offer_accept(case=case, actor=self.who)

    def _cancel(self, case: Case) -> None:
        with self.go(case.offer.start_by + 7 * DAY):
            services.case_cancel(case=case, actor=self.admin, reason=TEXT["cancel"])

    def _request(self, case: Case) -> PaymentRequest:
        """A part payment asked for: on ``part_on``, or halfway through the project."""
        start, end = dt.date.fromisoformat(self.p.start), dt.date.fromisoformat(self.p.end)
        amount = Decimal(self.p.part) if self.p.part else case.offer.payable_before_final_report()
        with self.go(self.p.part_on or max(moment(start + (end - start) / 2), self.t + 14 * DAY)):
            return services.payment_request_create(
                case=case, actor=self.who, amount=amount, costs_to_date=amount * 2, report=TEXT["part"]
            )

    def _part(self, case: Case) -> None:
        request = self._request(case)
        with self.go(self.t + 5 * DAY):
            services.payment_register(case=case, actor=self.admin, amount=request.amount, request=request)

    def _final_report(self, case: Case) -> None:
        rest = case.offer.amount - (case.payments.aggregate(paid=Sum("amount"))["paid"] or 0) - self.p.under
        with self.go(moment(self.p.end) + 20 * DAY):
            services.final_report_file(case=case, actor=self.who, amount=rest, text=TEXT["final"],
                                       costs_to_date=self.p.cost - 2 * self.p.under)  # fmt: skip

    def _final_payment(self, case: Case) -> None:
        request = case.payment_requests.get(is_final=True, status=PaymentRequest.Status.PENDING)
        with self.go(moment(self.p.end) + 35 * DAY):
            services.payment_register(
                case=case, actor=self.admin, amount=request.amount, is_final=True, request=request
            )

    def _jobs(self, case: Case) -> None:
        completed = self.t
        for n, jobs in enumerate(self.p.jobs, 1):
            with self.go(completed + relativedelta(months=12 * n) + 3 * DAY):
                services.job_report_file(case=case, actor=self.who, new_jobs=jobs, period_months=12 * n)
