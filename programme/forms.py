"""Form helpers shared by every app: Designsystemet classes and accessible error wiring."""

from __future__ import annotations

from typing import Any

from django import forms


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
