"""The form of a new budget year: its contributions and targets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programme.forms import AmountField
from programme.models import Municipality
from workflow.forms import CaseActionForm

TARGET = {"min_value": _("A target cannot be negative.")}


class BudgetYearForm(CaseActionForm):
    """A new budget year: the year, its targets and one contribution per participating
    municipality (blank: the municipality does not take part this year)."""

    year = forms.IntegerField(label=_("Year"))
    target_projects_min = forms.IntegerField(label=_("Target: projects (at least)"), min_value=0, error_messages=TARGET)
    target_projects_max = forms.IntegerField(label=_("Target: projects (at most)"), min_value=0, error_messages=TARGET)
    target_jobs = forms.IntegerField(label=_("Target: new jobs"), min_value=0, error_messages=TARGET)

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipalities = municipalities
        self.rule_fields = {
            "year": "year",
            "year_taken": "year",
            "targets": "target_projects_min",
            **{f"amount-{m.pk}": self.amount_field_name(m) for m in municipalities},
        }
        for municipality in municipalities:
            field = AmountField(
                label=_("Contribution from %(municipality)s (NOK)") % {"municipality": municipality.name},
                required=False,
                min_value=0,
                error_messages={"min_value": _("A contribution cannot be negative.")},
            )
            # Added after the form styled its declared fields (DesignsystemetForm).
            field.widget.attrs["class"] = "ds-input"
            self.fields[self.amount_field_name(municipality)] = field

    @staticmethod
    def amount_field_name(municipality: Municipality) -> str:
        return f"contribution_{municipality.pk}"

    def contributions(self) -> dict[int, Any]:
        return {m.pk: self.cleaned_data.get(self.amount_field_name(m)) for m in self.municipalities}

    def contribution_fields(self) -> list[forms.BoundField]:
        return [self[self.amount_field_name(m)] for m in self.municipalities]
