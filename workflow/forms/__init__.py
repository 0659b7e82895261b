"""What the case forms share: file fields, the base form of a case action, a comment,
the date picker.  They parse what a person typed; the services decide.  Amounts and other
numbers are programme.forms' AmountField and NumberField."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from programme.errors import RuleViolation
from programme.forms import DesignsystemetForm, describe_errors

ACCEPTED_FILES = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


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


def text_field(label: Any, *, required: bool = True, max_length: int = 10000, rows: int = 4, **kwargs: Any) -> Any:
    """A text of several lines (reasons, reports, notes): a text area ``rows`` high."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


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

    comment = text_field(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        rows=4,
    )


class DateInput(forms.DateInput):
    """The browser's date picker; it sends ISO dates (``2026-03-01``), which Django reads."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)
