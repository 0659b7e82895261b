"""The range every typed date must fall in (issue 17): from 01.01.2000 to ten years ahead, built
from the clock, with the edges allowed; the programme's start date in the admin is held to it."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.forms import modelform_factory

from programme import clock
from programme.admin import ProgrammeForm
from programme.dates import EARLIEST, implausible
from programme.models import Programme

DAY = dt.timedelta(days=1)


def test_the_edges_are_allowed_and_a_day_beyond_them_is_not() -> None:
    latest = clock.today() + relativedelta(years=10)

    assert implausible(EARLIEST) == implausible(latest) == implausible(None) == ""
    for day in (EARLIEST - DAY, latest + DAY, dt.date(1900, 1, 1), dt.date(3026, 1, 1)):
        assert implausible(day) == f"Oppgi en dato fra 01.01.2000 til {latest:%d.%m.%Y}."


@pytest.mark.parametrize(("typed", "valid"), [("1900-01-01", False), ("1999-12-31", False), ("2000-01-01", True)])
def test_the_programmes_start_date_in_the_admin(typed: str, valid: bool) -> None:
    form = modelform_factory(Programme, form=ProgrammeForm, fields=["start_date"])(data={"start_date": typed})

    assert form.is_valid() == valid
    if not valid:
        assert form.errors["start_date"] == [implausible(dt.date.fromisoformat(typed))]
