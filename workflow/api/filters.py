"""The worklist's FilterSet (``workflow.filters.WorklistFilter``) as a DRF filter backend, so
``/api/cases/`` takes the same query parameters as the worklist and its export."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request

from workflow.filters import SEARCH_MAX_LENGTH, WorklistFilter
from workflow.models import Case, State
from workflow.selectors.worklist import PHASE_CHOICES, SORTS, parse_sort, sort_cases


class WorklistFilterBackend(BaseFilterBackend):
    def filter_queryset(self, request: Request, queryset: QuerySet[Case], view: Any) -> QuerySet[Case]:
        scope = view.scope  # the scope the view's queryset is already limited to
        filterset = WorklistFilter(request.query_params, scope=scope, queryset=queryset)  # type: ignore[arg-type]
        if not filterset.is_valid():
            # A value outside the person's scope is refused with the field's message, as on the page.
            raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
        return sort_cases(filterset.qs, parse_sort(request.query_params.get("sort")))

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        def query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
            return {
                "name": name,
                "in": "query",
                "required": False,
                "description": description,
                "schema": schema,
                **extra,
            }

        sorts = sorted([*SORTS, *(f"-{key}" for key in SORTS)])
        return [
            query("q", {"type": "string", "maxLength": SEARCH_MAX_LENGTH}, "Reference, company, org. number or title."),
            query("phase", {"type": "string", "enum": [key for key, _ in PHASE_CHOICES]}, "Phase of the case."),
            query(
                "state",
                {"type": "array", "items": {"type": "string", "enum": list(State.values)}},
                "One or more states (repeat the parameter).",
                style="form",
                explode=True,
            ),
            query("programme", {"type": "integer"}, "Programme id."),
            query("municipality", {"type": "integer"}, "Municipality id."),
            query("focus_area", {"type": "integer"}, "Focus area id."),
            query("year", {"type": "integer"}, "Year submitted."),
            query("overdue", {"type": "boolean"}, "Only cases over the screening deadline."),
            query("sort", {"type": "string", "enum": sorts}, "Sort key; a leading '-' reverses it."),
        ]
