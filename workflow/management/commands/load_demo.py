"""``manage.py load_demo``: the Gjøvik region's programme as its final report tells it.

*Regionalt bedriftsrettet næringsutviklingsprogram* (seed report, «Aktivitet 4.1»): a
three-year trial from 1 January 2017, funded by Gjøvik, Østre Toten, Vestre Toten and Søndre
Land (Nordre Land stays out); in 2017 a frame of 5 050 000 kr, of which 3 125 000 kr went to
eleven projects that created 42 jobs in their first year and expect about 260 in four years.

Every case is driven through the services as of the day it happened (``clock.travel_to``),
so ledger, timelines, offers and deadlines agree.  The demo's story ends early in December
2019.  Configuration is brought up to date on every run; cases are made only while the
programme has none, so loading twice gives the same data.
"""

from __future__ import annotations

import datetime as dt
import itertools
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Sum
from stdnum.no import orgnr

from applications import services as drafting
from applications.models import Application, Company, CompanyMember, CostLine, FinancingLine
from programme import clock
from programme.models import BudgetYear, Contribution, FocusArea, Municipality, Programme, StaffRole, User
from programme.money import format_nok
from workflow import services
from workflow.management.commands._demo_data import (
    CHECKLIST,
    CODE,
    COMPANIES,
    CONDITIONS,
    DAY,
    FOCUS_AREAS,
    LOGINS,
    MUNICIPALITIES,
    NAME,
    OWNER,
    PASSWORD,
    PATHS,
    PROJECTS,
    RATE,
    REMINDERS_ACTIVE,
    STAFF,
    TARGETS,
    TEXT,
    YEARS,
    P,
)
from workflow.models import BoardMeeting, Case, LegalBasis, Offer, PaymentRequest
from workflow.selectors import budget_year_figures


def _moment(value: str | dt.date | dt.datetime, hour: int = 10) -> dt.datetime:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time(hour))


def _org_number(n: int) -> str:
    """A valid but fictitious organisation number: real ones are issued from 8 and 9, these begin with 3."""
    for base in itertools.count(31_000_000 + n * 1_117):
        for check in range(10):
            if orgnr.is_valid(number := f"{base}{check}"):
                return number
    raise AssertionError("unreachable")


def _person(email: str, name: str, *, password: str | None = None, **extra: Any) -> User:
    first, last = name.rsplit(" ", 1)
    user, _created = User.objects.update_or_create(
        email=email, defaults={"first_name": first, "last_name": last, "email_verified": True, **extra}
    )
    user.set_password(password)  # None: an unusable password
    user.save(update_fields=["password"])
    return user


def configure() -> tuple[Programme, dict[str, User]]:
    """The programme, its municipalities, focus areas, budget years and people (update or create)."""
    programme, _created = Programme.objects.update_or_create(
        code=CODE,
        defaults={
            "name": NAME,
            "owner_organisation": OWNER,
            "start_date": dt.date(2017, 1, 1),
            "reminders_active": REMINDERS_ACTIVE,
        },
    )
    municipalities = {
        number: Municipality.objects.update_or_create(
            programme=programme, number=number, defaults={"name": name, "participating": participating}
        )[0]
        for number, name, participating, _amount in MUNICIPALITIES
    }
    for code, name in FOCUS_AREAS:
        FocusArea.objects.update_or_create(programme=programme, code=code, defaults={"name": name})
    for year in YEARS:
        budget_year, _created = BudgetYear.objects.update_or_create(programme=programme, year=year, defaults=TARGETS)
        for number, name, participating, amount in MUNICIPALITIES:
            if participating:
                Contribution.objects.update_or_create(
                    budget_year=budget_year,
                    funder=f"{name} kommune",
                    defaults={"municipality": municipalities[number], "amount": Decimal(amount)},
                )
    people = {}
    staff = [(e, n, k, m, PASSWORD) for e, n, k, m, _label in LOGINS] + [(*row, None) for row in STAFF]
    for email, name, kind, numbers, password in staff:
        admin = kind == "admin"
        people[email] = _person(email, name, password=password, is_staff=admin, is_superuser=admin)
        if kind:
            role, _created = StaffRole.objects.get_or_create(user=people[email], programme=programme, kind=kind)
            role.municipalities.set([municipalities[n] for n in numbers])
    return programme, people


