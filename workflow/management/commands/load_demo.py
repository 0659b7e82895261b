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
from dataclasses import dataclass
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
from workflow.models import BoardMeeting, Case, LegalBasis, Offer, PaymentRequest
from workflow.selectors import budget_year_figures

CODE = "NUP"
NAME = "Regionalt bedriftsrettet næringsutviklingsprogram – Gjøvikregionen"
OWNER = "Gjøvikregionen Utvikling (GR-U)"
PASSWORD = "demo-Passord-2017"  # noqa: S105 - the demo's published password
YEARS = (2017, 2018, 2019)
TARGETS = {"target_projects_min": 15, "target_projects_max": 20, "target_jobs": 45}  # per year (seed report)
MUNICIPALITIES = [  # 2017 number, name, participates, yearly contribution (by population)
    ("0502", "Gjøvik", True, 2_375_000),
    ("0528", "Østre Toten", True, 1_172_000),
    ("0529", "Vestre Toten", True, 1_054_000),
    ("0536", "Søndre Land", True, 449_000),
    ("0538", "Nordre Land", False, 0),
]
FOCUS_AREAS = [("industri", "Industri"), ("ikt", "IKT"), ("bio", "Bioøkonomi"), ("annet", "Annet")]
LOGINS = [  # e-mail, name, staff role (None: applicant), municipalities, role as printed
    ("soker@demo.no", "Silje Hansen", None, (), "Søker (Mjøsdata AS, Vardal Sensorteknikk AS, Toten Trebåt AS)"),
    ("radgiver@demo.no", "Rune Dahl", "adviser", ("0502", "0528"), "Næringsrådgiver (Gjøvik, Østre Toten)"),
    ("styre@demo.no", "Kari Nordby", "board", (), "Styremedlem (programstyret)"),
    ("admin@demo.no", "Anders Lien", "admin", (), "Administrator i GR-U (også Django-admin)"),
]
STAFF = [  # without a password: the other advisers and board members
    ("per.bakken@demo.no", "Per Bakken", "adviser", ("0529",)),
    ("ingrid.lund@demo.no", "Ingrid Lund", "adviser", ("0536",)),
    ("ole.haugen@demo.no", "Ole Haugen", "board", ()),
    ("anne.strand@demo.no", "Anne Strand", "board", ()),
]
COMPANIES = [  # key, name, municipality, postal code, place, SN2007, FTE, contact (None: the demo applicant)
    ("rat", "Raufoss Additiv Teknologi AS", "0529", "2830", "Raufoss", "25.620", 6, "Marte Rud"),
    ("hunnselv", "Hunnselv Mekaniske AS", "0502", "2827", "Hunndalen", "25.620", 38, "Geir Bråthen"),
    ("mjosdata", "Mjøsdata AS", "0502", "2815", "Gjøvik", "62.010", 12, None),
    ("totenaasen", "Totenåsen Bioenergi AS", "0528", "2847", "Kolbu", "16.100", 9, "Lars Haugerud"),
    ("vardal", "Vardal Sensorteknikk AS", "0502", "2818", "Gjøvik", "26.510", 7, None),
    ("hov", "Hov Treindustri AS", "0536", "2860", "Hov", "16.231", 24, "Tone Fjeld"),
    ("lena", "Lena Kornforedling AS", "0528", "2850", "Lena", "10.610", 5, "Eirik Sveen"),
    ("eina", "Eina Plastteknikk AS", "0529", "2843", "Eina", "22.290", 31, "Nina Bergum"),
    ("spill", "Gjøvik Spillstudio AS", "0502", "2816", "Gjøvik", "58.210", 4, "Jonas Mathisen"),
    ("skreia", "Skreia Fôr og Foredling AS", "0528", "2848", "Skreia", "10.910", 16, "Randi Hoel"),
    ("fluberg", "Fluberg Bærgård AS", "0536", "2862", "Fluberg", "01.250", 3, "Knut Lie"),
    ("regnskap", "Toten Regnskapskontor AS", "0528", "2850", "Lena", "69.201", 8, "Berit Moen"),
    ("lokalmat", "Biri Lokalmat AS", "0502", "2836", "Biri", "47.911", 2, "Kjersti Dahl"),
    ("glass", "Hunndalen Glass AS", "0502", "2827", "Hunndalen", "23.190", 11, "Arne Solberg"),
    ("kapp", "Kapp Båtservice AS", "0528", "2849", "Kapp", "33.150", 6, "Terje Bakke"),
    ("boverbru", "Bøverbru Elektro AS", "0529", "2846", "Bøverbru", "43.210", 19, "Mona Hagen"),
    ("trebat", "Toten Trebåt AS", "0528", "2848", "Skreia", "30.120", 5, None),
    ("reinsvoll", "Reinsvoll Maskin AS", "0529", "2840", "Reinsvoll", "28.300", 22, "Stian Enger"),
    ("snertingdal", "Snertingdal Gardsysteri AS", "0502", "2838", "Snertingdal", "10.510", 4, "Ingvild Sæther"),
    ("fall", "Fall Sagbruk AS", "0536", "2864", "Fall", "16.100", 9, "Olav Hovland"),
]


