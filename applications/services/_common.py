"""Helpers that the company, drafting and file services share: who may act, whether the
application may still change, amounts in kroner, and turning a model's ``ValidationError``
into field-by-field ``InputError``s."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from applications.models import Application, Company
from applications.permissions import is_company_member
from programme.errors import InputError, RuleViolation
from programme.locking import lock_objects
from programme.money import parse_nok


def _input_errors(error: ValidationError, *, row: int | None = None, group: str | None = None) -> list[InputError]:
    if hasattr(error, "error_dict"):
        return [
            InputError(None if name == NON_FIELD_ERRORS else name, " ".join(messages), row, group)
            for name, messages in error.message_dict.items()
        ]
    return [InputError(None, " ".join(error.messages), row, group)]


def _require_member(*, user: Any, company: Company) -> None:
    if not is_company_member(user, company):
        raise RuleViolation(_("Only people who act for the company may do this."), code="not_member")


def _require_draft(application: Application) -> None:
    if application.status != Application.Status.DRAFT:
        raise RuleViolation(_("The application has been submitted; changes are made on the case."), code="not_draft")


def _lock_draft(application: Application) -> Application:
    [locked] = lock_objects(application)
    _require_draft(locked)
    return locked


def _amount(value: Any, label: str) -> Decimal:
    return parse_nok(value, label=label, allow_zero=True, code="rule")
