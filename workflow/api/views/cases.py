"""Cases (with the worklist's filters) and, for one case, its timeline, decisions, payments
and job reports.  Who sees a case is the ``Scope`` (``workflow.selectors.scope``) and
``workflow.view_case``, as on the case pages; staff-only timeline events only with
``workflow.view_staff_notes``."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import rules
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, viewsets

from workflow.api.access import case_for_api
from workflow.api.filters import WorklistFilterBackend
from workflow.api.serializers import (
    CaseSerializer,
    DecisionSerializer,
    JobReportSerializer,
    PaymentSerializer,
    TimelineEventSerializer,
)
from workflow.models import Case, Decision, JobReport, Payment, TimelineEvent
from workflow.selectors.scope import Scope, visible_scope
from workflow.selectors.worklist import with_row_data

# Any reference but a NUL, which PostgreSQL cannot compare: such an address does not exist (404).
REFERENCE_PATTERN = r"[^/\x00]+"
_reference = OpenApiParameter("reference", str, OpenApiParameter.PATH, description="The case's reference.")


class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """The cases you may see: your companies' cases, your municipalities' cases as an adviser,
    every case of your programmes as a board member or administrator."""

    serializer_class = CaseSerializer
    lookup_field = "reference"
    lookup_value_regex = REFERENCE_PATTERN
    filter_backends = [WorklistFilterBackend]

    @cached_property
    def scope(self) -> Scope:
        """The worklist's scope with the person's own companies' cases: the list and its
        filters (``WorklistFilterBackend``) read the same one."""
        return visible_scope(user=self.request.user)

    def get_queryset(self) -> QuerySet[Case]:
        return with_row_data(self.scope.cases()).select_related("offer")

    def get_object(self) -> Case:
        case = super().get_object()
        # The same rule as the case page, on top of the selector.
        if not rules.has_perm("workflow.view_case", self.request.user, case):
            raise Http404
        return case

    def filter_queryset(self, queryset: QuerySet[Case]) -> QuerySet[Case]:
        # The worklist filters apply to the list only; a detail is found by its reference.
        return super().filter_queryset(queryset) if self.action == "list" else queryset


class _CasePart(generics.ListAPIView):
    """A list that belongs to one case; the case is found (or 404) before anything is read."""

    def case(self) -> Case:
        if not hasattr(self, "_case"):
            self._case = case_for_api(user=self.request.user, reference=self.kwargs["reference"])
        return self._case

    def get_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError


@extend_schema_view(get=extend_schema(parameters=[_reference]))
class TimelineView(_CasePart):
    """The case's history; staff-only events only for the case's staff."""

    serializer_class = TimelineEventSerializer

    def get_queryset(self) -> QuerySet[TimelineEvent]:
        case = self.case()
        events = TimelineEvent.objects.filter(case=case).select_related("actor").order_by("created_at", "pk")
        if not rules.has_perm("workflow.view_staff_notes", self.request.user, case):
            events = events.filter(staff_only=False)
        return events


@extend_schema_view(get=extend_schema(parameters=[_reference]))
class DecisionsView(_CasePart):
    serializer_class = DecisionSerializer

    def get_queryset(self) -> QuerySet[Decision]:
        return Decision.objects.filter(case=self.case()).select_related("meeting").order_by("decided_at", "pk")


@extend_schema_view(get=extend_schema(parameters=[_reference]))
class PaymentsView(_CasePart):
    serializer_class = PaymentSerializer

    def get_queryset(self) -> QuerySet[Payment]:
        return Payment.objects.filter(case=self.case()).order_by("paid_on", "pk")


@extend_schema_view(get=extend_schema(parameters=[_reference]))
class JobReportsView(_CasePart):
    serializer_class = JobReportSerializer

    def get_queryset(self) -> QuerySet[JobReport]:
        return JobReport.objects.filter(case=self.case()).order_by("reported_on", "pk")
