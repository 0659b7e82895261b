"""Every page of the site, as each of the programme's people sees it in Norwegian, writes its
numbers the Norwegian way: amounts in kroner (``1 250 000 kr``, never ``NOK``), no number with
a decimal point (``200000.00``, ``4.5``, ``400.0``) or shown as Django shows a bare Decimal
(``200000,00``) in the text or in a form input, and
organisation numbers in groups of three (``948 009 943``).

The pages are walked from the URL configuration (tests/security/routes.py), on side A of the
permission matrix's world, whose figures are given decimals so that a raw Decimal would show."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from applications.models import Application, Company, CostLine
from programme.numbers import parse_number
from tests.security import routes
from tests.security.world import STATES, MatrixWorld, build_matrix_world
from tests.storage import storages_in
from workflow.models import JobReport

ROLES = ("applicant_a", "adviser_a", "board_member", "admin")

# Dates (07.12.2026), times and industry codes (62.010) have points; amounts and decimals don't.
_DATE = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b")
_INDUSTRY_CODE = re.compile(r"\b\d{2}\.\d{2,3}\b")
_DECIMAL_POINT = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
_NOK = re.compile(r"\bNOK\b")
# A Decimal shown as Django localizes it without grouping: 200000,00 (never from |nok; a share
# rounded to 40,00 % is fine).
_RAW_AMOUNT = re.compile(r"(?<![\w,])(?:\d{4,},\d+|\d+,00)(?![\w,])(?!\s*%)")


class _Page(HTMLParser):
    """The text a reader sees and the values of the number inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.numbers: list[tuple[str, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag == "input" and named.get("inputmode") == "decimal" and named.get("value"):
            self.numbers.append((named.get("name") or "", named["value"] or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


@pytest.fixture(scope="module")
def mworld(django_db_setup: None, django_db_blocker, tmp_path_factory) -> Iterator[MatrixWorld]:
    storage = storages_in(tmp_path_factory.mktemp("private"))
    with override_settings(STORAGES=storage), django_db_blocker.unblock(), transaction.atomic():
        world = build_matrix_world()
        # Figures with decimals, as people type them: a raw Decimal would show as 2.5 or 12.50.
        Company.objects.update(employees_fte=Decimal("4.5"))
        Application.objects.update(
            new_jobs_expected=Decimal("2.5"), jobs_secured=Decimal("1.5"), expected_turnover=Decimal("1250000.50")
        )
        CostLine.objects.filter(category=CostLine.Category.OWN_HOURS).update(hours=Decimal("12.5"))
        JobReport.objects.update(new_jobs=Decimal("1.5"))
        yield world
        transaction.set_rollback(True)


def _urls(mw: MatrixWorld) -> list[tuple[str, str]]:
    """(route, url) of every page on side A; a case's pages once for a case in each state."""
    found = []
    params = routes.route_params()
    for name in routes.route_names():
        if "reference" in params[name]:
            for state in STATES:
                kwargs = routes.kwargs_for(name, params[name], mw.a)
                kwargs["reference"] = mw.a.cases[state].reference
                found.append((f"{name} ({state})", reverse(name, kwargs=kwargs)))
        else:
            found.append((name, reverse(name, kwargs=routes.kwargs_for(name, params[name], mw.a))))
    return found


def problems(html: str, org_numbers: set[str]) -> list[str]:
    page = _Page()
    page.feed(html)
    text = " ".join(page.text)
    found = []
    loose = _INDUSTRY_CODE.sub(" ", _DATE.sub(" ", text))
    found += [f"a decimal point: {match}" for match in _DECIMAL_POINT.findall(loose)]
    found += [f"an amount without spaces or with ,00: {match}" for match in _RAW_AMOUNT.findall(loose)]
    found += [f"NOK: …{text[max(0, m.start() - 30) : m.end() + 10]}…" for m in _NOK.finditer(text)]
    found += [f"organisation number unspaced: {number}" for number in org_numbers if number in text]
    for name, value in page.numbers:
        try:
            parse_number(value)
        except ValueError:
            found.append(f"input {name} shows {value!r}, which it cannot read back")
        if "." in value:
            found.append(f"input {name} shows {value!r}")
    return found


@pytest.mark.django_db
def test_every_page_writes_amounts_decimals_and_organisation_numbers_the_norwegian_way(mworld: MatrixWorld) -> None:
    org_numbers = set(Company.objects.values_list("org_number", flat=True))
    clients = {}
    for role in ROLES:
        clients[role] = Client(HTTP_ACCEPT_LANGUAGE="nb")
        clients[role].force_login(getattr(mworld.world, role))
    seen, wrong = 0, []
    for name, url in _urls(mworld):
        for role, client in clients.items():
            with transaction.atomic():
                response = client.get(url)
                transaction.set_rollback(True)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            seen += 1
            wrong += [f"{name} as {role}: {problem}" for problem in problems(response.content.decode(), org_numbers)]
    assert seen > 100  # the walk reached the pages
    assert wrong == [], "\n".join(wrong)
