"""Generate a national-scale dataset in the bench database (PostgreSQL).

    python -m bench.generate --programmes 50 --cases 50000 --years 10 --staff 1000 --reset

Bench data, not production code: rows are written with ``bulk_create`` in batches, and
``Case.state`` is set directly instead of walking each case through the services (which
would take hours at this scale).  The rows are nevertheless kept consistent the way the
services would leave them: every state change has its timeline event, every offer its
commit row, every payment its disburse row, every declined/lapsed/cancelled offer a release
of what was not paid, and the final payment only after a final report.

Fixed points the benchmark relies on (``bench/run.py`` finds them by these names):
- programme ``B001``'s next board meeting has exactly 30 cases on its agenda (the issue's
  agenda of 30 cases; B001's other cases waiting for a meeting go to the one after);
- case ``B001-EVENTS`` has exactly 50 timeline events (its own and staff notes);
- ``bench-superuser@example.no`` is a superuser; every bench user's password is ``bench``.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from bench.environment import bench_url, django_setup, ensure_database

BATCH = 5000
PASSWORD = "bench"  # noqa: S105  (bench users on a throw-away database)
MUNICIPALITIES_PER_PROGRAMME = 5
CASES_PER_COMPANY = 5
AGENDA_CASES = 30
EVENT_CASE_EVENTS = 50  # the case page with 50 events
# Days to accept an offer.  The board meets monthly (the 10th), so an offer not yet accepted was
# made at the last meeting, up to 31 days ago: with the default 21 days every such offer would
# be past its deadline on some days of the month (the 1st to the 10th) and the reminder sweep's
# first run would lapse all of them at once (506 on 7 December 2026), which no real day does.
ACCEPTANCE_DAYS = 35

# How the cases spread over the states (weights), and how recent a case in each state must be
# (days from its last event to today) for the data to agree with the deadlines: an offer not
# yet accepted is younger than the acceptance period, an accepted one younger than its expiry.
STATE_WEIGHTS = {
    "closed": 28,
    "rejected": 12,
    "completed": 9,
    "accepted": 9,
    "withdrawn": 5,
    "dismissed": 5,
    "screening": 5,
    "submitted": 5,
    "lapsed": 4,
    "reporting": 4,
    "declined": 3,
    "recommended": 3,
    "on_agenda": 2,
    "returned": 2,
    "cancelled": 2,
    "approved": 1,
    "appealed": 1,
}
RECENT_DAYS = {
    "submitted": 60,
    "screening": 90,
    "returned": 60,
    "recommended": 120,
    "on_agenda": 0,
    "approved": 0,
    "appealed": 60,
    "accepted": 400,
    "reporting": 120,
    "completed": 600,
}
PATHS = {
    "submitted": ["submitted"],
    "screening": ["submitted", "screening"],
    "returned": ["submitted", "screening", "returned"],
    "dismissed": ["submitted", "screening", "dismissed"],
    "withdrawn": ["submitted", "screening", "withdrawn"],
    "recommended": ["submitted", "screening", "recommended"],
    "on_agenda": ["submitted", "screening", "recommended", "on_agenda"],
    "rejected": ["submitted", "screening", "recommended", "on_agenda", "rejected"],
    "appealed": ["submitted", "screening", "recommended", "on_agenda", "rejected", "appealed"],
    "approved": ["submitted", "screening", "recommended", "on_agenda", "approved"],
    "declined": ["submitted", "screening", "recommended", "on_agenda", "approved", "declined"],
    "lapsed": ["submitted", "screening", "recommended", "on_agenda", "approved", "lapsed"],
    "accepted": ["submitted", "screening", "recommended", "on_agenda", "approved", "accepted"],
    "cancelled": ["submitted", "screening", "recommended", "on_agenda", "approved", "accepted", "cancelled"],
    "reporting": ["submitted", "screening", "recommended", "on_agenda", "approved", "accepted", "reporting"],
    "completed": [
        *["submitted", "screening", "recommended", "on_agenda", "approved", "accepted", "reporting"],
        "completed",
    ],
    "closed": [
        *["submitted", "screening", "recommended", "on_agenda", "approved", "accepted", "reporting"],
        *["completed", "closed"],
    ],
}
OFFER_STATES = {"approved", "declined", "lapsed", "accepted", "cancelled", "reporting", "completed", "closed"}
MEETING_DAY = 10  # the board meets on the 10th of every month
DECIDED = ("approved", "rejected")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programmes", type=int, default=50)
    parser.add_argument("--cases", type=int, default=50000, help="cases in all, spread evenly over the programmes")
    parser.add_argument("--years", type=int, default=10, help="years of history up to this year")
    parser.add_argument("--staff", type=int, default=1000, help="advisers, board members and administrators")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reset", action="store_true", help="drop and re-create the bench database first")
    return parser.parse_args(argv)


@dataclass
class Plan:
    """One case as it will be written: its path of states with their moments."""

    programme: Any
    municipality: Any
    company: Any
    applicant: Any
    state: str
    times: list[datetime]
    decision_at: datetime | None = None
    amount: Decimal = Decimal("0")
    meeting_date: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _meeting_before(moment: datetime, tz: Any) -> datetime:
    """The board's last meeting (the 10th at 14:00) on or before ``moment``."""
    candidate = moment.replace(day=MEETING_DAY, hour=14, minute=0, second=0, microsecond=0)
    if candidate > moment:
        first = candidate.replace(day=1) - timedelta(days=1)
        candidate = first.replace(day=MEETING_DAY)
    return candidate


