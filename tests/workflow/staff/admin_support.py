"""What the tests of the administrator's pages share: the addresses, the Norwegian words the
pages show, the budget figures computed from the ledger rows themselves, and what a refused
action must leave as it was."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from programme.models import BudgetYear, Contribution
from tests.journey import World
from workflow.models import Case, JobReport, LedgerEntry, Payment, PaymentRequest, TimelineEvent


def nb(msgid: str, **values: Any) -> str:
    """The Norwegian text the pages show for ``msgid``."""
    with translation.override("nb"):
        text = gettext(msgid)
    return text % values if values else text


def literal(msgid: str) -> str:
    """The longest fixed piece of the Norwegian text of a message with placeholders."""
    pieces = re.split(r"%\(\w+\)s", nb(msgid))
    return max(pieces, key=len).strip()


def url(name: str, world: World, *args: Any) -> str:
    return reverse(f"staff_admin:{name}", args=[world.programme.code, *args])


def page(client: Client, user: Any, address: str, status: int = 200) -> str:
    client.force_login(user)
    response = client.get(address)
    assert response.status_code == status, f"{address} answered {response.status_code}"
    return response.content.decode()


def figure(html: str, name: str, scope: str | None = None) -> list[str]:
    """The texts of the elements marked ``data-figure="name"`` (within ``id="scope"`` if given)."""
    if scope is not None:
        start = html.index(f'id="{scope}"')
        html = html[start:]
    return [value.strip() for value in re.findall(rf'data-figure="{name}">(.*?)<', html, flags=re.DOTALL)]


@dataclass(frozen=True)
class LedgerFigures:
    frame: Decimal
    committed: Decimal
    disbursed: Decimal

    @property
    def available(self) -> Decimal:
        return self.frame - self.committed


def from_the_ledger(budget_year: BudgetYear) -> LedgerFigures:
    """A budget year's figures added up row by row, without the selectors (SPEC §5)."""
    sums = {kind: Decimal(0) for kind in LedgerEntry.Kind.values}
    for entry in LedgerEntry.objects.filter(budget_year=budget_year):
        sums[entry.kind] += entry.amount
    frame = sum((c.amount for c in Contribution.objects.filter(budget_year=budget_year)), Decimal(0))
    return LedgerFigures(
        frame=frame,
        committed=sums["commit"] - sums["release"],
        disbursed=sums["disburse"] - sums["reclaim"],
    )


def trace(case: Case) -> tuple[Any, ...]:
    """What a refused action must leave as it was."""
    return (
        Case.objects.get(pk=case.pk).state,
        TimelineEvent.objects.filter(case=case).count(),
        LedgerEntry.objects.filter(case=case).count(),
        Payment.objects.filter(case=case).count(),
        tuple(PaymentRequest.objects.filter(case=case).order_by("pk").values_list("status", flat=True)),
        JobReport.objects.filter(case=case).count(),
    )
