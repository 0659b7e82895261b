"""What every reminder rule shares: the catch-up window of a step, the recipients of many
cases in one query each, and delivering the due reminders (each once, under its key).

A rule selects its candidates by date arithmetic in SQL, works out in Python which reminder
step is due for each candidate and to whom, and hands the list to ``deliver``.  The number
of queries grows neither with the number of cases nor with the number of reminders due: a
rule costs the same few queries whether it sends three reminders or three thousand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from applications.models import CompanyMember
from programme.models import StaffRole, User
from workflow.models import Case, ConflictDeclaration
from workflow.services.notifications import Message, notifications_send

# A step is sent on its day; if the daily run was missed (worker down, holiday), it is still
# sent on a later run up to this many days late, but never once the next step of the same
# rule is due.  A week covers an outage without digging up old history.
CATCH_UP_DAYS = 7


def steps_due(step_days: Sequence[date], today: date, *, last_day: date | None = None) -> list[date]:
    """The steps (the days reminders fall due, in order) whose sending window holds ``today``.

    Step *i* is sent from its day through ``CATCH_UP_DAYS`` later, but only until the day
    before step *i + 1*, and never after ``last_day`` (e.g. the deadline the reminder is about).
    """
    due: list[date] = []
    for index, day in enumerate(step_days):
        end = day + timedelta(days=CATCH_UP_DAYS)
        if index + 1 < len(step_days):
            end = min(end, step_days[index + 1] - timedelta(days=1))
        if last_day is not None:
            end = min(end, last_day)
        if day <= today <= end:
            due.append(day)
    return due


def reminder_key(kind: str, *, due: date, to: User, case: Case | None = None, meeting: Any = None) -> str:
    """The unique key of SPEC §8: kind, case (or board meeting), due date and recipient."""
    subject = f"meeting={meeting.pk}" if meeting is not None else f"case={case.pk}"
    return f"{kind}:{subject}:due={due.isoformat()}:to={to.pk}"


@dataclass
class Reminder:
    """One reminder due to one person; sent by ``deliver`` unless its key is taken."""

    kind: str
    recipient: User
    due: date
    url: str
    context: dict[str, Any] = field(default_factory=dict)
    case: Case | None = None
    meeting: Any = None

    @property
    def key(self) -> str:
        return reminder_key(self.kind, due=self.due, to=self.recipient, case=self.case, meeting=self.meeting)


def deliver(reminders: Iterable[Reminder]) -> int:
    """Record and mail each reminder whose key is not taken; returns how many were sent.

    All of a rule's reminders go together (``notifications_send``): the taken keys in one
    query, the new notifications in one insert, their mails claimed and sent together, so a
    first sweep with thousands due costs as many queries as one with three."""
    return notifications_send(
        [
            Message(
                recipient=reminder.recipient,
                kind=reminder.kind,
                key=reminder.key,
                case=reminder.case,
                due_on=reminder.due,
                url=reminder.url,
                context={"case": reminder.case, "meeting": reminder.meeting, **reminder.context},
            )
            for reminder in reminders
        ]
    )


# --- recipients, for many cases at once (one query each) ---------------------------------


def applicants_by_company(company_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active people who act for each company."""
    people: dict[int, list[User]] = defaultdict(list)
    ids = set(company_ids)
    if not ids:
        return people
    members = CompanyMember.objects.filter(company_id__in=ids, user__is_active=True).select_related("user")
    for member in members.order_by("user_id"):
        people[member.company_id].append(member.user)
    return people


def advisers_by_municipality(municipality_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active advisers serving each municipality."""
    people: dict[int, list[User]] = defaultdict(list)
    ids = set(municipality_ids)
    if not ids:
        return people
    links = StaffRole.municipalities.through.objects.filter(
        municipality_id__in=ids, staffrole__kind=StaffRole.Kind.ADVISER, staffrole__user__is_active=True
    ).select_related("staffrole__user")
    for link in links.order_by("staffrole__user_id"):
        people[link.municipality_id].append(link.staffrole.user)
    return people


def admins_by_programme(programme_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active administrators of each programme."""
    people: dict[int, list[User]] = defaultdict(list)
    ids = set(programme_ids)
    if not ids:
        return people
    roles = StaffRole.objects.filter(
        programme_id__in=ids, kind=StaffRole.Kind.ADMIN, user__is_active=True
    ).select_related("user")
    for role in roles.order_by("user_id"):
        people[role.programme_id].append(role.user)
    return people


def conflicted(case_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(case, person) pairs with a declared conflict of interest: such staff get no reminder
    about the case, since they may no longer act on it (forvaltningsloven § 6)."""
    ids = set(case_ids)
    if not ids:
        return set()
    return set(ConflictDeclaration.objects.filter(case_id__in=ids).values_list("case_id", "user_id"))


def staff_without_conflict(people: Iterable[User], case: Case, conflicts: set[tuple[int, int]]) -> list[User]:
    return [person for person in people if (case.pk, person.pk) not in conflicts]
