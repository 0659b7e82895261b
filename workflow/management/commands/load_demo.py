"""``manage.py load_demo``: the Gjøvik region's programme as its final report tells it, and as
it runs today.

*Regionalt bedriftsrettet næringsutviklingsprogram* (seed report, «Aktivitet 4.1»): a
three-year trial from 1 January 2017, funded by Gjøvik, Østre Toten, Vestre Toten and Søndre
Land (Nordre Land stays out); in 2017 a frame of 5 050 000 kr, of which 3 125 000 kr went to
eleven projects that created 42 jobs and expect about 260 in four years.

Two parts, both driven through the services as of the days they happened (``clock.travel_to``):

- the history (``_demo_data``): the trial's cases, every one concluded as it would be by now;
- the present (``_demo_live``): this year's budget and a case in every open state, dated in
  days from the day of loading.

Configuration is brought up to date on every run.  Loading again on the same day changes no
case.  Loading on a later day tells the present afresh as of the new day: the cases, meetings
and budget years after the trial are removed and made again (``_demo_reset``); the history
stays as it is.  A history that is not the one told here (an older demo) is told afresh too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from programme import clock
from programme.models import BudgetYear, Contribution, FocusArea, Municipality, Programme, StaffRole, User
from programme.money import format_nok
from workflow import tasks
from workflow.management.commands._demo_data import (
    CODE,
    FOCUS_AREAS,
    LOGINS,
    MUNICIPALITIES,
    NAME,
    OWNER,
    PASSWORD,
    PROJECTS,
    REMINDERS_ACTIVE,
    STAFF,
    TARGETS,
    TRIAL_END,
    YEARS,
)
from workflow.management.commands._demo_live import budget_years, live_projects, made_on
from workflow.management.commands._demo_reset import demo_remove
from workflow.management.commands._demo_story import Story, company_org_number, person
from workflow.models import BoardMeeting, Case, Offer
from workflow.selectors.evaluation import evaluation_figures

# The history's last step (a job report in August 2023) lies before the present's first one
# (about 310 days before the day of loading).
EARLIEST_DAY = dt.date(2024, 7, 1)


def budget_year_ensure(programme: Programme, year: int) -> BudgetYear:
    """The year's budget with its targets, framed by the participating municipalities' contributions."""
    budget_year, _created = BudgetYear.objects.update_or_create(programme=programme, year=year, defaults=TARGETS)
    for number, name, participating, amount in MUNICIPALITIES:
        if participating:
            Contribution.objects.update_or_create(
                budget_year=budget_year,
                funder=f"{name} kommune",
                defaults={"municipality": programme.municipalities.get(number=number), "amount": Decimal(amount)},
            )
    return budget_year


def configure() -> tuple[Programme, dict[str, User]]:
    """The programme, its municipalities, focus areas, the trial's budget years and people (update or create)."""
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
        budget_year_ensure(programme, year)
    people = {}
    staff = [(e, n, k, m, PASSWORD) for e, n, k, m, _label in LOGINS] + [(*row, None) for row in STAFF]
    for email, name, kind, numbers, password in staff:
        admin = kind == "admin"
        people[email] = person(email, name, password=password, is_staff=admin, is_superuser=admin)
        if kind:
            role, _created = StaffRole.objects.get_or_create(user=people[email], programme=programme, kind=kind)
            role.municipalities.set([municipalities[n] for n in numbers])
    return programme, people


def _told(programme: Programme, projects: list[Any], cases: Any) -> bool:
    """Whether ``cases`` are exactly the projects' cases, each in the state its story ends in."""
    found = sorted(cases.values_list("application__company__org_number", "application__title", "state"))
    return found == sorted((company_org_number(p.company), p.title, p.state) for p in projects)


def history_told(programme: Programme) -> bool:
    after = timezone.make_aware(dt.datetime.combine(TRIAL_END + dt.timedelta(days=1), dt.time()))
    return _told(programme, PROJECTS, Case.objects.filter(programme=programme, submitted_at__lt=after))


def present_made_on(programme: Programme) -> dt.date | None:
    """The day the present was made, read from its first application (``None``: no present)."""
    marker = live_projects(clock.today())[0]
    submitted = (
        Case.objects.filter(
            programme=programme,
            application__company__org_number=company_org_number(marker.company),
            application__title=marker.title,
        )
        .values_list("submitted_at", flat=True)
        .first()
    )
    return made_on(timezone.localdate(submitted)) if submitted else None


def bring_up_to(programme: Programme, people: dict[str, User], today: dt.date) -> str:
    """Tell what is missing as of ``today``; returns what was done, in a sentence."""
    if not history_told(programme):
        removed = demo_remove(
            cases=Case.objects.filter(programme=programme),
            meetings=BoardMeeting.objects.filter(programme=programme),
            budget_years=BudgetYear.objects.filter(programme=programme, year__gt=TRIAL_END.year),
        )
        history = Story(programme, people).run(PROJECTS)
        done = f"Lagt inn historikken 2017–2019 med {len(history)} saker"
        done += f" (fjernet {removed} eldre saker)" if removed else ""
    elif present_made_on(programme) == today:
        return f"Programmet {CODE} er allerede lagt inn i dag; ingen saker er endret."
    else:
        after = timezone.make_aware(dt.datetime.combine(TRIAL_END + dt.timedelta(days=1), dt.time()))
        removed = demo_remove(
            cases=Case.objects.filter(programme=programme, submitted_at__gte=after),
            meetings=BoardMeeting.objects.filter(programme=programme, date__gt=TRIAL_END),
            budget_years=BudgetYear.objects.filter(programme=programme, year__gt=TRIAL_END.year),
        )
        done = f"Historikken 2017–2019 er uendret; fjernet {removed} saker fra før i dag"
    for year in budget_years(today):
        budget_year_ensure(programme, year)
    present = Story(programme, people).run(live_projects(today))
    # The reminders due today go out when the worker runs (as the daily sweep would).
    transaction.on_commit(tasks.run_reminders.delay)
    return f"{done}, og {len(present)} saker i dag ({today:%d.%m.%Y})."


def figures_2017(programme: Programme) -> dict[str, Any]:
    """The seed's reference figures, read back from the evaluation of 2017."""
    [year] = evaluation_figures(programme=programme, period_from=dt.date(2017, 1, 1), period_to=dt.date(2017, 12, 31))[
        "years"
    ]
    return {
        "frame": year["budget_frame"],
        "committed": year["committed"],
        "granted": year["approved"],
        "jobs_reported": year["jobs_reported"],
        "jobs_expected": year["jobs_expected"],
    }


class Command(BaseCommand):
    help = "Laster demodata: Gjøvikregionens næringsprogram, prøveperioden 2017–2019 og året i år."

    def handle(self, *args: Any, **options: Any) -> None:
        today = clock.today()
        if today < EARLIEST_DAY:
            raise CommandError(f"Demoens historikk går til 2023; klokka står på {today:%d.%m.%Y}.")
        with transaction.atomic():
            programme, people = configure()
            self.stdout.write(self.style.SUCCESS(bring_up_to(programme, people, today)))
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
        offers = Offer.objects.filter(budget_year__programme=programme, budget_year__year=today.year).count()
        self.stdout.write(f"{today.year}: {offers} tilsagn så langt i år.")
