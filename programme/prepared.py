"""Reads whose SQL Django compiles once per process, then runs with each call's arguments.

Django builds and compiles a queryset anew on every call.  For a read with several subqueries
that costs more than the database's answer: the board agenda's items and its budget year
with its figures took 1 ms each to build and 1.5 ms to compile, against 1.7 to 2 ms to run
raw (bench/RESULTS.md, run 8).  A ``Prepared`` read is built by Django from a function of
its arguments, compiled with placeholder arguments, and afterwards run through the
connection's cursor with the real ones; its rows pass through Django's own converters (the
same values as ``.values()`` gives, on PostgreSQL and SQLite alike).

The SQL may depend on nothing but the number of elements of each list argument (an ``IN``
list has a placeholder for each) and the active time zone (a ``__date`` on a date and time
is compiled with the zone's name): a read is compiled once for each database, time zone and
list lengths.  Not allowed: an argument whose value changes the SQL, such as a ``None`` that
turns ``=`` into ``IS NULL``, or anything read from elsewhere than the arguments.  Preparing
compiles the read twice, with two sets of placeholders, and refuses a read whose SQL or other
parameters differ between them.
"""

from __future__ import annotations

import datetime
import threading
import typing
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.utils import timezone

# The first placeholder of each kind, in each of the two compilations; the n-th placeholder
# of a read (counting each list's elements) is n steps on.  An argument is found among the
# parameters where the first compilation has its first placeholder and the second its second,
# so a constant of the same value is told apart.  Integers stay below 32 768, in the range of
# any integer field: Django compiles a value out of a field's range as a read of no rows.
_FIRST: dict[type, tuple[Any, Any]] = {
    int: (10_000, 20_000),
    str: ("\x1fprepared-a-", "\x1fprepared-b-"),
    datetime.date: (datetime.date(1901, 1, 1), datetime.date(1951, 1, 1)),
}
_MOST_PLACEHOLDERS = 10_000
# Compilations kept per read (one per database, time zone and list lengths): the oldest go.
_KEPT = 64


def _placeholder(kind: type, which: int, step: int) -> Any:
    first = _FIRST[kind][which]
    if kind is int:
        return first + step
    if kind is str:
        return f"{first}{step}"
    return first + datetime.timedelta(days=step)


def _element_kind(kind: Any) -> type | None:
    """``int`` for ``list[int]``; None for a kind that is not a list."""
    return typing.get_args(kind)[0] if typing.get_origin(kind) is list else None


class _Compiled:
    """A read compiled for one database, time zone and list lengths: its SQL, where each
    argument (or list element) goes among the parameters and whether the database takes it
    as text, and its converters."""

    def __init__(self, build: Callable[..., QuerySet[Any]], kinds: dict[str, Any], lengths: dict[str, int]) -> None:
        first, second = (_placeholders(kinds, lengths, which) for which in (0, 1))
        queryset, other = build(**first), build(**second)
        compiler = queryset.query.get_compiler(queryset.db)
        self.sql, params = compiler.as_sql()
        other_sql, other_params = other.query.get_compiler(other.db).as_sql()
        if other_sql != self.sql or len(other_params) != len(params):
            raise ValueError("The read's SQL depends on its arguments' values: it cannot be prepared.")
        self.params = list(params)
        wanted = _wanted(first, second)
        # position -> (argument, element or None, as text?)
        self.slots: dict[int, tuple[str, int | None, bool]] = {}
        for position, (value, other_value) in enumerate(zip(params, other_params, strict=True)):
            found = wanted.get((value, other_value)) if _hashable(value, other_value) else None
            if found is not None:
                self.slots[position] = found
            elif value != other_value:
                raise ValueError(f"The read's parameter {position} depends on its arguments: it cannot be prepared.")
        unused = {name for name in kinds if lengths.get(name, 1)} - {name for name, _, _ in self.slots.values()}
        if unused:
            raise ValueError(f"The read does not use the arguments {sorted(unused)}.")
        query = queryset.query
        # The columns' names as Django's ValuesIterable reads them.
        if query.selected:
            self.names = list(query.selected)
        else:
            self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        self.converters = list(
            compiler.get_converters([column for column, _, _ in compiler.select[: compiler.col_count]]).items()
        )

    def params_for(self, arguments: dict[str, Any]) -> list[Any]:
        params = list(self.params)
        for position, (name, element, as_text) in self.slots.items():
            value = arguments[name] if element is None else arguments[name][element]
            params[position] = str(value) if as_text else value
        return params