class Story:
    """Drives the demo cases through the services, each step as of the day it happened."""

    p: P  # the case being told, its applicant and its adviser
    who: User
    adviser: User

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
        self.t = _moment("2017-01-01")

    def go(self, moment: str | dt.date | dt.datetime) -> AbstractContextManager[None]:
        """Move the story's clock to ``moment``; the services act as of then inside the block."""
        self.t = _moment(moment)
        return clock.travel_to(self.t)

    def run(self) -> list[Case]:
        dates = sorted({p.meeting for p in PROJECTS if p.meeting})
        for year, group in itertools.groupby(dates, key=lambda d: d[:4]):
            for n, date in enumerate(group, 1):
                self.meetings[date] = services.meeting_create(
                    programme=self.programme, actor=self.admin, date=dt.date.fromisoformat(date),
                    members=self.board_members, title=f"Styremøte {n}/{year}", location="GR-U, Gjøvik",
                )  # fmt: skip
        # In order of submission, so that the references (NUP-2017-001, ...) follow the calendar.
        cases = [self.case(p) for p in sorted(PROJECTS, key=lambda p: p.submitted)]
        on_agenda = next(c for c in cases if c.state == "on_agenda")
        with self.go("2019-12-05"):
            services.conflict_declare(case=on_agenda, actor=self.board_members[2], reason=TEXT["conflict"])
        return cases

    def company(self, key: str) -> tuple[Company, User]:
        if key not in self.companies:
            n, (_, name, number, postal_code, city, nace, fte, contact) = next(
                (i, row) for i, row in enumerate(COMPANIES) if row[0] == key
            )
            person = _person(f"kontakt.{key}@demo.no", contact) if contact else self.applicant
            company = Company.objects.filter(programme=self.programme, org_number=_org_number(n)).first()
            company = company or drafting.company_create(
                programme=self.programme, user=person, org_number=_org_number(n), name=name, city=city,
                municipality=self.programme.municipalities.get(number=number), postal_code=postal_code,
                industry_code=nace, employees_fte=Decimal(fte),
            )  # fmt: skip
            CompanyMember.objects.get_or_create(company=company, user=person, defaults={"is_contact": True})
            self.companies[key] = (company, person)
        return self.companies[key]

    def case(self, p: P) -> Case:
        self.p = p
        company, self.who = self.company(p.company)
        self.adviser = self.advisers[company.municipality.number]
        with self.go(p.submitted):
            case = services.application_submit(application=self.application(company), actor=self.who)
        for step in PATHS[p.state]:
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
        with self.go(self.t + 10 * DAY):
            services.case_withdraw(case=case, actor=self.who, comment=TEXT["withdraw"])

    def _recommend(self, case: Case) -> None:
        approve = self.p.state != "rejected"  # the adviser recommends the one refusal the board then makes
        with self.go(_moment(self.p.meeting) - 10 * DAY):
            services.recommendation_record(
                case=case, actor=self.adviser, outcome="approve" if approve else "reject",
                amount=Decimal(self.p.grant) if approve else None, conditions=CONDITIONS if approve else "",
                assessment=TEXT["assessment"].format(jobs=self.p.jobs_expected),
                reasons="" if approve else TEXT["against"],
            )  # fmt: skip

    def _agenda(self, case: Case) -> None:
        with self.go(_moment(self.p.meeting) - 7 * DAY):
            services.agenda_add(meeting=self.meetings[self.p.meeting], case=case, actor=self.admin)

    def _approve(self, case: Case) -> None:
        with self.go(_moment(self.p.meeting, hour=14)):
            services.decision_approve(case=case, actor=self.board, amount=Decimal(self.p.grant),
                                      legal_basis=LegalBasis.DE_MINIMIS, conditions=CONDITIONS)  # fmt: skip

    def _reject(self, case: Case) -> None:
        with self.go(_moment(self.p.meeting, hour=14)):
            services.decision_reject(case=case, actor=self.board, reasons=TEXT["reject"])

    def _defer(self, case: Case) -> None:
        with self.go(_moment(self.p.meeting, hour=14)):
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

    def _part(self, case: Case) -> None:
        start, end = dt.date.fromisoformat(self.p.start), dt.date.fromisoformat(self.p.end)
        amount = Decimal(self.p.part) if self.p.part else case.offer.payable_before_final_report()
        with self.go(max(_moment(start + (end - start) / 2), self.t + 14 * DAY)):
            request = services.payment_request_create(
                case=case, actor=self.who, amount=amount, costs_to_date=amount * 2, report=TEXT["part"]
            )
        with self.go(self.t + 5 * DAY):
            services.payment_register(case=case, actor=self.admin, amount=amount, request=request)

    def _final_report(self, case: Case) -> None:
        rest = case.offer.amount - (case.payments.aggregate(paid=Sum("amount"))["paid"] or 0) - self.p.under
        with self.go(_moment(self.p.end) + 20 * DAY):
            services.final_report_file(case=case, actor=self.who, amount=rest, text=TEXT["final"],
                                       costs_to_date=self.p.cost - 2 * self.p.under)  # fmt: skip

    def _final_payment(self, case: Case) -> None:
        request = case.payment_requests.get(is_final=True, status=PaymentRequest.Status.PENDING)
        with self.go(_moment(self.p.end) + 35 * DAY):
            services.payment_register(
                case=case, actor=self.admin, amount=request.amount, is_final=True, request=request
            )

    def _jobs(self, case: Case) -> None:
        completed = self.t
        for n, jobs in enumerate(self.p.jobs, 1):
            with self.go(completed + relativedelta(months=12 * n) + 3 * DAY):
                services.job_report_file(case=case, actor=self.who, new_jobs=jobs, period_months=12 * n)


