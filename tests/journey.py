"""A small world of people and a driver that takes a case to any state through the services,
the way the people of SPEC §1 would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from applications.models import Application, Company
from programme import clock
from programme.models import BudgetYear, FocusArea, Municipality, Programme, User
from tests.factories import (
    ApplicationFactory,
    BudgetYearFactory,
    CompanyFactory,
    FocusAreaFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    UserFactory,
    add_member,
    staff_role,
)
from workflow import services
from workflow.models import BoardMeeting, Case, State

GRANT = Decimal("400000")


@dataclass
class World:
    programme: Programme
    municipality_a: Municipality
    municipality_b: Municipality
    focus_area: FocusArea
    budget_year: BudgetYear
    company_a: Company
    company_b: Company
    applicant_a: User
    applicant_b: User
    adviser_a: User
    adviser_b: User
    board_member: User
    board_member_2: User
    admin: User
    other_programme: Programme
    other_admin: User
    other_board_member: User
    meeting: BoardMeeting

    def people(self) -> dict[str, User | None]:
        """Every kind of actor, by a name a test can print."""
        return {
            "system": None,
            "applicant_a": self.applicant_a,
            "applicant_b": self.applicant_b,
            "adviser_a": self.adviser_a,
            "adviser_b": self.adviser_b,
            "board_member": self.board_member,
            "other_board_member": self.other_board_member,
            "admin": self.admin,
            "other_admin": self.other_admin,
        }

    def application(self, company: Company | None = None, **kwargs: Any) -> Application:
        company = company or self.company_a
        applicant = self.applicant_a if company == self.company_a else self.applicant_b
        today = clock.today()
        kwargs.setdefault("start_date", today)
        kwargs.setdefault("end_date", today + dt.timedelta(days=365))
        return ApplicationFactory(company=company, created_by=applicant, focus_area=self.focus_area, **kwargs)

    def submitted_case(self, company: Company | None = None, **kwargs: Any) -> Case:
        application = self.application(company, **kwargs)
        return services.application_submit(application=application, actor=application.created_by)


def build_world(frame: Decimal = Decimal("5000000")) -> World:
    programme = ProgrammeFactory(code="NUP", name="Næringsprogrammet")
    municipality_a = MunicipalityFactory(programme=programme, number="3407", name="Gjøvik")
    municipality_b = MunicipalityFactory(programme=programme, number="3442", name="Østre Toten")
    focus_area = FocusAreaFactory(programme=programme, code="industri", name="Industri")
    budget_year = BudgetYearFactory(programme=programme, year=clock.today().year, frame=frame)
    company_a = CompanyFactory(programme=programme, municipality=municipality_a)
    company_b = CompanyFactory(programme=programme, municipality=municipality_b)
    applicant_a, applicant_b = UserFactory(), UserFactory()
    add_member(company_a, applicant_a)
    add_member(company_b, applicant_b)
    adviser_a, adviser_b = UserFactory(), UserFactory()
    staff_role(adviser_a, programme, "adviser", [municipality_a])
    staff_role(adviser_b, programme, "adviser", [municipality_b])
    board_member, board_member_2, admin = UserFactory(), UserFactory(), UserFactory()
    staff_role(board_member, programme, "board")
    staff_role(board_member_2, programme, "board")
    staff_role(admin, programme, "admin")
    other_programme = ProgrammeFactory(code="OTH", name="Et annet program")
    other_admin, other_board_member = UserFactory(), UserFactory()
    staff_role(other_admin, other_programme, "admin")
    staff_role(other_board_member, other_programme, "board")
    meeting = services.meeting_create(
        programme=programme, actor=admin, date=clock.today(), members=[board_member, board_member_2]
    )
    return World(
        programme=programme,
        municipality_a=municipality_a,
        municipality_b=municipality_b,
        focus_area=focus_area,
        budget_year=budget_year,
        company_a=company_a,
        company_b=company_b,
        applicant_a=applicant_a,
        applicant_b=applicant_b,
        adviser_a=adviser_a,
        adviser_b=adviser_b,
        board_member=board_member,
        board_member_2=board_member_2,
        admin=admin,
        other_programme=other_programme,
        other_admin=other_admin,
        other_board_member=other_board_member,
        meeting=meeting,
    )


def _applicant(w: World, case: Case) -> User:
    return w.applicant_a if case.application.company_id == w.company_a.pk else w.applicant_b


def _adviser(w: World, case: Case) -> User:
    return w.adviser_a if case.municipality_id == w.municipality_a.pk else w.adviser_b


Step = Callable[[World, Case], Any]

STEPS: dict[str, Step] = {
    "take": lambda w, c: services.case_take(case=c, actor=_adviser(w, c)),
    "return": lambda w, c: services.case_return(case=c, actor=_adviser(w, c), message="Legg ved budsjett."),
    "dismiss": lambda w, c: services.case_dismiss(case=c, actor=_adviser(w, c), reasons="Utenfor formålet."),
    "recommend": lambda w, c: services.recommendation_record(
        case=c, actor=_adviser(w, c), outcome="approve", amount=GRANT, assessment="Godt prosjekt."
    ),
    "agenda": lambda w, c: services.agenda_add(meeting=w.meeting, case=c, actor=w.admin),
    "approve": lambda w, c: services.decision_approve(
        case=c, actor=w.board_member, amount=GRANT, legal_basis="de_minimis"
    ),
    "reject": lambda w, c: services.decision_reject(case=c, actor=w.board_member, reasons="Svak forankring."),
    "appeal": lambda w, c: services.case_appeal(case=c, actor=_applicant(w, c), text="Vi er uenige."),
    "withdraw": lambda w, c: services.case_withdraw(case=c, actor=_applicant(w, c)),
    "decline": lambda w, c: services.offer_decline(case=c, actor=_applicant(w, c)),
    "accept": lambda w, c: services.offer_accept(case=c, actor=_applicant(w, c)),
    "final_report": lambda w, c: services.final_report_file(
        case=c, actor=_applicant(w, c), text="Prosjektet er gjennomført.", amount=GRANT, costs_to_date=900000
    ),
    "lapse": lambda w, c: _lapse_later(c),
    "cancel": lambda w, c: services.case_cancel(case=c, actor=w.admin, reason="Prosjektet ble ikke startet."),
    "final_payment": lambda w, c: services.payment_register(case=c, actor=w.admin, amount=GRANT, is_final=True),
    "job_reports": lambda w, c: [
        services.job_report_file(case=c, actor=_applicant(w, c), new_jobs=2, period_months=12),
        services.job_report_file(case=c, actor=_applicant(w, c), new_jobs=3, period_months=24),
    ],
}


def _lapse_later(case: Case) -> Case:
    with clock.travel_to(clock.now() + dt.timedelta(days=30)):
        return services.case_lapse(case=case, actor=None)


PATHS: dict[str, list[str]] = {
    State.SUBMITTED: [],
    State.SCREENING: ["take"],
    State.RETURNED: ["take", "return"],
    State.DISMISSED: ["take", "dismiss"],
    State.RECOMMENDED: ["take", "recommend"],
    State.ON_AGENDA: ["take", "recommend", "agenda"],
    State.APPROVED: ["take", "recommend", "agenda", "approve"],
    State.REJECTED: ["take", "recommend", "agenda", "reject"],
    State.APPEALED: ["take", "recommend", "agenda", "reject", "appeal"],
    State.WITHDRAWN: ["withdraw"],
    State.DECLINED: ["take", "recommend", "agenda", "approve", "decline"],
    State.ACCEPTED: ["take", "recommend", "agenda", "approve", "accept"],
    State.REPORTING: ["take", "recommend", "agenda", "approve", "accept", "final_report"],
    State.LAPSED: ["take", "recommend", "agenda", "approve", "lapse"],
    State.CANCELLED: ["take", "recommend", "agenda", "approve", "accept", "cancel"],
    State.COMPLETED: ["take", "recommend", "agenda", "approve", "accept", "final_report", "final_payment"],
    State.CLOSED: [
        "take",
        "recommend",
        "agenda",
        "approve",
        "accept",
        "final_report",
        "final_payment",
        "job_reports",
    ],
}


def case_in(w: World, state: str, company: Company | None = None, **kwargs: Any) -> Case:
    """A case driven through the services into ``state``."""
    case = w.submitted_case(company, **kwargs)
    for step in PATHS[state]:
        STEPS[step](w, Case.objects.get(pk=case.pk))
    case = Case.objects.get(pk=case.pk)
    assert case.state == state, f"expected {state}, got {case.state}"
    return case
