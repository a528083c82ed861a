"""Where an account's costs come from: a small registry of cost sources.

Profitability (:mod:`tandem.commercial.selectors.profitability`) adds up every
registered source. Commercial registers one, **expenses** (``Expense.amount`` converted
at the expense's date). Delivery will register **time**: hours logged on an account's
projects × each person's cost rate, with::

    from tandem.commercial.costs import register_cost_source

    @register_cost_source(key="time", label="Time")
    def time_cost(*, account_ids, start, end, base):
        # one aggregate query: (account_id, month, amount in the base currency)
        return TimeEntry.objects.filter(...).values_list("project__account_id", month, Sum(...))

A source is a function taking keyword arguments ``account_ids`` (a queryset of account
ids, or ``None`` for every account), ``start`` and ``end`` (dates, both inclusive) and
``base`` (the base currency code), and answering an iterable of ``(account_id, month,
amount)``: ``month`` the first day of a month, ``amount`` a ``Decimal`` in the base
currency (not rounded; sums are rounded once, to the cent, at the end). It should do
its work in the database (one grouped aggregate) and raise
:class:`tandem.commercial.currency.MissingRateError` rather than convert at 1.0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from tandem.commercial.currency import base_amount, conversion_counts, require_converted
from tandem.commercial.models import Expense

CostRow = tuple[int, dt.date, Decimal]
CostFunction = Callable[..., Iterable[CostRow]]


@dataclass(frozen=True)
class CostSource:
    key: str
    label: str
    function: CostFunction


COST_SOURCES: dict[str, CostSource] = {}


def register_cost_source(*, key: str, label: str) -> Callable[[CostFunction], CostFunction]:
    """Register ``function`` as the cost source ``key`` (registering a key again
    replaces it); ``label`` names it on the profitability page and in the docs."""

    def decorator(function: CostFunction) -> CostFunction:
        COST_SOURCES[key] = CostSource(key=key, label=label, function=function)
        return function

    return decorator


def cost_sources() -> list[CostSource]:
    return sorted(COST_SOURCES.values(), key=lambda source: source.key)


def _month(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.replace(day=1)


@register_cost_source(key="expenses", label="Expenses")
def expense_costs(*, account_ids: Any, start: dt.date, end: dt.date, base: str) -> list[CostRow]:
    """Expenses dated ``start``…``end``, each converted at the rate of its own date,
    summed per account and month in one query (which also counts the amounts that found
    no rate: only then are the rates checked, to name the missing one)."""
    expenses = Expense.objects.filter(date__gte=start, date__lte=end)
    if account_ids is not None:
        expenses = expenses.filter(account_id__in=account_ids)
    converted = base_amount("amount", "currency", "date", base=base)
    rows = list(
        expenses.annotate(month_start=TruncMonth("date"))
        .values("account_id", "month_start")
        .annotate(total=Sum(converted), **conversion_counts(converted))
        .order_by("account_id", "month_start")
    )
    require_converted(rows, expenses, currency_field="currency", date_field="date", base=base)
    return [(row["account_id"], _month(row["month_start"]), Decimal(row["total"] or 0)) for row in rows]
