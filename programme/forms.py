"""Form helpers shared by every app: Designsystemet classes and accessible error wiring."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from programme.numbers import format_number, parse_number


class FormRenderer(TemplatesSetting):
    """Forms drawn with the project's templates (settings.TEMPLATES): ``{{ form }}`` draws
    includes/form.html and ``{{ field.as_field_group }}`` includes/field.html, the one field
    template of every form.  Django's own widget templates and the admin's are found in the
    apps' template folders ("django.forms" is an installed app)."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"


class DesignsystemetForm(forms.Form):
    """Gives every widget Designsystemet's class, and marks invalid fields for screen readers
    (``aria-invalid`` and ``aria-describedby`` pointing at the help text and the message)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self) -> None:
        super().full_clean()
        describe_errors(self)


def number_formfield(db_field: models.Field, *, empty_means_zero: bool = False, **kwargs: Any) -> forms.Field | None:
    """A model's field as a form field, a decimal as a Norwegian number: an amount in kroner
    (the shape of every amount: 14 digits, two of them øre) as an ``AmountField``, any other
    decimal (hours, full-time equivalents, shares, a rate) as a ``NumberField``.  A model form
    names it as its ``Meta.formfield_callback`` (``zero_when_empty`` where an empty field counts
    as zero); the admin uses it for every model, so that no page shows ``200000.00``."""
    if isinstance(db_field, models.DecimalField):
        money = db_field.max_digits == 14 and db_field.decimal_places == 2
        kwargs.setdefault("form_class", AmountField if money else NumberField)
        kwargs["empty_means_zero"] = empty_means_zero
    return db_field.formfield(**kwargs)


def zero_when_empty(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """``number_formfield`` for a form whose numbers count an empty field as zero."""
    return number_formfield(db_field, empty_means_zero=True, **kwargs)


class DesignsystemetModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self) -> None:
        super().full_clean()
        describe_errors(self)


def style_fields(form: forms.BaseForm) -> None:
    for name, field in form.fields.items():
        attrs = field.widget.attrs
        attrs["class"] = (attrs.get("class", "") + " ds-input").strip()
        if field.help_text:
            attrs["aria-describedby"] = f"{form.auto_id % form.add_prefix(name)}_help"


def describe_errors(form: forms.BaseForm) -> None:
    for name in form.errors:
        if name not in form.fields:
            continue
        attrs = form.fields[name].widget.attrs
        field_id = form.auto_id % form.add_prefix(name)
        attrs["aria-invalid"] = "true"
        described = [attrs["aria-describedby"]] if attrs.get("aria-describedby") else []
        attrs["aria-describedby"] = " ".join([*described, f"{field_id}_error"])


class NumberTextInput(forms.TextInput):
    """A text box with a numeric keyboard that shows a number the way a Norwegian types it:
    ``4,5``, ``200 000``, ``1 250 000,50`` (in English ``4.5``); a whole number without
    decimals (``400``, not ``400.0``).  What a person typed is shown back as typed.  Not
    Django's ``NumberInput`` (``<input type="number">``): browsers refuse spaces in it and, in
    some languages, the decimal comma."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, places: int | None = None) -> None:
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})
        self.places = places
        self.zero_is_empty = False

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
            return super().format_value(value)
        number = Decimal(str(value))
        if not number.is_finite():
            return super().format_value(value)
        if number == 0 and self.zero_is_empty:
            return None
        return format_number(number, places=self.places)


class NumberField(forms.DecimalField):
    """The one field for a number a person types: hours, full-time equivalents, shares.

    Reads ``4,5`` and ``4.5`` in either language, ``1 250 000`` (ordinary, no-break or narrow
    spaces between groups of three), ``-2``; refuses anything else, such as ``1,5e4``, ``NaN``
    or ``12 34``, with a message that shows how to write the number
    (programme.numbers.parse_number).

    ``empty_means_zero``: a field where nothing typed counts as zero (the effects of a
    project, a company's employees) reads an empty field as 0 and shows 0 as an empty field."""

    default_error_messages = {
        "invalid": _("Enter a number, such as 4.5 or 1 250 000."),
        "max_decimal_places": ngettext_lazy("Give at most one decimal.", "Give at most %(max)s decimals.", "max"),
        "max_digits": _("The number is too large."),
        "max_whole_digits": _("The number is too large."),
    }
    # A number's own decimals (e.g. 4,5 hours); amounts show two when they have øre.
    places: int | None = None

    def __init__(self, *, empty_means_zero: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("widget", NumberTextInput(places=self.places))
        if empty_means_zero:
            kwargs["required"] = False
        self.empty_means_zero = empty_means_zero
        super().__init__(**kwargs)
        if isinstance(self.widget, NumberTextInput):
            self.widget.zero_is_empty = empty_means_zero

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = self.strip_unit(value.strip())
        if value in self.empty_values:
            return Decimal("0") if self.empty_means_zero else None
        if isinstance(value, str):
            try:
                return parse_number(value)
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)

    def strip_unit(self, text: str) -> str:
        """What a person may write around the number (a currency), removed before reading it."""
        return text


class AmountField(NumberField):
    """An amount in kroner: ``150 000``, ``150 000,50``, ``kr 150 000``, ``150 000 kr`` or
    ``150 000,-``; shown as ``150 000`` (``150 000,50`` with øre)."""

    default_error_messages = {
        "invalid": _("Enter an amount in kroner, such as 1 250 000 or 1 250 000.50."),
        "max_decimal_places": _("An amount has at most two decimals (øre)."),
        "max_digits": _("The amount is too large."),
        "max_whole_digits": _("The amount is too large."),
        "points": _("Write the thousands with spaces, such as 150 000; a point or a comma starts the øre."),
    }
    places = 2
    _UNIT = re.compile(r"^(?:kr\.?|nok)\s*|\s*(?:kr\.?|nok|,-)$", re.IGNORECASE)
    # 150.000 or 1.250.000: thousands grouped with points, as some people write them.
    _POINTED_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+", flags=re.ASCII)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def strip_unit(self, text: str) -> str:
        return self._UNIT.sub("", text).strip()

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str) and self._POINTED_THOUSANDS.fullmatch(self.strip_unit(value.strip())):
            # Not 150 kroner, nor a refusal about øre that would puzzle the person.
            raise ValidationError(self.error_messages["points"], code="invalid")
        return super().to_python(value)


class ReadOnceChoiceIterator(forms.models.ModelChoiceIterator):
    """A model choice field's options read with one plain query: Django's own iterator opens a
    server-side cursor on PostgreSQL (three round trips) for what is a short list here.

    A field with ``options`` (objects the page has read already) shows those instead and reads
    nothing; its queryset still decides what is a valid choice."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        options = getattr(self.field, "options", None)
        for obj in self.queryset if options is None else options:
            yield self.choice(obj)
