"""What the API shows of each resource.  Read-only: every write goes through the pages and
their services.  Money is a decimal string in NOK, as DRF writes decimals."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programme.models import BudgetYear, FocusArea, Municipality, Programme
from workflow.models import Case, Decision, Evaluation, JobReport, Payment, TimelineEvent

_money = {"max_digits": 16, "decimal_places": 2}


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["id", "number", "name", "participating"]


class FocusAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = FocusArea
        fields = ["id", "code", "name"]


class ProgrammeSerializer(serializers.ModelSerializer):
    municipalities = MunicipalitySerializer(many=True, read_only=True)
    focus_areas = FocusAreaSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "code", "name", "owner_organisation", "start_date", "municipalities", "focus_areas"]


class BudgetFiguresSerializer(serializers.Serializer):
    """``workflow.selectors.BudgetFigures``: available = frame − committed (SPEC §5)."""

    frame = serializers.DecimalField(**_money)
    committed = serializers.DecimalField(**_money)
    disbursed = serializers.DecimalField(**_money)
    held_back = serializers.DecimalField(**_money)
    available = serializers.DecimalField(**_money)


class BudgetYearSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.code")
    figures = serializers.SerializerMethodField()

    class Meta:
        model = BudgetYear
        fields = ["id", "programme", "year", "target_projects_min", "target_projects_max", "target_jobs", "figures"]

    @extend_schema_field(BudgetFiguresSerializer)
    def get_figures(self, budget_year: BudgetYear) -> dict[str, Any]:
        # The view reads the figures of all rows at once (``budget_figures``) into the context.
        return BudgetFiguresSerializer(self.context["figures"][budget_year.pk]).data


class CompanySerializer(serializers.Serializer):
    org_number = serializers.CharField()
    name = serializers.CharField()


class CaseSerializer(serializers.ModelSerializer):
    """A case as the worklist shows it: read through ``with_row_data`` plus the offer."""

    programme = serializers.CharField(source="programme.code")
    state_label = serializers.CharField(source="get_state_display")
    municipality = MunicipalitySerializer()
    company = CompanySerializer(source="application.company")
    title = serializers.CharField(source="application.title")
    focus_area = serializers.CharField(source="application.focus_area.code", allow_null=True)
    applied_amount = serializers.DecimalField(**_money)
    granted_amount = serializers.DecimalField(source="offer.amount", allow_null=True, **_money)

    class Meta:
        model = Case
        fields = [
            "reference",
            "programme",
            "state",
            "state_label",
            "municipality",
            "company",
            "title",
            "focus_area",
            "submitted_at",
            "applied_amount",
            "granted_amount",
            "imported",
        ]


class TimelineEventSerializer(serializers.ModelSerializer):
    """An event as stored (``action`` and its ``data``, see workflow/timeline.py) and as a
    person reads it (``text``, in the request's language); ``comment`` is what a person typed."""

    kind_label = serializers.CharField(source="get_kind_display")
    actor = serializers.SerializerMethodField()
    data = serializers.DictField(read_only=True, help_text="The event's facts: amounts as decimal strings, ISO dates.")
    text = serializers.CharField(read_only=True, help_text="What happened, in the request's language.")

    class Meta:
        model = TimelineEvent
        fields = [
            "id",
            "kind",
            "kind_label",
            "action",
            "data",
            "text",
            "from_state",
            "to_state",
            "actor",
            "comment",
            "staff_only",
            "created_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, event: TimelineEvent) -> str | None:
        # As on the case page: the person's name, or nothing when the system acted.
        return str(event.actor) if event.actor_id else None


class DecisionSerializer(serializers.ModelSerializer):
    outcome_label = serializers.CharField(source="get_outcome_display")
    meeting_date = serializers.DateField(source="meeting.date", allow_null=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "outcome",
            "outcome_label",
            "amount",
            "legal_basis",
            "conditions",
            "reasons",
            "meeting_date",
            "decided_at",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "amount", "is_final", "paid_on"]


class JobReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobReport
        fields = ["id", "period_months", "new_jobs", "jobs_secured", "reported_on", "on_behalf", "note"]


class EvaluationSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.code")

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "programme",
            "period_from",
            "period_to",
            "status",
            "progress",
            "automatic",
            "created_at",
            "finished_at",
        ]


class EvaluationDetailSerializer(EvaluationSerializer):
    """With the figures: the same JSON as ``manage.py evaluation --format json`` (SPEC §9)."""

    figures = serializers.JSONField(allow_null=True)

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "figures"]
