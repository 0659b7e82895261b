"""The payments page's forms: registering a payment, refusing a payment request, returning a
final report.  They parse what was typed; the services decide, and their refusals are shown at
the field they concern."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programme import clock
from programme.forms import AmountField
from workflow.forms import CaseActionForm, DateInput, more_than_zero, text_field


class PaymentRegisterForm(CaseActionForm):
    rule_fields = {
        "holdback": "amount",
        "grant": "amount",
        "amount": "amount",
        "final_exists": "amount",
        "paid_on": "paid_on",
    }

    amount = AmountField(label=_("Amount to pay (NOK)"), validators=[more_than_zero()])
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("paid_on", clock.today())
        super().__init__(*args, **kwargs)


class PaymentRefuseForm(CaseActionForm):
    rule_fields = {"required": "reason"}

    reason = text_field(
        label=_("Reasons for refusing the request"),
        help_text=_("The company sees the reasons on its case page."),
        max_length=2000,
        rows=3,
    )


class FinalReportReturnForm(CaseActionForm):
    rule_fields = {"required": "message"}

    message = text_field(
        label=_("What the final report lacks"),
        help_text=_("The final report goes back to the company to be completed; the final payment request is refused."),
        max_length=4000,
        rows=3,
    )
