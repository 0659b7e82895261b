"""Who sees which cases: one ``Scope`` for the staff worklist, its export and the API.

From the roles (SPEC §1): an adviser sees the cases of his or her municipalities, in each
programme where he or she is adviser; a board member or an administrator every case of his or
her programmes.  The API adds the cases of the person's own companies (an applicant follows
those on /saker/, so the worklist leaves them out).  The worklist's filters choose only among
what the scope holds, so no filter value can widen it.

Every condition is on the case's own columns or an ``__in`` subquery: no join multiplies a
case, so no list needs ``DISTINCT`` (which would compare every column of every row).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, reduce
from operator import or_

from django.db.models import Q, QuerySet

from applications.models import CompanyMember
from programme.held_roles import HeldRole, read_held_roles
from programme.models import FocusArea, Municipality, Programme, StaffRole
from workflow.models import Case


@dataclass(frozen=True)
class Scope:
    """The cases one person may see, and the programmes, municipalities and focus areas a
    filter may choose among.  Built from the person's staff roles (read once) and, for the
    API, the person's companies; it lives for one request."""

    programme_ids: frozenset[int] = frozenset()  # programmes where the person holds a staff role
    whole_programme_ids: frozenset[int] = frozenset()  # board member or administrator: every case
    adviser_municipalities: dict[int, frozenset[int]] = field(default_factory=dict)  # programme → municipalities
    # The staff programmes themselves, read with the roles (by name): the filter's options and
    # each programme's service level, without another query.
    staff_programmes: tuple[Programme, ...] = ()
    # The person whose companies' cases are in scope too (the API); None on the worklist.
    member_id: int | None = None

    def cases(self) -> QuerySet[Case]:
        """Every case this person may see, nothing else."""
        return self._cases.all()  # a copy: the pages read it more than once, and evaluate it

    def programmes(self) -> QuerySet[Programme]:
        own = [Q(pk__in=self._own_cases().values("programme_id"))] if self.member_id else []
        return Programme.objects.filter(_any_of([Q(pk__in=self.programme_ids), *own])).order_by("name", "pk")

    def municipalities(self) -> QuerySet[Municipality]:
        return self._municipalities.all()

    def focus_areas(self) -> QuerySet[FocusArea]:
        own = [Q(pk__in=self._own_cases().values("application__focus_area_id"))] if self.member_id else []
        return FocusArea.objects.filter(_any_of([Q(programme_id__in=self.programme_ids), *own])).order_by("name", "pk")

    @cached_property
    def programme_list(self) -> tuple[Programme, ...]:
        """The programmes as objects (the overdue filter reads each one's service level): on
        the worklist those read with the roles; with the own companies' cases, read once."""
        if self.member_id is None:
            return self.staff_programmes
        return tuple(self.programmes())

    def names(self) -> ScopeNames:
        """The programmes, municipalities and focus areas of the scope, read once (two
        queries): the filter's options and the names in the worklist's rows."""
        return ScopeNames(self.programme_list, tuple(self.municipalities()), tuple(self.focus_areas()))

    # Built once per scope: the filters on them cost more than copying them.
    @cached_property
    def _cases(self) -> QuerySet[Case]:
        visible = [Q(programme_id__in=self.whole_programme_ids)] if self.whole_programme_ids else []
        visible += [
            Q(programme_id=programme_id, municipality_id__in=municipality_ids)
            for programme_id, municipality_ids in self.adviser_municipalities.items()
        ]
        if self.member_id is not None:
            visible.append(Q(application__company_id__in=self._companies()))
        return Case.objects.filter(_any_of(visible))

    @cached_property
    def _municipalities(self) -> QuerySet[Municipality]:
        visible = [Q(programme_id__in=self.whole_programme_ids)] if self.whole_programme_ids else []
        visible += [Q(pk__in=municipality_ids) for municipality_ids in self.adviser_municipalities.values()]
        if self.member_id is not None:
            visible.append(Q(pk__in=self._own_cases().values("municipality_id")))
        return Municipality.objects.filter(_any_of(visible)).order_by("name", "pk")

    def _companies(self) -> QuerySet[CompanyMember]:
        return CompanyMember.objects.filter(user_id=self.member_id).values("company_id")

    def _own_cases(self) -> QuerySet[Case]:
        return Case.objects.filter(application__company_id__in=self._companies()).order_by()


@dataclass(frozen=True)
class ScopeNames:
    """What a worklist row shows by name, looked up by id: the row query then joins neither
    the programme, the municipality nor the focus area (fewer joins to plan on every page)."""

    programmes: tuple[Programme, ...]
    municipalities: tuple[Municipality, ...]
    focus_areas: tuple[FocusArea, ...]

    @cached_property
    def screening_days(self) -> dict[int, int]:
        return {programme.pk: programme.screening_days for programme in self.programmes}

    @cached_property
    def municipality_names(self) -> dict[int, str]:
        return {municipality.pk: municipality.name for municipality in self.municipalities}

    @cached_property
    def focus_area_names(self) -> dict[int, str]:
        return {area.pk: area.name for area in self.focus_areas}


def _any_of(conditions: list[Q]) -> Q:
    """The conditions joined by OR; none matches nothing."""
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


def staff_scope(*, user: object) -> Scope | None:
    """The worklist's scope, or ``None`` for anyone who holds no staff role."""
    return scope_of(read_held_roles(user))


def visible_scope(*, user: object, roles: Iterable[HeldRole] | None = None) -> Scope:
    """The API's scope: the staff roles' cases and the person's own companies' cases (none
    for anyone not logged in).  ``roles`` if the caller has read them already."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Scope()
    staff = scope_of(read_held_roles(user) if roles is None else roles) or Scope()
    return Scope(
        programme_ids=staff.programme_ids,
        whole_programme_ids=staff.whole_programme_ids,
        adviser_municipalities=staff.adviser_municipalities,
        staff_programmes=staff.staff_programmes,
        # Only a company's member has own cases: for staff without a company the scope stays
        # the staff roles' alone (an OR across the company's memberships cost the API's list
        # of a programme's cases 160 ms of SQL at national scale).
        member_id=user.pk if CompanyMember.objects.filter(user_id=user.pk).exists() else None,  # type: ignore[attr-defined]
    )


def scope_of(roles: Iterable[HeldRole]) -> Scope | None:
    """The staff scope the roles give (see ``programme.held_roles``), or ``None`` for none."""
    programmes: dict[int, Programme] = {}
    whole: set[int] = set()
    adviser: dict[int, set[int]] = defaultdict(set)
    for role in roles:
        programmes[role.programme.pk] = role.programme
        if role.kind in (StaffRole.Kind.BOARD, StaffRole.Kind.ADMIN):
            whole.add(role.programme.pk)
        elif role.kind == StaffRole.Kind.ADVISER and role.municipality_ids:
            adviser[role.programme.pk] |= role.municipality_ids
    if not programmes:
        return None
    return Scope(
        programme_ids=frozenset(programmes),
        whole_programme_ids=frozenset(whole),
        adviser_municipalities={pk: frozenset(ids) for pk, ids in adviser.items()},
        staff_programmes=tuple(sorted(programmes.values(), key=lambda programme: (programme.name, programme.pk))),
    )
