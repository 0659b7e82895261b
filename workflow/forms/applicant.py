"""The applicant's forms on a case: a payment request, the final report, a job report, an
appeal.  They parse what a person typed; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programme.forms import AmountField, NumberField
from workflow.forms import CaseActionForm, FirstRadioSelect, MultipleFileField, more_than_zero, text_field


class PaymentRequestForm(CaseActionForm):
    rule_fields = {
        "holdback": "amount",
        "grant": "amount",
        "required": "report",
        "file_type": "attachments",
        "too_large": "attachments",
    }

    amount = AmountField(
        label=_("Amount requested (NOK)"),
        validators=[more_than_zero()],
    )
    costs_to_date = AmountField(
        label=_("Documented costs to date (NOK)"),
        help_text=_("The project's eligible costs so far, as documented in the attachments."),
        validators=[more_than_zero()],
    )
    report = text_field(
        label=_("Short report on the work so far"),
        max_length=5000,
        rows=5,
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        help_text=_("Accounts, invoices and the like. PDF, DOCX, XLSX, PNG or JPEG, at most 20 MB each."),
    )


class FinalReportForm(CaseActionForm):
    rule_fields = {"grant": "amount", "required": "text", "file_type": "attachments", "too_large": "attachments"}

    text = text_field(
        label=_("Final report"),
        help_text=_("What the project did, what it achieved and how it will be followed up."),
        max_length=20000,
        rows=10,
    )
    amount = AmountField(
        label=_("Final payment requested (NOK)"),
        validators=[more_than_zero()],
    )
    costs_to_date = AmountField(
        label=_("Documented costs of the whole project (NOK)"),
        validators=[more_than_zero()],
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        help_text=_("Final accounts and other documentation. PDF, DOCX, XLSX, PNG or JPEG, at most 20 MB each."),
    )


class JobReportForm(CaseActionForm):
    rule_fields = {"jobs": "new_jobs", "rule": "period_months"}

    period_months = forms.TypedChoiceField(
        label=_("Follow-up period"),
        coerce=int,
        widget=FirstRadioSelect,
    )
    new_jobs = NumberField(
        label=_("New jobs created (full-time equivalents)"),
        min_value=Decimal("0"),
        max_digits=7,
        decimal_places=1,
    )
    jobs_secured = NumberField(
        label=_("Jobs secured (full-time equivalents)"),
        min_value=Decimal("0"),
        max_digits=7,
        decimal_places=1,
        initial=Decimal("0"),
    )

    def __init__(self, *args: Any, periods: tuple[int, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if periods:
            self.fields["period_months"].choices = [
                (m, _("%(months)s months after completion") % {"months": m}) for m in periods
            ]
        else:
            # The programme asks for no follow-up reports; a report then covers no period.
            del self.fields["period_months"]


class AppealForm(CaseActionForm):
    rule_fields = {"required": "text"}

    text = text_field(
        label=_("Grounds for the appeal"),
        help_text=_("Say which decision you appeal, what you want changed and why."),
        max_length=20000,
        rows=8,
    )
