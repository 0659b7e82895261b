"""What a person may read through the API: the same selectors and ``rules`` predicates as the
pages, so there is one permission mechanism.  Anything the person may not see does not exist
for him or her (404), as on the pages."""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet
from django.http import Http404

from programme.models import Programme
from workflow.models import Case
from workflow.selectors import cases_visible_to


def administered_programmes(*, user: object) -> QuerySet[Programme]:
    """The programmes the person administers (``programme.administer``)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Programme.objects.none()
    return Programme.objects.filter(staff_roles__user=user, staff_roles__kind="admin").distinct()


def visible_programmes(*, user: object) -> QuerySet[Programme]:
    """Programmes where the person holds a staff role or can see a case."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Programme.objects.none()
    cases = cases_visible_to(user=user).order_by().values("programme_id")
    return Programme.objects.filter(Q(staff_roles__user=user) | Q(pk__in=cases)).distinct()


def case_for_api(*, user: object, reference: str) -> Case:
    """The case with this reference if the person may see it (``workflow.view_case``), else 404."""
    case = (
        cases_visible_to(user=user)
        .select_related("programme", "application__company")
        .filter(reference=reference)
        .first()
    )
    if case is None or not rules.has_perm("workflow.view_case", user, case):
        raise Http404
    return case


def programme_for_admin(*, user: object, programme: Programme) -> Programme:
    if not rules.has_perm("programme.administer", user, programme):
        raise Http404
    return programme