@dataclass(frozen=True)
class P:
    """A demo application and the state its case ends in (see ``PATHS``)."""

    company: str
    title: str
    focus: str
    kind: str
    cost: int
    grant: int  # applied for; granted as such if the board approves
    jobs_expected: int
    submitted: str
    meeting: str | None
    start: str
    end: str
    state: str
    jobs: tuple[int, ...] = ()  # job reports 12 and 24 months after completion
    part: int | None = None  # the part payment; by default all but the hold-back
    under: int = 0  # the final payment falls this far short of the rest of the grant


# fmt: off
PROJECTS = [
    # The eleven projects granted in 2017: 3 125 000 kr, 260 jobs expected, 42 reported.
    P("rat", "Kompetanseløft i additiv tilvirkning for produktutvikling", "industri", "spin_off", 1_000_000,
      450_000, 60, "2017-02-20", "2017-03-22", "2017-04-01", "2017-12-15", "completed", (12,)),
    P("hunnselv", "Robotisert sveiselinje for småserier", "industri", "development", 900_000,
      400_000, 40, "2017-02-27", "2017-03-22", "2017-04-15", "2018-03-31", "completed", (8,)),
    P("mjosdata", "Digital tvilling for prosessindustrien", "ikt", "development", 800_000,
      350_000, 35, "2017-04-24", "2017-05-31", "2017-08-01", "2020-06-30", "accepted", part=150_000),
    P("totenaasen", "Pellets av restråstoff fra sagbruk", "bio", "development", 650_000,
      300_000, 30, "2017-04-10", "2017-05-31", "2017-06-15", "2017-10-31", "closed", (5, 7)),
    P("vardal", "Trådløse sensorer for overvåking av landbruksbygg", "ikt", "spin_off", 700_000,
      300_000, 25, "2017-05-02", "2017-05-31", "2017-07-01", "2018-06-30", "completed", (6,)),
    P("hov", "Massivtreelementer for småhus", "industri", "development", 600_000,
      275_000, 20, "2017-08-14", "2017-09-13", "2017-10-01", "2018-09-30", "completed", (4,)),
    P("lena", "Foredling av lokalt korn til spesialmel", "bio", "pre_study", 520_000,
      250_000, 15, "2017-08-21", "2017-09-13", "2017-10-01", "2018-04-30", "completed", (3,)),
    P("eina", "Resirkulert plast i tekniske komponenter", "industri", "development", 540_000,
      250_000, 12, "2017-08-28", "2017-09-13", "2017-10-15", "2019-09-30", "reporting"),
    P("spill", "Læringsspill for opplæring i industrien", "ikt", "pre_study", 420_000,
      200_000, 10, "2017-10-23", "2017-11-22", "2018-01-01", "2018-08-31", "completed", (2,)),
    P("skreia", "Proteinfôr fra lokale biprodukter", "bio", "development", 450_000,
      200_000, 8, "2017-10-30", "2017-11-22", "2018-01-15", "2020-12-31", "accepted", part=100_000),
    P("fluberg", "Bærforedling og juiceproduksjon", "bio", "development", 320_000,
      150_000, 5, "2017-10-30", "2017-11-22", "2018-02-01", "2020-03-31", "accepted", part=60_000),
    # 2017 applications that were not granted.
    P("regnskap", "Nytt økonomisystem for egen drift", "annet", "development", 300_000,
      150_000, 1, "2017-03-06", None, "2017-05-01", "2017-12-31", "dismissed"),
    P("lokalmat", "Nettbutikk for lokalmat fra Biri", "bio", "pre_study", 240_000,
      100_000, 3, "2017-09-04", None, "2017-11-01", "2018-06-30", "withdrawn"),
    # 2018 and 2019: the rest of the states of SPEC §4.
    P("spill", "Kommersialisering av læringsspill for industrien", "ikt", "spin_off", 900_000,
      400_000, 12, "2018-02-05", "2018-03-14", "2018-04-01", "2020-09-30", "accepted", part=200_000),
    P("glass", "Gjenvinning av glass i designprodukter", "industri", "development", 760_000,
      350_000, 6, "2018-02-12", "2018-03-14", "2018-04-01", "2019-03-31", "declined"),
    P("kapp", "Elektrisk drivlinje for fritidsbåter", "industri", "development", 680_000,
      300_000, 5, "2018-05-07", "2018-06-13", "2018-08-01", "2019-06-30", "lapsed"),
    P("boverbru", "Energistyring i landbruksbygg", "ikt", "development", 500_000,
      220_000, 4, "2018-05-14", "2018-06-13", "2018-09-01", "2019-08-31", "cancelled"),
    P("rat", "Kvalifisering av printede deler for bilindustrien", "industri", "development", 1_200_000,
      500_000, 25, "2018-09-10", "2018-10-10", "2018-11-01", "2019-06-30", "completed", under=40_000),
    P("reinsvoll", "Automatisert vedlikehold av landbruksmaskiner", "industri", "development", 640_000,
      300_000, 6, "2019-08-12", "2019-09-18", "2019-11-01", "2020-10-31", "appealed"),
    P("fall", "Limtre av lokal gran", "bio", "development", 1_100_000,
      500_000, 15, "2019-10-07", "2019-11-27", "2020-01-01", "2021-06-30", "recommended"),
    P("trebat", "Trebåter i limtre for utleiemarkedet", "industri", "development", 560_000,
      250_000, 4, "2019-10-14", "2019-11-27", "2020-02-01", "2020-12-31", "rejected"),
    P("vardal", "Sensornettverk for presisjonslandbruk", "ikt", "development", 850_000,
      400_000, 10, "2019-10-21", "2019-11-27", "2020-01-15", "2021-06-30", "approved"),
    P("snertingdal", "Modningsrom for gardsost", "bio", "pre_study", 300_000,
      140_000, 3, "2019-11-01", "2019-12-11", "2020-01-15", "2020-08-31", "on_agenda"),
    P("mjosdata", "Maskinlæring for kvalitetskontroll i næringsmiddelindustrien", "ikt", "development", 720_000,
      320_000, 8, "2019-11-04", None, "2020-02-01", "2021-01-31", "returned"),
    P("hunnselv", "Automatisert etterbehandling av 3D-printede deler", "industri", "development", 980_000,
      450_000, 9, "2019-11-18", None, "2020-03-01", "2021-02-28", "screening"),
    P("lena", "Glutenfri havre fra Toten", "bio", "pre_study", 260_000,
      120_000, 2, "2019-12-02", None, "2020-03-01", "2020-12-31", "submitted"),
]
# fmt: on

