"""Reads whose SQL Django compiles once per process, then runs with each call's arguments.

Django builds and compiles a queryset anew on every call.  For a read with several subqueries
that costs more than the database's answer: the board agenda's items and its budget year
with its figures took 1 to 1.5 ms each to build and as much again to compile, against 2 ms of
SQL (bench/RESULTS.md, run 8).  A ``Prepared`` read is built by Django from a function of
its arguments, compiled once with placeholder arguments, and afterwards run through the
connection's cursor with the real ones; its rows pass through Django's own converters (the
same values as ``.values()`` gives, on PostgreSQL and SQLite alike).

Only a read whose SQL does not depend on its arguments' values may be prepared: no list of
varying length, no ``None`` that turns ``=`` into ``IS NULL``, nothing read from the request
or the active time zone (a ``__date`` on a date and time is compiled with the zone's name).
Preparing compiles the read twice, with two sets of placeholders, and refuses one whose SQL
or other parameters differ between them.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

# Two placeholders for each argument, the n-th argument's n steps from each kind's first
# ones.  An argument is found among the parameters where the first compilation has its first
# placeholder and the second its second, so a constant of the same value is told apart.
# Integers small enough for any integer field: Django compiles a value out of a field's range
# as a read of no rows, without the parameter.
_FIRST: dict[type, tuple[Any, Any]] = {
    int: (32_600, 32_700),
    datetime.date: (datetime.date(1901, 2, 3), datetime.date(1902, 3, 4)),
}


def _placeholders(kinds: dict[str, type], which: int) -> dict[str, Any]:
    placeholders = {}
    for step, (name, kind) in enumerate(kinds.items()):
        first = _FIRST[kind][which]
        placeholders[name] = first + (step if kind is int else datetime.timedelta(days=step))
    return placeholders


class _Compiled:
    """A read compiled for one database: its SQL, where each argument goes among the
    parameters (and whether the database takes it as text), and its converters."""

    def __init__(self, queryset: QuerySet[Any], second: QuerySet[Any], kinds: dict[str, type]) -> None:
        compiler = queryset.query.get_compiler(queryset.db)
        self.sql, params = compiler.as_sql()
        other_sql, other_params = second.query.get_compiler(second.db).as_sql()
        if other_sql != self.sql or len(other_params) != len(params):
            raise ValueError("The read's SQL depends on its arguments: it cannot be prepared.")
        self.params = list(params)
        first, second = _placeholders(kinds, 0), _placeholders(kinds, 1)
        # position -> (argument, as text?)
        self.slots: dict[int, tuple[str, bool]] = {}
        for position, (value, other) in enumerate(zip(params, other_params, strict=True)):
            slot = _slot(value, other, first, second)
            if slot is not None:
                self.slots[position] = slot
            elif value != other:
                raise ValueError(f"The read's parameter {position} depends on its arguments: it cannot be prepared.")
        missing = set(kinds) - {name for name, _ in self.slots.values()}
        if missing:
            raise ValueError(f"The read does not use the arguments {sorted(missing)}.")
        query = queryset.query
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        self.converters = compiler.get_converters([column for column, _, _ in compiler.select[: compiler.col_count]])

    def params_for(self, arguments: dict[str, Any]) -> list[Any]:
        params = list(self.params)
        for position, (name, as_text) in self.slots.items():
            params[position] = str(arguments[name]) if as_text else arguments[name]
        return params


def _slot(value: Any, other: Any, first: dict[str, Any], second: dict[str, Any]) -> tuple[str, bool] | None:
    for name, placeholder in first.items():
        if value == placeholder and other == second[name]:
            return name, False
        if value == str(placeholder) and other == str(second[name]):  # SQLite takes dates as text
            return name, True
    return None


class Prepared:
    """A ``.values()`` read of fixed shape: ``build(**arguments)`` returns the queryset, and
    ``rows(**arguments)`` its rows as dictionaries, as iterating the queryset would.

    ``kinds`` names each argument's type (``int`` or ``datetime.date``)."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **kinds: type) -> None:
        unknown = {kind for kind in kinds.values() if kind not in _FIRST}
        if unknown:
            raise TypeError(f"Arguments of these types cannot be prepared: {unknown}")
        self.build = build
        self.kinds = kinds
        self._lock = threading.Lock()
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, using: str = DEFAULT_DB_ALIAS) -> _Compiled:
        compiled = self._compiled.get(using)
        if compiled is None:
            with self._lock:
                first, second = _placeholders(self.kinds, 0), _placeholders(self.kinds, 1)
                compiled = _Compiled(self.build(**first).using(using), self.build(**second).using(using), self.kinds)
                self._compiled[using] = compiled
        return compiled

    def rows(self, using: str = DEFAULT_DB_ALIAS, **arguments: Any) -> list[dict[str, Any]]:
        if arguments.keys() != self.kinds.keys():
            raise TypeError(f"Expected the arguments {sorted(self.kinds)}, got {sorted(arguments)}.")
        compiled = self.compiled(using)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params_for(arguments))
            rows = cursor.fetchall()
        names = compiled.names
        converters = list(compiled.converters.items())
        result = []
        for values in rows:
            if converters:
                values = list(values)
                for position, (functions, expression) in converters:
                    value = values[position]
                    for convert in functions:
                        value = convert(value, expression, connection)
                    values[position] = value
            result.append(dict(zip(names, values, strict=True)))
        return result


def loaded(model: type[Model], row: dict[str, Any], fields: dict[str, str], using: str = DEFAULT_DB_ALIAS) -> Any:
    """A model instance from a prepared row, as the ORM makes one from a query with
    ``.only()``: ``fields`` maps each field's attribute name to its key in ``row``; the
    others are deferred (read from the database if ever asked for)."""
    # from_db takes the loaded values in the order of the model's fields.
    names = [field.attname for field in model._meta.concrete_fields if field.attname in fields]
    return model.from_db(using, names, [row[fields[name]] for name in names])
