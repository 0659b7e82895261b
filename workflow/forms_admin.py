"""The administrator's forms: registering a payment, refusing a payment request, returning a
final report, and a job report taken down on the company's behalf.  They parse what was
typed; the services decide, and their refusals are shown at the field they concern."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programme import clock
from programme.models import Municipality
from workflow.forms import AmountField, CaseActionForm, FirstRadioSelect, JobReportForm, more_than_zero


class DateInput(forms.DateInput):
    """The browser's date picker; it sends ISO dates (``2026-03-01``), which Django reads."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PaymentRegisterForm(CaseActionForm):
    rule_fields = {"holdback": "amount", "grant": "amount", "amount": "amount", "final_exists": "amount"}

    amount = AmountField(label=_("Amount to pay (NOK)"), validators=[more_than_zero()])
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("paid_on", clock.today())
        super().__init__(*args, **kwargs)


class PaymentRefuseForm(CaseActionForm):
    rule_fields = {"required": "reason"}

    reason = forms.CharField(
        label=_("Reasons for refusing the request"),
        help_text=_("The company sees the reasons on its case page."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FinalReportReturnForm(CaseActionForm):
    rule_fields = {"required": "message"}

    message = forms.CharField(
        label=_("What the final report lacks"),
        help_text=_("The final report goes back to the company to be completed; the final payment request is refused."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OnBehalfJobReportForm(JobReportForm):
    """A job report the administrator takes down from a telephone call or a survey."""

    SOURCES = {"phone": _("Telephone call"), "survey": _("Survey")}

    rule_fields = {"jobs": "new_jobs", "rule": "period_months", "period_months": "period_months"}

    source = forms.ChoiceField(label=_("Source of the figures"), choices=list(SOURCES.items()), widget=FirstRadioSelect)
    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_("Who gave the figures, and when."),
        required=False,
        max_length=500,
    )

    def note_text(self) -> str:
        """The stored note: how the figures were given, then the administrator's words."""
        source = str(self.SOURCES[self.cleaned_data["source"]])
        note = self.cleaned_data.get("note", "").strip()
        return f"{source}: {note}" if note else source


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
