"""One way to lock what a service changes, as pretix's ``lock_objects``.

Every service opens a transaction and calls :func:`lock_objects` once, with everything it
will change: model instances, querysets and advisory keys.  The locks are taken in one
global order — by kind (the place of the kind in ``LOCK_ORDER``), then by key — so two
services that need the same rows always ask for them in the same order and never wait for
each other in a circle (a deadlock).  The rows come back freshly read under their locks; the
service checks its rules on those copies and only then writes.

On PostgreSQL the transaction waits at most ``settings.LOCK_TIMEOUT`` seconds for a lock
(``lock_timeout``, set for this transaction only); then the service is refused with
"Saken er opptatt; prøv igjen." and the transaction rolls back, leaving everything as it was.
SQLite has no row locks and lets one writer at a time: there the rows are only read again.

Rows are locked ``FOR NO KEY UPDATE``: two services still take turns on a row, but a row
that merely points at it (a ledger entry at a budget year, an event at a case) can be added
meanwhile, as PostgreSQL's own ``UPDATE`` of a non-key column allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import OperationalError, models, transaction
from django.utils.translation import gettext as _

from programme.errors import RuleViolation

# The global order of what is locked.  A kind's place here never changes with the service;
# a new kind of lock must be given its place (lock_objects refuses a kind it cannot place).
# Broad before narrow: the organisation's de minimis key (shared across programmes) and the
# programme before its budget years, the meeting before its agenda and cases, the case
# before what hangs from it, the application and company before the people's requests.
LOCK_ORDER: tuple[str, ...] = (
    "de-minimis",  # advisory: an organisation number, across all programmes
    "programme.programme",
    "programme.budgetyear",
    "workflow.boardmeeting",
    "workflow.agendaitem",
    "workflow.meetingdocument",
    "workflow.case",
    "workflow.offer",
    "workflow.paymentrequest",
    "applications.application",
    "applications.company",
    "applications.invitation",
    "applications.membershiprequest",
    "programme.user",
)

# PostgreSQL's SQLSTATE for "lock_not_available": lock_timeout ran out (or NOWAIT found a lock).
LOCK_NOT_AVAILABLE = "55P03"


@dataclass(frozen=True)
class AdvisoryKey:
    """A lock on something that is not a row (e.g. an organisation number in every
    programme): a PostgreSQL transaction-level advisory lock on ``kind:key``."""

    kind: str
    key: str


@dataclass
class Step:
    """One lock query: the rows of one kind (or one advisory key), in the global order."""

    kind: str
    rank: int
    advisory: str | None = None
    model: type[models.Model] | None = None
    pks: tuple[Any, ...] = ()
    queryset: models.QuerySet | None = None


@dataclass(frozen=True)
class One:
    """A queryset of exactly one row (e.g. a case with its programme joined): lock_objects
    gives back the row itself, or raises ``DoesNotExist`` as ``get()`` does."""

    queryset: models.QuerySet


def one(queryset: models.QuerySet) -> One:
    return One(queryset)


def de_minimis_key(org_number: str) -> AdvisoryKey:
    """The organisation's de minimis headroom.  Each programme has its own budget-year row,
    so only this key makes two boards approving the same organisation count in turn."""
    return AdvisoryKey("de-minimis", org_number)


def _rank(kind: str) -> int:
    try:
        return LOCK_ORDER.index(kind)
    except ValueError:
        raise ValueError(f"{kind!r} has no place in programme.locking.LOCK_ORDER") from None


def _kind(model: type[models.Model]) -> str:
    return model._meta.label_lower


Target = models.Model | models.QuerySet | One


def lock_plan(targets: Sequence[Target], advisory: Iterable[AdvisoryKey] = ()) -> list[Step]:
    """The lock queries for ``targets`` and ``advisory`` keys, in the order they run.

    One query per kind, so that the rows of a kind are locked in key order by the database
    (``ORDER BY pk``); a kind is given either as instances or as one queryset.
    """
    steps: dict[str, Step] = {}
    for given in targets:
        target = given.queryset if isinstance(given, One) else given
        if isinstance(target, models.QuerySet):
            kind = _kind(target.model)
            if kind in steps:
                raise ValueError(f"{kind} is given twice; give its rows as one queryset or as instances")
            steps[kind] = Step(kind, _rank(kind), model=target.model, queryset=target)
        elif isinstance(target, models.Model):
            # __class__, not type(): request.user is a lazy object standing for the user.
            model = target.__class__
            if target.pk is None:
                raise ValueError(f"an unsaved {model.__name__} cannot be locked")
            kind = _kind(model)
            step = steps.setdefault(kind, Step(kind, _rank(kind), model=model))
            if step.queryset is not None:
                raise ValueError(f"{kind} is given twice; give its rows as one queryset or as instances")
            step.pks = tuple(sorted({*step.pks, target.pk}))
        else:
            raise TypeError(f"lock_objects locks model instances and querysets, not {type(target).__name__}")
    advisory_steps = [
        Step(f"{key.kind}:{key.key}", _rank(key.kind), advisory=f"{key.kind}:{key.key}") for key in set(advisory)
    ]
    return sorted([*advisory_steps, *steps.values()], key=lambda step: (step.rank, step.kind))


def _is_lock_timeout(error: OperationalError) -> bool:
    cause = error.__cause__
    return (getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)) == LOCK_NOT_AVAILABLE


def busy() -> RuleViolation:
    return RuleViolation(_("The case is busy; please try again."), code="busy")


def lock_objects(*targets: Target, advisory: Iterable[AdvisoryKey] = ()) -> list[Any]:
    """Lock ``targets`` and ``advisory`` keys in the global order, inside the caller's
    transaction; returns, for each target in the order given, the instance read again under
    its lock (a queryset: the list of its rows, by primary key; ``one(queryset)``: its row).

    A queryset is locked as it reads once the kinds before it are locked, so "the agenda
    items of this meeting" are read under the meeting's lock.  Refuses with "the case is
    busy" when a lock is not had within ``settings.LOCK_TIMEOUT`` seconds.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("lock_objects() must run inside the service's transaction")
    plan = lock_plan(targets, advisory)
    locked: dict[str, list[models.Model]] = {}
    try:
        if connection.vendor == "postgresql":
            advisory_keys = [step.advisory for step in plan if step.advisory]
            milliseconds = max(1, round(settings.LOCK_TIMEOUT * 1000))
            with connection.cursor() as cursor:
                # SET LOCAL: for the rest of this transaction only.
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{milliseconds}ms"])
                for key in advisory_keys:
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
        for step in plan:
            if step.advisory:
                continue
            rows = step.queryset if step.queryset is not None else step.model._default_manager.filter(pk__in=step.pks)
            # "of self": a joined row (select_related) is read, not locked, so no row of
            # another kind is locked out of the order.
            locked[step.kind] = list(rows.select_for_update(no_key=True, of=("self",)).order_by("pk"))
    except OperationalError as error:
        if _is_lock_timeout(error):
            raise busy() from error
        raise
    return [_found(target, locked) for target in targets]


def _found(target: Target, locked: dict[str, list[models.Model]]) -> Any:
    if isinstance(target, One):
        model = target.queryset.model
        rows = locked[_kind(model)]
        if len(rows) != 1:
            error = model.DoesNotExist if not rows else model.MultipleObjectsReturned
            raise error(f"{len(rows)} {model.__name__} rows where one was expected")
        return rows[0]
    if isinstance(target, models.QuerySet):
        return locked[_kind(target.model)]
    model = target.__class__
    row = next((row for row in locked[_kind(model)] if row.pk == target.pk), None)
    if row is None:
        raise model.DoesNotExist(f"{model.__name__} {target.pk} is gone")
    return row
