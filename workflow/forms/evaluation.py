"""The administrator's form for making an evaluation of a period.  It parses the dates; the
service decides whether the period can be evaluated, and its refusal is shown at the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workflow.forms import CaseActionForm, DateInput


class EvaluationForm(CaseActionForm):
    rule_fields = {"period": "period_to", "period_from": "period_from"}

    period_from = forms.DateField(label=_("From"), widget=DateInput())
    period_to = forms.DateField(label=_("To (inclusive)"), widget=DateInput())