def _next_meeting(today: date) -> date:
    if today.day < MEETING_DAY:
        return today.replace(day=MEETING_DAY)
    return (today.replace(day=28) + timedelta(days=5)).replace(day=MEETING_DAY)


def _plan_times(rng: random.Random, state: str, now: datetime, earliest: datetime, tz: Any) -> tuple[list, Any]:
    """The moments of the path's events, built backwards from the last one so that each state
    meets its deadlines; the board's decisions fall on meeting days."""
    path = PATHS[state]
    window = RECENT_DAYS.get(state)
    span = (now - earliest).days - 30 * len(path)
    back = rng.uniform(0, window if window is not None else max(span, 1))
    last = now - timedelta(days=back, hours=rng.uniform(1, 8))
    if path[-1] in DECIDED:
        last = _meeting_before(last, tz)
    times: list[datetime] = [last]
    for index in range(len(path) - 2, -1, -1):
        moment = times[0] - timedelta(days=rng.uniform(3, 25))
        if path[index] in DECIDED:
            moment = _meeting_before(times[0] - timedelta(hours=1), tz)
        times.insert(0, moment)
    if state == "closed":
        # The job follow-up (12 and 24 months) runs from completion; a closed case is past it.
        # Whole months keep the decision on its meeting day.
        completion = times[path.index("completed")]
        target = now - timedelta(days=760 + rng.uniform(0, max(span - 760, 1)))
        months = max(0, -(-(completion - target).days // 30))
        times = [moment - relativedelta(months=months) for moment in times]
    decided = next((times[i] for i, s in enumerate(path) if s in DECIDED), None)
    return times, decided


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    url = bench_url()
    ensure_database(url, reset=args.reset)
    django_setup()
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    print(f"migrated {url} in {time.monotonic() - started:.1f} s")
    from workflow.models import Case

    if Case.objects.exists():
        raise SystemExit("The bench database already holds cases: run with --reset to start again.")
    Generator(args).run()
    print(f"done in {time.monotonic() - started:.1f} s")


class Generator:
    def __init__(self, args: argparse.Namespace) -> None:
        from django.utils import timezone

        self.args = args
        self.rng = random.Random(args.seed)
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now().astimezone(self.tz)
        self.today = self.now.date()
        self.first_year = self.today.year - args.years + 1
        self.earliest = datetime(self.first_year, 1, 15, 9, tzinfo=self.tz)
        self.cases_per_programme = max(1, args.cases // args.programmes)
        self.staff_per_programme = max(5, args.staff // args.programmes)
        self.counts: dict[str, int] = defaultdict(int)

    # --- helpers ----------------------------------------------------------------------------

    def bulk(self, model: Any, rows: list[Any]) -> list[Any]:
        created: list[Any] = []
        for start in range(0, len(rows), BATCH):
            created.extend(model.objects.bulk_create(rows[start : start + BATCH]))
        self.counts[model.__name__] += len(rows)
        return created

    def step(self, label: str, started: float) -> None:
        print(f"  {label}: {time.monotonic() - started:.1f} s", flush=True)

    # --- the run ------------------------------------------------------------------------------

    def run(self) -> None:
        from django.db import transaction

        with transaction.atomic():
            t = time.monotonic()
            self.make_programmes()
            self.step("programmes, municipalities, budget years", t)
            t = time.monotonic()
            self.make_people()
            self.step("staff, applicants, companies", t)
            t = time.monotonic()
            self.make_cases()
            self.step("cases and everything on them", t)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for name, count in sorted(self.counts.items()):
            print(f"  {name:<20} {count:>9}")

    def make_programmes(self) -> None:
        from programme.models import BudgetYear, Contribution, FocusArea, Municipality, Programme

        programmes = [
            Programme(
                code=f"B{number:03d}",
                name=f"Næringsprogram {number}",
                owner_organisation=f"Regionråd {number}",
                start_date=date(self.first_year, 1, 1),
                reminders_active=True,
                acceptance_days=ACCEPTANCE_DAYS,
            )
            for number in range(1, self.args.programmes + 1)
        ]
        self.programmes = self.bulk(Programme, programmes)
        municipalities = []
        for p_index, programme in enumerate(self.programmes):
            for m in range(MUNICIPALITIES_PER_PROGRAMME):
                number = f"{(p_index * MUNICIPALITIES_PER_PROGRAMME + m) % 10000:04d}"
                municipalities.append(
                    Municipality(programme=programme, number=number, name=f"Kommune {programme.code}-{m + 1}")
                )
        self.municipalities: dict[int, list[Any]] = defaultdict(list)
        for municipality in self.bulk(Municipality, municipalities):
            self.municipalities[municipality.programme_id].append(municipality)
        areas = [
            FocusArea(programme=programme, code=code, name=name)
            for programme in self.programmes
            for code, name in [("industri", "Industri"), ("ikt", "IKT"), ("bio", "Bioøkonomi"), ("annet", "Annet")]
        ]
        self.focus_areas: dict[int, list[Any]] = defaultdict(list)
        for area in self.bulk(FocusArea, areas):
            self.focus_areas[area.programme_id].append(area)
        years = [
            BudgetYear(programme=programme, year=year)
            for programme in self.programmes
            for year in range(self.first_year, self.today.year + 1)
        ]
        self.budget_years = {(row.programme_id, row.year): row for row in self.bulk(BudgetYear, years)}
        # The frame is ample for the approvals the generator makes: recent years hold most open
        # offers, about three times an average year's commitments, so 1 000 000 kr per case and year.
        per_year = Decimal(max(1, self.cases_per_programme // self.args.years) * 1_000_000)
        contributions = []
        for budget_year in self.budget_years.values():
            municipalities = self.municipalities[budget_year.programme_id]
            for municipality in municipalities:
                contributions.append(
                    Contribution(
                        budget_year=budget_year,
                        funder=municipality.name,
                        municipality=municipality,
                        amount=per_year / len(municipalities),
                    )
                )
        self.bulk(Contribution, contributions)

    def make_people(self) -> None:
        from django.contrib.auth.hashers import make_password
        from stdnum.no import orgnr

        from applications.models import Company, CompanyMember
        from programme.models import StaffRole, User

        password = make_password(PASSWORD)  # hashed once: PBKDF2 for 10 000 users would take minutes
        User.objects.create_superuser("bench-superuser@example.no", PASSWORD, first_name="Bench", last_name="Super")
        users = []
        roles_plan = []
        for programme in self.programmes:
            for index in range(self.staff_per_programme):
                kind = "admin" if index < 2 else "board" if index < 6 else "adviser"
                users.append(
                    User(
                        email=f"{kind}{index}.{programme.code.lower()}@example.no",
                        password=password,
                        first_name=kind.capitalize(),
                        last_name=f"{programme.code} {index}",
                        email_verified=True,
                        is_staff=False,
                    )
                )
                roles_plan.append((programme, kind, index))
        staff_users = self.bulk(User, users)
        roles = [
            StaffRole(user=user, programme=programme, kind=kind)
            for user, (programme, kind, _index) in zip(staff_users, roles_plan, strict=True)
        ]
        roles = self.bulk(StaffRole, roles)
        through = StaffRole.municipalities.through
        links = []
        self.advisers: dict[int, list[Any]] = defaultdict(list)
        self.board: dict[int, list[Any]] = defaultdict(list)
        self.admins: dict[int, list[Any]] = defaultdict(list)
        for role, user, (programme, kind, index) in zip(roles, staff_users, roles_plan, strict=True):
            if kind == "adviser":
                municipality = self.municipalities[programme.pk][index % MUNICIPALITIES_PER_PROGRAMME]
                links.append(through(staffrole_id=role.pk, municipality_id=municipality.pk))
                self.advisers[municipality.pk].append(user)
            elif kind == "board":
                self.board[programme.pk].append(user)
            else:
                self.admins[programme.pk].append(user)
        self.bulk(through, links)

        companies_per_programme = max(1, self.cases_per_programme // CASES_PER_COMPANY)
        applicants = []
        company_rows = []
        base = 810_000_000
        for programme in self.programmes:
            for index in range(companies_per_programme):
                while True:
                    base += 10
                    number = next((str(base + d) for d in range(10) if orgnr.is_valid(str(base + d))), None)
                    if number:
                        break
                municipality = self.rng.choice(self.municipalities[programme.pk])
                company_rows.append(
                    Company(
                        programme=programme,
                        org_number=number,
                        name=f"Bedrift {programme.code}-{index + 1} AS",
                        municipality=municipality,
                        industry_code="62.010",
                        employees_fte=Decimal(self.rng.randint(1, 200)),
                    )
                )
                applicants.append(
                    User(
                        email=f"soker{index + 1}.{programme.code.lower()}@example.no",
                        password=password,
                        first_name="Søker",
                        last_name=f"{programme.code} {index + 1}",
                        email_verified=True,
                    )
                )
        self.companies = self.bulk(Company, company_rows)
        self.applicants = self.bulk(User, applicants)
        self.bulk(
            CompanyMember,
            [
                CompanyMember(company=company, user=user, is_contact=True, title="Daglig leder")
                for company, user in zip(self.companies, self.applicants, strict=True)
            ],
        )
        self.companies_of: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
        for company, user in zip(self.companies, self.applicants, strict=True):
            self.companies_of[company.programme_id].append((company, user))

    # --- cases --------------------------------------------------------------------------------

    def plans(self) -> list[Plan]:
        states = list(STATE_WEIGHTS)
        weights = list(STATE_WEIGHTS.values())
        plans = []
        for p_index, programme in enumerate(self.programmes):
            for index in range(self.cases_per_programme):
                big_agenda = p_index == 0 and index < min(AGENDA_CASES, self.cases_per_programme // 2)
                if big_agenda:
                    state = "on_agenda"  # the agenda of the benchmark
                else:
                    state = self.rng.choices(states, weights)[0]
                company, applicant = self.rng.choice(self.companies_of[programme.pk])
                times, decision_at = _plan_times(self.rng, state, self.now, self.earliest, self.tz)
                plan = Plan(
                    programme=programme,
                    municipality=company.municipality,
                    company=company,
                    applicant=applicant,
                    state=state,
                    times=times,
                    decision_at=decision_at,
                    amount=Decimal(self.rng.randrange(100_000, 600_000, 5_000)),
                )
                if state == "on_agenda":
                    next_meeting = _next_meeting(self.today)
                    # The benchmark's agenda holds exactly its own cases; B001's others wait
                    # for the meeting after.
                    later = p_index == 0 and not big_agenda
                    plan.meeting_date = _next_meeting(next_meeting) if later else next_meeting
                elif decision_at is not None:
                    plan.meeting_date = decision_at.date()
                plans.append(plan)
        plans.sort(key=lambda plan: plan.times[0])
        return plans

    def make_cases(self) -> None:
        from applications.models import Application, CostLine, FinancingLine
        from workflow.models import AgendaItem, BoardMeeting, Case

        t = time.monotonic()
        plans = self.plans()
        numbers: dict[tuple[str, int], int] = defaultdict(int)
        applications = []
        for plan in plans:
            submitted = plan.times[0]
            applications.append(
                Application(
                    programme=plan.programme,
                    company=plan.company,
                    created_by=plan.applicant,
                    created_at=submitted - timedelta(days=10),
                    status=Application.Status.SUBMITTED,
                    submitted_at=submitted,
                    title=f"Utviklingsprosjekt {plan.company.name}",
                    summary="Et prosjekt ved siden av kjernevirksomheten.",
                    description="Beskrivelse av prosjektet.",
                    focus_area=self.rng.choice(self.focus_areas[plan.programme.pk]),
                    kind=Application.Kind.DEVELOPMENT,
                    beside_core_business="Nytt marked.",
                    start_date=submitted.date() + timedelta(days=30),
                    end_date=submitted.date() + timedelta(days=400),
                    new_jobs_expected=Decimal(self.rng.randint(0, 6)),
                    jobs_secured=Decimal(self.rng.randint(0, 10)),
                    expected_turnover=Decimal(self.rng.randint(1, 50) * 100_000),
                    information_is_true=True,
                )
            )
        applications = self.bulk(Application, applications)
        lines_cost, lines_financing = [], []
        for plan, application in zip(plans, applications, strict=True):
            total = plan.amount * 2
            lines_cost.append(
                CostLine(application=application, category="external", description="Konsulent", amount=total)
            )
            lines_financing.append(FinancingLine(application=application, source="this_programme", amount=plan.amount))
            lines_financing.append(
                FinancingLine(application=application, source="own_funds", amount=total - plan.amount)
            )
        self.bulk(CostLine, lines_cost)
        self.bulk(FinancingLine, lines_financing)
        self.step("applications", t)

        cases = []
        for plan, application in zip(plans, applications, strict=True):
            year = plan.times[0].year
            numbers[(plan.programme.code, year)] += 1
            cases.append(
                Case(
                    programme=plan.programme,
                    application=application,
                    reference=f"{plan.programme.code}-{year}-{numbers[(plan.programme.code, year)]:04d}",
                    municipality=plan.municipality,
                    state=plan.state,  # written directly: bench data, see the module's docstring
                    submitted_at=plan.times[0],
                    created_at=plan.times[0],
                    imported=False,
                )
            )
        cases = self.bulk(Case, cases)
        self.step("cases", t)

        # Board meetings: one per programme and meeting day that any case needs.
        meeting_keys = sorted({(plan.programme.pk, plan.meeting_date) for plan in plans if plan.meeting_date})
        meetings = self.bulk(
            BoardMeeting,
            [
                BoardMeeting(programme_id=programme_id, date=day, title="", location="Rådhuset")
                for programme_id, day in meeting_keys
            ],
        )
        self.meetings = {(m.programme_id, m.date): m for m in meetings}
        through = BoardMeeting.members.through
        self.bulk(
            through,
            [
                through(boardmeeting_id=meeting.pk, user_id=user.pk)
                for meeting in meetings
                for user in self.board[meeting.programme_id]
            ],
        )
        positions: dict[int, int] = defaultdict(int)
        items = []
        for plan, case in zip(plans, cases, strict=True):
            if plan.meeting_date:
                meeting = self.meetings[(plan.programme.pk, plan.meeting_date)]
                positions[meeting.pk] += 1
                items.append(AgendaItem(meeting=meeting, case=case, position=positions[meeting.pk]))
        self.bulk(AgendaItem, items)
        self.step("meetings and agendas", t)
        from bench.generate_details import case_details

        case_details(self, plans, cases)
        self.step("timeline, decisions, offers, money", t)


if __name__ == "__main__":
    main()
