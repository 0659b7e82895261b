"""The applicant's forms on a case.  They parse what a person typed; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from programme.errors import RuleViolation
from programme.forms import DesignsystemetForm, FiniteDecimalField, describe_errors

ACCEPTED_FILES = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class NumberField(FiniteDecimalField):
    """A number as Norwegians type it, in either language: ``2,5``, ``2.5`` or ``1 000``."""


class AmountField(NumberField):
    """An amount in kroner: ``150 000``, ``150000,50`` or ``150 000 kr``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().removesuffix("kr").removesuffix("NOK")
        return super().to_python(value)


def more_than_zero() -> MinValueValidator:
    return MinValueValidator(Decimal("0.01"), message=_("Give an amount of more than zero kroner."))


class FirstRadioSelect(forms.RadioSelect):
    """Radio buttons whose group points at the first button, so that the error summary's
    link has somewhere to go (the group itself is labelled by its fieldset's legend)."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the services check each file's type by its content."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class CaseActionForm(DesignsystemetForm):
    """A form whose service refusals are shown at the field they are about.

    ``rule_fields`` maps a ``RuleViolation.code`` to the field it concerns; any other
    refusal is shown above the form's fields.
    """

    rule_fields: dict[str, str] = {}

    def add_rule_violation(self, error: RuleViolation) -> None:
        field = self.rule_fields.get(error.code)
        self.add_error(field if field in self.fields else None, str(error.message))
        # Tie the new message to its field for screen readers, as full_clean() does.
        describe_errors(self)


class CommentForm(CaseActionForm):
    """An optional comment, for withdrawing an application or declining an offer."""

    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


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
    report = forms.CharField(
        label=_("Short report on the work so far"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        help_text=_("Accounts, invoices and the like. PDF, DOCX, XLSX, PNG or JPEG, at most 20 MB each."),
    )


class FinalReportForm(CaseActionForm):
    rule_fields = {"grant": "amount", "required": "text", "file_type": "attachments", "too_large": "attachments"}

    text = forms.CharField(
        label=_("Final report"),
        help_text=_("What the project did, what it achieved and how it will be followed up."),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
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

    text = forms.CharField(
        label=_("Grounds for the appeal"),
        help_text=_("Say which decision you appeal, what you want changed and why."),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
