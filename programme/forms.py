"""Form helpers shared by every app: Designsystemet classes and accessible error wiring."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


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


class FiniteDecimalField(forms.DecimalField):
    """A number as Norwegians type it (``2,5``, ``1 250 000``) in a text box with a numeric
    keyboard.  It refuses "NaN", "sNaN" and "Infinity" while parsing: Django's own field does
    so only after comparing the parsed value with the initial one (to see whether a row
    changed), and comparing a signalling NaN raises InvalidOperation, a server error."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            for space in (" ", "\u00a0", "\u202f"):
                value = value.replace(space, "")
            value = value.replace(",", ".")
        number = super().to_python(value)
        if number is not None and not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


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
