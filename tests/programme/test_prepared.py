"""A prepared read (programme/prepared.py) gives the rows the queryset gives, whatever its
arguments, on the database the tests run on (SQLite by ``make test``, PostgreSQL in CI); it is
compiled once per list length and time zone, and refuses a read whose SQL its arguments'
values would change."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programme.models import BudgetYear, Contribution, User
from programme.prepared import Prepared, columns, loaded
from tests.factories import BudgetYearFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

_money = DecimalField(max_digits=16, decimal_places=2)


def _frames(programme: int, years: list[int]) -> Any:
    """Budget years of a programme with the sum of their contributions (a subquery, a
    Coalesce with a constant, an IN list, a date and a decimal among the columns)."""
    contributions = (
        Contribution.objects.filter(budget_year=OuterRef("pk"))
        .order_by()
        .values("budget_year")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        BudgetYear.objects.filter(programme_id=programme, year__in=years)
        .order_by("year")
        .values(
            "id",
            "year",
            "programme__start_date",
            frame=Coalesce(Subquery(contributions), Value(Decimal(0)), output_field=_money),
        )
    )


FRAMES = Prepared(_frames, programme=int, years=list[int])


@pytest.fixture
def budget() -> dict[str, Any]:
    programme, other = ProgrammeFactory(), ProgrammeFactory()
    for year, amounts in ((2024, ["100000.50", "250000"]), (2025, []), (2026, ["1.25"])):
        budget_year = BudgetYearFactory(programme=programme, year=year)
        for number, amount in enumerate(amounts):
            Contribution.objects.create(budget_year=budget_year, funder=f"Kommune {number}", amount=Decimal(amount))
    BudgetYearFactory(programme=other, year=2024)
    return {"programme": programme, "other": other}


def test_a_prepared_read_gives_the_rows_of_its_queryset_for_any_arguments(budget: dict[str, Any]) -> None:
    programme, other = budget["programme"], budget["other"]
    cases = [
        (programme.pk, [2024, 2025, 2026]),
        (programme.pk, [2026]),
        (programme.pk, [2026, 2024]),  # the same length, other values: the same compiled read
        (programme.pk, [2024, 2024]),  # an element twice
        (other.pk, [2024, 2025]),
        (programme.pk, [1999]),
    ]
    for programme_id, years in cases:
        expected = list(_frames(programme_id, years))
        assert FRAMES.rows(programme=programme_id, years=years) == expected
    rows = FRAMES.rows(programme=programme.pk, years=[2024, 2026])
    assert [(row["year"], row["frame"]) for row in rows] == [(2024, Decimal("350000.50")), (2026, Decimal("1.25"))]
    assert isinstance(rows[0]["frame"], Decimal) and isinstance(rows[0]["programme__start_date"], datetime.date)


def test_an_empty_list_is_a_read_of_no_rows_without_a_query(budget: dict[str, Any]) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert FRAMES.rows(programme=budget["programme"].pk, years=[]) == []
    assert len(queries) == 0


def test_it_is_compiled_once_per_list_length(budget: dict[str, Any]) -> None:
    built: list[tuple[int, list[int]]] = []

    def counted(programme: int, years: list[int]) -> Any:
        built.append((programme, years))
        return _frames(programme, years)

    read = Prepared(counted, programme=int, years=list[int])
    pk = budget["programme"].pk
    read.rows(programme=pk, years=[2024])
    read.rows(programme=pk, years=[2026])
    assert len(built) == 2  # two compilations (two sets of placeholders) for one length
    read.rows(programme=pk, years=[2024, 2025])
    assert len(built) == 4
    read.rows(programme=pk, years=[2025, 2026])
    assert len(built) == 4
    # Built with placeholders, never with a caller's values.
    assert pk not in {programme for programme, _ in built}


def test_a_constant_equal_to_a_placeholder_stays_a_constant(budget: dict[str, Any]) -> None:
    # 10 000 is the first integer placeholder: as a constant it must not take an argument.
    read = Prepared(
        lambda programme: (
            BudgetYear.objects.filter(programme_id=programme)
            .exclude(target_jobs=10_000)
            .order_by("year")
            .values("year")
        ),
        programme=int,
    )
    assert read.rows(programme=budget["programme"].pk) == [{"year": 2024}, {"year": 2025}, {"year": 2026}]


def test_a_read_whose_sql_depends_on_an_argument_is_refused() -> None:
    def depends(year: int) -> Any:
        years = BudgetYear.objects.filter(year=year)
        return (years.filter(target_jobs__gt=0) if year > 15_000 else years).values("year")

    with pytest.raises(ValueError, match="depends on its arguments"):
        Prepared(depends, year=int).rows(year=2024)
    with pytest.raises(ValueError, match="does not use the arguments"):
        Prepared(
            lambda year, programme: BudgetYear.objects.filter(year=year).values("year"), year=int, programme=int
        ).rows(year=2024, programme=1)
    with pytest.raises(TypeError, match="cannot be prepared"):
        Prepared(lambda amount: BudgetYear.objects.values("year"), amount=Decimal)
    with pytest.raises(TypeError, match="Expected the arguments"):
        FRAMES.rows(programme=1)


def test_a_read_of_dates_and_times_follows_the_active_time_zone() -> None:
    # 23:30 UTC on New Year's Day is already the 2nd in Oslo: "joined on" differs by zone.
    person = UserFactory(date_joined=datetime.datetime(2026, 1, 1, 23, 30, tzinfo=datetime.UTC))

    def joined(person: int, on: datetime.date) -> Any:
        return User.objects.filter(pk=person, date_joined__date=on).values("email")

    read = Prepared(joined, person=int, on=datetime.date)
    new_year, next_day = datetime.date(2026, 1, 1), datetime.date(2026, 1, 2)
    assert read.rows(person=person.pk, on=next_day) == [{"email": person.email}]  # Oslo
    assert read.rows(person=person.pk, on=new_year) == []
    with timezone.override("UTC"):
        assert read.rows(person=person.pk, on=new_year) == [{"email": person.email}]
        assert read.rows(person=person.pk, on=next_day) == []
    assert read.rows(person=person.pk, on=next_day) == list(joined(person.pk, next_day))


def test_loaded_makes_an_instance_with_the_rest_deferred(budget: dict[str, Any]) -> None:
    row = FRAMES.rows(programme=budget["programme"].pk, years=[2026])[0]
    budget_year = loaded(BudgetYear, row, {"id": "id", "year": "year"})
    assert budget_year.pk == row["id"] and budget_year.year == 2026
    assert budget_year.get_deferred_fields() == {
        "programme_id",
        "target_projects_min",
        "target_projects_max",
        "target_jobs",
    }
    with CaptureQueriesContext(connection) as queries:
        assert budget_year.target_jobs == 45  # read when asked for, as with .only()
    assert len(queries) == 1
    assert not budget_year._state.adding


def test_placeholder_counts_are_bounded() -> None:
    with pytest.raises(ValueError, match="at most"):
        FRAMES.rows(programme=1, years=list(range(10_001)))


def test_it_keeps_a_bounded_number_of_compilations(budget: dict[str, Any]) -> None:
    read = Prepared(_frames, programme=int, years=list[int])
    pk = budget["programme"].pk
    for length in range(1, 70):
        assert [row["year"] for row in read.rows(programme=pk, years=[2024] * length)] == [2024]
    assert len(read._compiled) == 64
    assert [row["year"] for row in read.rows(programme=pk, years=[2026])] == [2026]  # compiled again


def test_the_columns_are_named_in_the_order_the_queryset_gives_them(budget: dict[str, Any]) -> None:
    # An annotation named before a field: values() keeps the order it was given.
    read = Prepared(
        lambda programme: (
            BudgetYear.objects.filter(programme_id=programme)
            .annotate(next_year=F("year") + 1)
            .order_by("year")
            .values("next_year", "year")
        ),
        programme=int,
    )
    rows = read.rows(programme=budget["programme"].pk)
    assert rows == list(
        BudgetYear.objects.filter(programme=budget["programme"])
        .annotate(next_year=F("year") + 1)
        .order_by("year")
        .values("next_year", "year")
    )
    assert rows[0] == {"next_year": 2025, "year": 2024}


def test_loaded_gives_none_for_a_row_without_the_object_and_columns_name_every_field() -> None:
    # As select_related gives for an outer join that found nothing (a decision recorded by no one).
    person = columns(User, "decided_by")
    assert person["id"] == "decided_by__id" and person["email"] == "decided_by__email"
    assert set(person) == {field.attname for field in User._meta.concrete_fields}
    assert loaded(User, dict.fromkeys(person.values()), person) is None
    assert columns(BudgetYear) == {
        name: name
        for name in ("id", "programme_id", "year", "target_projects_min", "target_projects_max", "target_jobs")
    }
