"""Small queries that every page runs, compiled to SQL once per process.

The ORM assembles and compiles a query on every call: about 0.2 ms even for a one-row
read, the bulk of what the top bar's unread count or the base currency costs a page
(their SQL takes a few hundredths of that). :func:`run_once_compiled` builds such a
query's SQL the first time from the selector's own queryset, checks that its
parameters are exactly the values it is run with, in order, and afterwards runs the
same SQL with the values of the call, so the selector stays the one definition of the
rows.

Only for a query whose SQL does not depend on the values (no ``None`` among them, which
would write ``IS NULL``; no lists, whose length shapes ``IN``): anything that shapes it
goes into ``name``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections
from django.db.models import QuerySet

Value = int | str | dt.date
_SQL: dict[tuple[str, str], str] = {}
_LOCK = threading.Lock()


class StatementError(ValueError):
    """A statement whose compiled parameters are not the values it is run with."""


def compiled_sql(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """``queryset``'s SQL and parameters, as it would run them."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def run_once_compiled(
    name: str, values: Sequence[Value], build: Callable[[], tuple[str, Sequence[Any]]], *, using: str = "default"
) -> list[tuple[Any, ...]]:
    """The rows of the statement ``name`` run with ``values``: ``build()`` (the SQL and
    parameters of the selector's query for these values) is called only the first time
    per process and database; :class:`StatementError` unless its parameters are
    ``values``, in order."""
    if any(value is None or not isinstance(value, Value) for value in values):
        raise StatementError(f"statement {name!r}: values must be numbers, strings or dates, not {values!r}")
    key = (name, using)
    sql = _SQL.get(key)
    if sql is None:
        sql, params = build()
        if tuple(params) != tuple(values):
            raise StatementError(f"statement {name!r}: its parameters {tuple(params)!r} are not the values {tuple(values)!r}")
        with _LOCK:
            _SQL[key] = sql
    with connections[using].cursor() as cursor:
        cursor.execute(sql, list(values))
        return cursor.fetchall()


def forget_statements() -> None:
    """Drop the compiled statements (tests that rebuild the schema)."""
    with _LOCK:
        _SQL.clear()