def figures_2017(programme: Programme) -> dict[str, Any]:
    """The seed's reference figures, read back from the data: frame, committed, grants, jobs."""
    budget_year = BudgetYear.objects.get(programme=programme, year=2017)
    figures = budget_year_figures(budget_year=budget_year)
    offers = Offer.objects.filter(budget_year=budget_year).select_related("case__application")
    latest = [o.case.job_reports.order_by("-reported_on", "-pk").first() for o in offers]
    return {
        "frame": figures.frame,
        "committed": figures.committed,
        "granted": len(offers),
        "jobs_reported": sum((r.new_jobs for r in latest if r), Decimal(0)),
        "jobs_expected": sum((o.case.application.new_jobs_expected for o in offers), Decimal(0)),
    }


class Command(BaseCommand):
    help = "Laster demodata: Gjøvikregionens næringsprogram 2017–2019 med saker i alle tilstander."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            programme, people = configure()
            if Case.objects.filter(programme=programme).exists():
                self.stdout.write(f"Programmet {CODE} har allerede saker; ingen nye saker er lagt inn.")
            else:
                cases = Story(programme, people).run()
                self.stdout.write(self.style.SUCCESS(f"Lagt inn {len(cases)} saker i programmet {CODE}."))
        self.stdout.write("")
        self.stdout.write(f"{'E-post':<18}{'Passord':<20}Rolle")
        for email, _name, _kind, _numbers, label in LOGINS:
            self.stdout.write(f"{email:<18}{PASSWORD:<20}{label}")
        f = figures_2017(programme)
        self.stdout.write("")
        self.stdout.write(
            f"2017: ramme {format_nok(f['frame'])}, disponert {format_nok(f['committed'])}, "
            f"{f['granted']} prosjekter innvilget, {f['jobs_reported']:.0f} nye arbeidsplasser rapportert "
            f"(potensial {f['jobs_expected']:.0f})."
        )