_GRANTED = ["take", "recommend", "agenda", "approve"]
_DONE = [*_GRANTED, "accept", "part", "final_report", "final_payment", "jobs"]
PATHS = {  # the steps that take a submitted case to each state of SPEC §4
    "submitted": [],
    "screening": ["take"],
    "returned": ["take", "return"],
    "dismissed": ["take", "dismiss"],
    "withdrawn": ["take", "withdraw"],
    "recommended": ["take", "recommend", "agenda", "defer"],
    "on_agenda": ["take", "recommend", "agenda"],
    "approved": _GRANTED,
    "rejected": ["take", "recommend", "agenda", "reject"],
    "appealed": ["take", "recommend", "agenda", "reject", "appeal"],
    "declined": [*_GRANTED, "decline"],
    "lapsed": [*_GRANTED, "lapse"],
    "accepted": [*_GRANTED, "accept", "part"],
    "cancelled": [*_GRANTED, "accept", "cancel"],
    "reporting": [*_GRANTED, "accept", "part", "final_report"],
    "completed": _DONE,
    "closed": _DONE,  # the 24-month job report closes the case
}
CONDITIONS = "Tilskuddet utbetales mot dokumenterte kostnader. 25 % holdes tilbake til sluttrapporten er godkjent."
CHECKLIST = {
    "participating_municipality": True,
    "focus_area_fits": True,
    "support_share_ok": True,
    "de_minimis_ok": True,
    "innovation_norway_consulted": True,
    "innovation_norway_outcome": "Avklart med Innovasjon Norge Innlandet om alternativ finansiering.",
}
TEXT = {  # what the people of the story write
    "description": "{company} vil gjennomføre prosjektet «{title}» i samarbeid med NTNU i Gjøvik og leverandører i "
    "regionen, i tre arbeidspakker: kartlegging, utvikling og uttesting hos kunder.",
    "beside": "Prosjektet bygger på bedriftens kompetanse, men retter seg mot nye kunder og et nytt marked ved siden "
    "av dagens kjernevirksomhet.",
    "assessment": "Prosjektet passer i satsingsområdet og kan gi {jobs} nye arbeidsplasser på fire år. "
    "Finansieringen er avklart med Innovasjon Norge.",
    "against": "Vekstpotensialet er svakt dokumentert.",
    "return": "Legg ved markedsanalysen og en oppdatert fremdriftsplan.",
    "dismiss": "Prosjektet gjelder ordinær drift og ligger ikke ved siden av kjernevirksomheten.",
    "withdraw": "Vi utsetter prosjektet til neste år.",
    "reject": "Styret finner ikke at markedet for produktet er godt nok dokumentert.",
    "defer": "Utsatt til Innovasjon Norge har behandlet søknaden om medfinansiering.",
    "appeal": "Markedsanalysen vi la ved viser tydelig etterspørsel. Vi ber styret vurdere saken på nytt.",
    "decline": "Prosjektet er fullfinansiert på annen måte.",
    "cancel": "Prosjektet er ikke startet innen fristen, og bedriften har bekreftet at det ikke blir noe av.",
    "part": "Første arbeidspakke er ferdig.",
    "final": "Prosjektet er gjennomført, og resultatene er tatt i bruk.",
    "conflict": "Nær familie av daglig leder i søkerbedriften.",
}
RATE = 850  # NOK per hour of the company's own work
DAY = dt.timedelta(days=1)


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
        code=CODE, defaults={"name": NAME, "owner_organisation": OWNER, "start_date": dt.date(2017, 1, 1)}
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
