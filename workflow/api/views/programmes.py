"""Programmes, budget years and evaluations.  Budget years and evaluations are for the
programme's administrators only, as their pages are; everyone else gets 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from rest_framework import viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from programme.models import BudgetYear, FocusArea, Municipality, Programme
from workflow.api.access import administered_programmes, programme_for_admin, visible_programmes
from workflow.api.serializers import (
    BudgetYearSerializer,
    EvaluationDetailSerializer,
    EvaluationSerializer,
    ProgrammeSerializer,
)
from workflow.models import Evaluation
from workflow.selectors import budget_figures

# Ids in paths: digits only, and few enough that no database is asked for a number it cannot hold.
ID_PATTERN = "[0-9]{1,9}"


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Programmes where you hold a staff role or can see a case."""

    serializer_class = ProgrammeSerializer
    lookup_field = "code"
    lookup_value_regex = r"[^/\x00]+"

    def get_queryset(self) -> QuerySet[Programme]:
        return (
            visible_programmes(user=self.request.user)
            .prefetch_related(
                Prefetch("municipalities", queryset=Municipality.objects.order_by("name", "pk")),
                Prefetch("focus_areas", queryset=FocusArea.objects.order_by("name", "pk")),
            )
            .order_by("name", "pk")
        )


class BudgetYearViewSet(viewsets.ReadOnlyModelViewSet):
    """Budget years of the programmes you administer, with frame, committed, disbursed, held
    back and available money (the budget page's figures)."""

    serializer_class = BudgetYearSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[BudgetYear]:
        return (
            BudgetYear.objects.filter(programme__in=administered_programmes(user=self.request.user))
            .select_related("programme")
            .order_by("programme__code", "year", "pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page if page is not None else self.filter_queryset(self.get_queryset()))
        data = self._serialize(rows)
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        budget_year = self.get_object()
        programme_for_admin(user=request.user, programme=budget_year.programme)
        return Response(self._serialize([budget_year])[0])

    def _serialize(self, rows: list[BudgetYear]) -> Any:
        # All rows' figures in the selector's fixed number of queries.
        context = {**self.get_serializer_context(), "figures": budget_figures(budget_years=rows)}
        return BudgetYearSerializer(rows, many=True, context=context).data


class EvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    """Evaluations of the programmes you administer; the detail holds the figures (JSON)."""

    lookup_value_regex = ID_PATTERN

    def get_serializer_class(self) -> type[EvaluationSerializer]:
        return EvaluationDetailSerializer if self.action == "retrieve" else EvaluationSerializer

    def get_queryset(self) -> QuerySet[Evaluation]:
        evaluations = Evaluation.objects.filter(programme__in=administered_programmes(user=self.request.user))
        if self.action == "list":
            evaluations = evaluations.defer("figures")
        return evaluations.select_related("programme").order_by("-created_at", "-pk")

    def get_object(self) -> Evaluation:
        evaluation = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        programme_for_admin(user=self.request.user, programme=evaluation.programme)
        return evaluation
