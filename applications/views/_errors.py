"""Putting a service's refusal back where a person looks for it: at the field, at the row of
a list, or, failing both, in the error summary at the top of the page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from applications.services import InputError
from programme.errors import RuleViolation


def mark_invalid(form: forms.BaseForm, name: str) -> None:
    """``aria-invalid`` and ``aria-describedby`` for an error added after validation."""
    attrs = form.fields[name].widget.attrs
    error_id = f"{form.auto_id % form.add_prefix(name)}_error"
    attrs["aria-invalid"] = "true"
    described = attrs.get("aria-describedby", "").split()
    if error_id not in described:
        attrs["aria-describedby"] = " ".join([*described, error_id])


def place_refusal(
    violation: RuleViolation,
    *,
    form: forms.BaseForm | None = None,
    rows: Mapping[str, Sequence[forms.BaseForm]] | None = None,
) -> list[str]:
    """Add each error of ``violation`` to its field (``rows[group][row]`` for a line of a
    list); return the messages that belong to no field, for the summary."""
    errors: Iterable[InputError] = getattr(violation, "errors", None) or [InputError(None, violation.message)]
    loose: list[str] = []
    for error in errors:
        target = form
        if error.group is not None:
            group = (rows or {}).get(error.group) or []
            target = group[error.row] if error.row is not None and error.row < len(group) else None
        if target is None:
            loose.append(str(error.message))
            continue
        name = error.field if error.field in target.fields else None
        target.add_error(name, str(error.message))
        if name is not None:
            mark_invalid(target, name)
    return loose


def _form_items(form: forms.BaseForm, line: int | None = None) -> list[dict[str, Any]]:
    if not form.is_bound:
        return []
    items = []
    prefix = _("Line %(line)s") % {"line": line} if line else ""
    first = next(iter(form), None)
    for error in form.non_field_errors():
        message = f"{prefix}: {error}" if prefix else str(error)
        items.append({"message": message, "url": f"#{first.id_for_label}" if first is not None else ""})
    for field in form:
        for error in field.errors:
            label = f"{field.label}, {prefix.lower()}" if prefix else field.label
            items.append({"message": f"{label}: {error}", "url": f"#{field.id_for_label}"})
    return items


def error_items(*things: forms.BaseForm | forms.BaseFormSet | None, loose: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Every error on the page, in page order, each a link to its field (WCAG 3.3.1)."""
    items: list[dict[str, Any]] = [{"message": message, "url": ""} for message in loose]
    for thing in things:
        if thing is None:
            continue
        if isinstance(thing, forms.BaseFormSet):
            if thing.is_bound:
                items.extend({"message": str(message), "url": ""} for message in thing.non_form_errors())
            for index, form in enumerate(thing.forms):
                items.extend(_form_items(form, line=index + 1))
        else:
            items.extend(_form_items(thing))
    return items
