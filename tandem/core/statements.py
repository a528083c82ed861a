"""Small queries that every page runs, compiled to SQL once per process.

The ORM assembles and compiles a query on every call: about 0.2 ms even for a one-row
read, the bulk of what the top bar's unread count or the base currency costs a page
(their SQL takes a few hundredths of that). :func:`run_once_compiled` builds such a
query's SQL the first time from the selector's own queryset, checks that its
parameters are exactly the values it is run with, in order, and afterwards runs the
same SQL with the values of the call, so the selector stays the one definition of the
rows.

:class:`Prepared` does the same for a query that a larger statement embeds (the home
page's count statement, :func:`tandem.core.home.capped_counts`): the selector's
queryset built and compiled the first time, in the shape the statement asks for.

Only for a query whose SQL does not depend on the values (no ``None`` among them, which
would write ``IS NULL``; no lists, whose length shapes ``IN``): anything that shapes it
goes into ``name``. Dates and times are compared as the database receives them. A
build whose parameters are not the values is a defect of its caller: the tests raise
:class:`StatementError` (:data:`STRICT`); a running server logs it and runs the query
just built, so the page stays right.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

Value = int | str | dt.date
#: Whether a statement whose parameters are not its values raises (tests set it) or runs
#: as just compiled, logged (a page keeps working).
STRICT = False
logger = logging.getLogger(__name__)
_SQL: dict[tuple[str, ...], str] = {}
_LOCK = threading.Lock()


class StatementError(ValueError):
    """A statement whose compiled parameters are not the values it is run with."""


def compiled_sql(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """``queryset``'s SQL and parameters, as it would run them."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def _bound(values: Sequence[Value], using: str) -> tuple[Any, ...]:
    """``values`` as the compiler passes them to the database (a date or a time in the
    form the database's adapter gives; the rest as they are)."""
    ops = connections[using].ops
    return tuple(
        ops.adapt_datetimefield_value(value) if isinstance(value, dt.datetime)
        else ops.adapt_datefield_value(value) if isinstance(value, dt.date)
        else value
        for value in values
    )


def _checked(name: str, values: Sequence[Value]) -> None:
    if any(value is None or not isinstance(value, Value) for value in values):
        raise StatementError(f"statement {name!r}: values must be numbers, strings or dates, not {values!r}")


def _kept_sql(
    key: tuple[str, ...], name: str, bound: tuple[Any, ...], build: Callable[[], tuple[str, Sequence[Any]]]
) -> tuple[str, tuple[Any, ...]]:
    """The kept SQL of ``key`` with ``bound``; the first time, ``build()``'s, kept only
    when its parameters are ``bound``. Otherwise (a caller's values out of step with its
    query: a defect) :class:`StatementError` when :data:`STRICT` (the tests), else the
    query just built runs as it is, not kept, and the defect is logged."""
    sql = _SQL.get(key)
    if sql is not None:
        return sql, bound
    sql, params = build()
    if tuple(params) != bound:
        message = f"statement {name!r}: its parameters {tuple(params)!r} are not the values {bound!r}"
        if STRICT:
            raise StatementError(message)
        logger.error("%s; run without keeping it", message)
        return sql, tuple(params)
    with _LOCK:
        _SQL[key] = sql
    return sql, bound


@dataclass(frozen=True)
class Prepared:
    """A selector's queryset for ``values``, compiled once per process and shape: ``build()``
    returns it (called only the first time), and its parameters must be ``values``, in
    order, as the database receives them."""

    name: str
    values: tuple[Value, ...]
    build: Callable[[], QuerySet[Any]]
    db: str = "default"

    def __post_init__(self) -> None:
        _checked(self.name, self.values)

    def compiled(self, shape: str, compile_shape: Callable[[QuerySet[Any]], tuple[str, Sequence[Any]]]) -> tuple[str, tuple[Any, ...]]:
        """The SQL of ``compile_shape(build())`` (e.g. its ids, limited) and this call's
        parameters; ``shape`` names what ``compile_shape`` makes of the queryset."""
        bound = _bound(self.values, self.db)
        return _kept_sql((self.name, shape, self.db), self.name, bound, lambda: compile_shape(self.build()))


def run_once_compiled(
    name: str, values: Sequence[Value], build: Callable[[], tuple[str, Sequence[Any]]], *, using: str = "default"
) -> list[tuple[Any, ...]]:
    """The rows of the statement ``name`` run with ``values``: ``build()`` (the SQL and
    parameters of the selector's query for these values) is called only the first time
    per process and database, and its SQL kept only when its parameters are ``values``,
    in order (see :func:`_kept_sql`)."""
    _checked(name, values)
    sql, params = _kept_sql((name, "rows", using), name, _bound(values, using), build)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def forget_statements() -> None:
    """Drop the compiled statements (tests that rebuild the schema)."""
    with _LOCK:
        _SQL.clear()