def _placeholders(kinds: dict[str, Any], lengths: dict[str, int], which: int) -> dict[str, Any]:
    placeholders: dict[str, Any] = {}
    step = 0
    for name, kind in kinds.items():
        element_kind = _element_kind(kind)
        if element_kind is None:
            placeholders[name] = _placeholder(kind, which, step)
            step += 1
        else:
            placeholders[name] = [_placeholder(element_kind, which, step + k) for k in range(lengths[name])]
            step += lengths[name]
    if step > _MOST_PLACEHOLDERS:
        raise ValueError(f"A prepared read takes at most {_MOST_PLACEHOLDERS} arguments and list elements.")
    return placeholders


def _wanted(first: dict[str, Any], second: dict[str, Any]) -> dict[tuple[Any, Any], tuple[str, int | None, bool]]:
    """Each placeholder pair, as the compiled parameters may hold it, to its argument."""
    wanted = {}
    for name, value in first.items():
        pairs = (
            [(value, second[name], None)]
            if not isinstance(value, list)
            else [(element, second[name][k], k) for k, element in enumerate(value)]
        )
        for one, other, element in pairs:
            wanted[(one, other)] = (name, element, False)
            if isinstance(one, datetime.date):  # SQLite takes dates as text
                wanted[(str(one), str(other))] = (name, element, True)
    return wanted


def _hashable(*values: Any) -> bool:
    try:
        hash(values)
    except TypeError:
        return False
    return True


class Prepared:
    """A ``.values()`` read whose SQL depends only on the lengths of its list arguments:
    ``build(**arguments)`` returns the queryset, and ``rows(**arguments)`` its rows as
    dictionaries, as iterating the queryset would.

    ``kinds`` names each argument's type: ``int``, ``str``, ``datetime.date``, or a list of
    one of them (``list[int]``)."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **kinds: Any) -> None:
        for name, kind in kinds.items():
            if (_element_kind(kind) or kind) not in _FIRST:
                raise TypeError(f"An argument of type {kind} cannot be prepared ({name}).")
        self.build = build
        self.kinds = kinds
        self._lists = [name for name, kind in kinds.items() if _element_kind(kind) is not None]
        self._lock = threading.Lock()
        # (database, time zone, list lengths) -> the read compiled, or None for a read that
        # Django finds to have no rows (an empty IN list)
        self._compiled: dict[tuple[str, str, tuple[int, ...]], _Compiled | None] = {}

    def compiled(self, using: str, lengths: dict[str, int]) -> _Compiled | None:
        """The read compiled for ``using``, the active time zone and these list lengths (None:
        a read of no rows)."""
        key = (using, timezone.get_current_timezone_name(), tuple(lengths.values()))
        try:  # one look (not "in", then a second): another thread may evict it in between
            return self._compiled[key]
        except KeyError:
            pass
        with self._lock:
            try:
                compiled = _Compiled(lambda **arguments: self.build(**arguments).using(using), self.kinds, lengths)
            except EmptyResultSet:
                compiled = None
            if len(self._compiled) >= _KEPT:
                del self._compiled[next(iter(self._compiled))]
            self._compiled[key] = compiled
        return compiled

    def rows(self, using: str = DEFAULT_DB_ALIAS, **arguments: Any) -> list[dict[str, Any]]:
        if arguments.keys() != self.kinds.keys():
            raise TypeError(f"Expected the arguments {sorted(self.kinds)}, got {sorted(arguments)}.")
        arguments = {name: list(arguments[name]) if name in self._lists else arguments[name] for name in arguments}
        compiled = self.compiled(using, {name: len(arguments[name]) for name in self._lists})
        if compiled is None:
            return []
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params_for(arguments))
            rows = cursor.fetchall()
        names, converters = compiled.names, compiled.converters
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


def columns(model: type[Model], path: str = "") -> dict[str, str]:
    """Every column of ``model`` as ``loaded`` takes them: each field's attribute name to its
    key in a read's rows, the model reached by ``path`` from the read's model (``""``: the
    read's model itself)."""
    return {
        field.attname: f"{path}__{field.attname}" if path else field.attname for field in model._meta.concrete_fields
    }


def loaded(model: type[Model], row: dict[str, Any], fields: dict[str, str], using: str = DEFAULT_DB_ALIAS) -> Any:
    """A model instance from a prepared row, as the ORM makes one from a query with
    ``.only()``: ``fields`` maps each field's attribute name to its key in ``row``; the
    others are deferred (read from the database if ever asked for).  None where the row has
    no primary key for the model, as ``select_related`` gives for a related object that is
    not there (an outer join that found nothing)."""
    if row[fields[model._meta.pk.attname]] is None:
        return None
    # from_db takes the loaded values in the order of the model's fields.
    names = [field.attname for field in model._meta.concrete_fields if field.attname in fields]
    return model.from_db(using, names, [row[fields[name]] for name in names])
