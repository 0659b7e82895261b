"""The objects the permission matrix asks for: one set on side "A" and one on side "B".

Side A is company A in municipality X (adviser_a's) in programme NUP; side B is company B in
municipality Y (adviser_b's), and for routes keyed by a programme code, programme OTH.  So
applicant_a and adviser_a own A, applicant_b and adviser_b own B, the NUP board member and
administrator own A and are strangers to OTH, and other_admin owns OTH's side of B."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile

from applications.models import Attachment, Invitation, MembershipRequest
from programme import clock
from tests.factories import UserFactory
from tests.journey import World, build_world, case_in
from workflow import services
from workflow.models import BoardMeeting, Case, CaseFile, Evaluation, Notification, State

MISSING = 987654321

# The state each case route is asked in: one where the route's action could be meant.
STATES = (
    State.SUBMITTED,
    State.SCREENING,
    State.RETURNED,
    State.DISMISSED,
    State.ON_AGENDA,
    State.APPROVED,
    State.REJECTED,
    State.ACCEPTED,
    State.REPORTING,
)


@dataclass
class Side:
    code: str
    cases: dict[str, Case]
    meeting: BoardMeeting
    company_pk: int
    draft_pk: int
    attachment_pk: int
    case_file_pk: int
    membership_request_pk: int
    invitation_token: str
    notification_pk: int
    evaluation_pk: int
    payment_request_pk: int
    agenda_item_pk: int


@dataclass
class MatrixWorld:
    world: World
    a: Side
    b: Side


def _pdf() -> ContentFile:
    return ContentFile(b"%PDF-1.4\n%%EOF\n", name="brev.pdf")


def build_matrix_world() -> MatrixWorld:
    w = build_world()
    other_meeting = services.meeting_create(
        programme=w.other_programme, actor=w.other_admin, date=clock.today(), members=[w.other_board_member]
    )
    sides = []
    for company, applicant, code, meeting in (
        (w.company_a, w.applicant_a, "NUP", w.meeting),
        (w.company_b, w.applicant_b, "OTH", other_meeting),
    ):
        cases = {state: case_in(w, state, company) for state in STATES}
        reporting = cases[State.REPORTING]
        payment_request = reporting.payment_requests.order_by("-pk").first()
        draft = w.application(company)
        attachment = Attachment.objects.create(
            application=cases[State.SCREENING].application,
            file=_pdf(),
            original_name="budsjett.pdf",
            content_type="application/pdf",
            size=15,
            uploaded_by=applicant,
        )
        case_file = CaseFile.objects.create(
            case=cases[State.ACCEPTED],
            kind=CaseFile.Kind.choices[0][0],
            file=_pdf(),
            original_name="tilsagn.pdf",
            content_type="application/pdf",
            size=15,
        )
        membership_request = MembershipRequest.objects.create(company=company, user=UserFactory())
        invitation = Invitation.objects.create(
            company=company, email=f"ny-{code}@example.com", invited_by=applicant, token=f"token{code}"
        )
        notification = Notification.objects.create(
            recipient=applicant,
            case=cases[State.ACCEPTED],
            kind=Notification.Kind.PROJECT_START,
            key=f"matrix:{code}",
            subject="Påminnelse",
            body="Tekst",
        )
        programme = w.programme if code == "NUP" else w.other_programme
        evaluation = Evaluation.objects.create(
            programme=programme, period_from=clock.today(), period_to=clock.today(), requested_by=w.admin
        )
        item = meeting.items.order_by("pk").first()
        sides.append(
            Side(
                code=code,
                cases=cases,
                meeting=meeting,
                company_pk=company.pk,
                draft_pk=draft.pk,
                attachment_pk=attachment.pk,
                case_file_pk=case_file.pk,
                membership_request_pk=membership_request.pk,
                invitation_token=invitation.token,
                notification_pk=notification.pk,
                evaluation_pk=evaluation.pk,
                payment_request_pk=payment_request.pk if payment_request else MISSING,
                agenda_item_pk=item.pk if item else MISSING,
            )
        )
    return MatrixWorld(world=w, a=sides[0], b=sides[1])
