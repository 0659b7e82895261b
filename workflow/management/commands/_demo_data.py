"""The data of ``manage.py load_demo``: the programme, its municipalities, people and companies,
the projects and the state each case ends in, and what the people of the story write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

CODE = "NUP"
NAME = "Regionalt bedriftsrettet næringsutviklingsprogram – Gjøvikregionen"
OWNER = "Gjøvikregionen Utvikling (GR-U)"
PASSWORD = "demo-Passord-2017"  # noqa: S105 - the demo's published password
YEARS = (2017, 2018, 2019)
# Every case of the trial is concluded and the present is dated from today, so the daily
# reminder sweep and the automatic lapses run on the demo as on any programme.
REMINDERS_ACTIVE = True
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
    """A demo application and the state its case ends in, by the steps of ``PATHS``."""

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
    path: str = ""  # the steps (``PATHS``) that take the case to ``state``; by default the state's own
    jobs: tuple[int, ...] = ()  # job reports 12 and 24 months after completion (the second closes it)
    part: int | None = None  # the part payment; by default all but the hold-back
    part_on: str | None = None  # the day the part payment is asked for; by default mid-project
    under: int = 0  # the final payment falls this far short of the rest of the grant
    advice: str = "approve"  # the adviser's recommendation
    recommended: str | None = None  # the day of the recommendation; by default ten days before the meeting
    placed: str | None = None  # the day placed on the agenda; by default a week before the meeting
    again: str | None = None  # the meeting that decides the case again, after a deferral or an appeal
    conflict: str | None = None  # the day a board member declares a conflict of interest in the case

    @property
    def steps(self) -> list[str]:
        return PATHS[self.path or self.state]


# The trial as the seed report tells it, with every case concluded as it would be by now: the
# projects finished, paid out and followed up (job reports 12 and 24 months after completion),
# offers accepted, declined or lapsed.  The last step of the history is in August 2023.
TRIAL_END = dt.date(2019, 12, 31)
# fmt: off
PROJECTS = [
    # The eleven projects granted in 2017: 3 125 000 kr, 260 jobs expected; their latest job
    # reports add up to the seed's 42 new jobs.
    P("rat", "Kompetanseløft i additiv tilvirkning for produktutvikling", "industri", "spin_off", 1_000_000,
      450_000, 60, "2017-02-20", "2017-03-22", "2017-04-01", "2017-12-15", "closed", jobs=(8, 10)),
    P("hunnselv", "Robotisert sveiselinje for småserier", "industri", "development", 900_000,
      400_000, 40, "2017-02-27", "2017-03-22", "2017-04-15", "2018-03-31", "closed", jobs=(6, 7)),
    P("mjosdata", "Digital tvilling for prosessindustrien", "ikt", "development", 800_000,
      350_000, 35, "2017-04-24", "2017-05-31", "2017-08-01", "2020-06-30", "closed", jobs=(2, 4), part=150_000),
    P("totenaasen", "Pellets av restråstoff fra sagbruk", "bio", "development", 650_000,
      300_000, 30, "2017-04-10", "2017-05-31", "2017-06-15", "2017-10-31", "closed", jobs=(5, 6)),
    P("vardal", "Trådløse sensorer for overvåking av landbruksbygg", "ikt", "spin_off", 700_000,
      300_000, 25, "2017-05-02", "2017-05-31", "2017-07-01", "2018-06-30", "closed", jobs=(4, 5)),
    P("hov", "Massivtreelementer for småhus", "industri", "development", 600_000,
      275_000, 20, "2017-08-14", "2017-09-13", "2017-10-01", "2018-09-30", "closed", jobs=(3, 3)),
    P("lena", "Foredling av lokalt korn til spesialmel", "bio", "pre_study", 520_000,
      250_000, 15, "2017-08-21", "2017-09-13", "2017-10-01", "2018-04-30", "closed", jobs=(2, 2)),
    P("eina", "Resirkulert plast i tekniske komponenter", "industri", "development", 540_000,
      250_000, 12, "2017-08-28", "2017-09-13", "2017-10-15", "2019-09-30", "closed", jobs=(1, 2)),
    P("spill", "Læringsspill for opplæring i industrien", "ikt", "pre_study", 420_000,
      200_000, 10, "2017-10-23", "2017-11-22", "2018-01-01", "2018-08-31", "closed", jobs=(2, 1)),
    P("skreia", "Proteinfôr fra lokale biprodukter", "bio", "development", 450_000,
      200_000, 8, "2017-10-30", "2017-11-22", "2018-01-15", "2020-12-31", "closed", jobs=(0, 1), part=100_000),
    P("fluberg", "Bærforedling og juiceproduksjon", "bio", "development", 320_000,
      150_000, 5, "2017-10-30", "2017-11-22", "2018-02-01", "2020-03-31", "closed", jobs=(1, 1), part=60_000),
    # 2017 applications that were not granted.
    P("regnskap", "Nytt økonomisystem for egen drift", "annet", "development", 300_000,
      150_000, 1, "2017-03-06", None, "2017-05-01", "2017-12-31", "dismissed"),
    P("lokalmat", "Nettbutikk for lokalmat fra Biri", "bio", "pre_study", 240_000,
      100_000, 3, "2017-09-04", None, "2017-11-01", "2018-06-30", "withdrawn"),
    # 2018 and 2019: offers declined, lapsed and cancelled, a refusal, an appeal, a deferral.
    P("spill", "Kommersialisering av læringsspill for industrien", "ikt", "spin_off", 900_000,
      400_000, 12, "2018-02-05", "2018-03-14", "2018-04-01", "2020-09-30", "closed", jobs=(3, 4), part=200_000),
    P("glass", "Gjenvinning av glass i designprodukter", "industri", "development", 760_000,
      350_000, 6, "2018-02-12", "2018-03-14", "2018-04-01", "2019-03-31", "declined"),
    P("kapp", "Elektrisk drivlinje for fritidsbåter", "industri", "development", 680_000,
      300_000, 5, "2018-05-07", "2018-06-13", "2018-08-01", "2019-06-30", "lapsed"),
    P("boverbru", "Energistyring i landbruksbygg", "ikt", "development", 500_000,
      220_000, 4, "2018-05-14", "2018-06-13", "2018-09-01", "2019-08-31", "cancelled"),
    P("rat", "Kvalifisering av printede deler for bilindustrien", "industri", "development", 1_200_000,
      500_000, 25, "2018-09-10", "2018-10-10", "2018-11-01", "2019-06-30", "closed", jobs=(5, 6), under=40_000),
    P("reinsvoll", "Automatisert vedlikehold av landbruksmaskiner", "industri", "development", 640_000,
      300_000, 6, "2019-08-12", "2019-09-18", "2019-11-01", "2020-10-31", "closed", path="closed_after_appeal",
      again="2019-11-27", jobs=(1, 2)),
    P("fall", "Limtre av lokal gran", "bio", "development", 1_100_000,
      500_000, 15, "2019-10-07", "2019-11-27", "2020-01-01", "2021-06-30", "closed", path="closed_after_deferral",
      again="2019-12-11", jobs=(3, 5)),
    P("trebat", "Trebåter i limtre for utleiemarkedet", "industri", "development", 560_000,
      250_000, 4, "2019-10-14", "2019-11-27", "2020-02-01", "2020-12-31", "rejected", advice="reject"),
    P("vardal", "Sensornettverk for presisjonslandbruk", "ikt", "development", 850_000,
      400_000, 10, "2019-10-21", "2019-11-27", "2020-01-15", "2021-06-30", "closed", jobs=(2, 3)),
    P("snertingdal", "Modningsrom for gardsost", "bio", "pre_study", 300_000,
      140_000, 3, "2019-11-01", "2019-12-11", "2020-01-15", "2020-08-31", "closed", jobs=(1, 1),
      conflict="2019-12-05"),
    P("mjosdata", "Maskinlæring for kvalitetskontroll i næringsmiddelindustrien", "ikt", "development", 720_000,
      320_000, 8, "2019-11-04", None, "2020-02-01", "2021-01-31", "withdrawn", path="withdrawn_after_return"),
    P("hunnselv", "Automatisert etterbehandling av 3D-printede deler", "industri", "development", 980_000,
      450_000, 9, "2019-11-18", "2019-12-11", "2020-03-01", "2021-02-28", "closed", jobs=(2, 3)),
    P("lena", "Glutenfri havre fra Toten", "bio", "pre_study", 260_000,
      120_000, 2, "2019-12-02", None, "2020-03-01", "2020-12-31", "withdrawn"),
]
# fmt: on

_GRANTED = ["take", "recommend", "agenda", "approve"]
_CARRIED_OUT = ["accept", "part", "final_report", "final_payment"]
PATHS = {  # the steps that take a submitted case to each state of SPEC §4
    "submitted": [],
    "screening": ["take"],
    "returned": ["take", "return"],
    "dismissed": ["take", "dismiss"],
    "withdrawn": ["take", "withdraw"],
    "withdrawn_after_return": ["take", "return", "withdraw"],
    "recommended": ["take", "recommend", "agenda", "defer"],
    "on_agenda": ["take", "recommend", "agenda"],
    "approved": _GRANTED,
    "rejected": ["take", "recommend", "agenda", "reject"],
    "appealed": ["take", "recommend", "agenda", "reject", "appeal"],
    "declined": [*_GRANTED, "decline"],
    "lapsed": [*_GRANTED, "lapse"],
    "accepted": [*_GRANTED, "accept", "part"],
    "accepted_with_request": [*_GRANTED, "accept", "request"],  # a part payment asked for, not paid yet
    "cancelled": [*_GRANTED, "accept", "cancel"],
    "reporting": [*_GRANTED, "accept", "part", "final_report"],
    "completed": [*_GRANTED, *_CARRIED_OUT],
    "closed": [*_GRANTED, *_CARRIED_OUT, "jobs"],  # the 24-month job report closes the case
    "closed_after_appeal": [
        "take", "recommend", "agenda", "reject", "appeal", "again", "agenda", "approve", *_CARRIED_OUT, "jobs"
    ],
    "closed_after_deferral": [
        "take", "recommend", "agenda", "defer", "again", "agenda", "approve", *_CARRIED_OUT, "jobs"
    ],
}  # fmt: skip
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
    "assessment_against": "Prosjektet ligger i utkanten av satsingsområdet, og markedet er lite undersøkt.",
    "against": "Vekstpotensialet er svakt dokumentert.",
    "return": "Legg ved markedsanalysen og en oppdatert fremdriftsplan.",
    "dismiss": "Prosjektet gjelder ordinær drift og ligger ikke ved siden av kjernevirksomheten.",
    "withdraw": "Vi utsetter prosjektet til neste år.",
    "withdraw_returned": "Vi rekker ikke å lage markedsanalysen nå, og trekker søknaden.",
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
