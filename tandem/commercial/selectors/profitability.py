"""Account profitability: revenue − cost per account and period, margin %, monthly trend.

Definitions (docs/profitability.md has worked examples):

* **Revenue** of a period ``start``…``end`` (both inclusive): the account's revenue
  entries whose month (its first day) lies in the period, each converted to the base
  currency at the rate of that first day.
* **Cost**: the sum of every registered cost source (:mod:`tandem.commercial.costs`):
  today the account's expenses dated in the period, each converted at its date; once
  delivery registers it, time × cost rate.
* **Margin** = revenue − cost; **margin %** = margin ÷ revenue × 100, to one decimal
  place, none when revenue is 0. Totals are summed unrounded and rounded once to the
  cent.

Who sees what: the rows are the accounts the user may see (the account policy) that
had revenue or cost in the period. Cost, margin and margin % are restricted
(:func:`tandem.commercial.policies.may_see_costs`): ``None`` on every row the user may
not see the costs of. A missing exchange rate is :class:`MissingRateError`, never 1.0.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from tandem.clients.models import Account
from tandem.commercial.costs import cost_sources
from tandem.commercial.currency import (
    base_amount,
    base_currency,
    conversion_counts,
    quantize,
    require_converted,
)
from tandem.commercial.models import RevenueEntry
from tandem.commercial.policies import may_see_costs
from tandem.core.permissions import scoped, sees_everything

ZERO = Decimal(0)


@dataclass(frozen=True)
class ProfitabilityRow:
    """One account over the period. ``cost``, ``margin`` and ``margin_percent`` are
    ``None`` when the user may not see this account's costs."""

    account_id: int
    account_name: str
    owner_id: int | None
    revenue_base: Decimal
    cost_base: Decimal | None
    margin: Decimal | None
    margin_percent: Decimal | None

    @property
    def costs_visible(self) -> bool:
        return self.cost_base is not None


@dataclass(frozen=True)
class ProfitabilityTotals:
    revenue_base: Decimal
    cost_base: Decimal | None  # None unless the user sees the costs of every row
    margin: Decimal | None
    margin_percent: Decimal | None


@dataclass(frozen=True)
class TrendMonth:
    month: dt.date
    revenue_base: Decimal
    cost_base: Decimal
    margin: Decimal
    margin_percent: Decimal | None


def margin_percent(revenue: Decimal, margin: Decimal) -> Decimal | None:
    """``margin ÷ revenue × 100`` to one decimal place (half up); ``None`` without revenue."""
    if not revenue:
        return None
    return (margin * 100 / revenue).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """This calendar year up to today."""
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def add_months(value: dt.date, months: int) -> dt.date:
    index = value.year * 12 + value.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def cost_accounts(user: Any) -> QuerySet[Account]:
    """The accounts whose costs ``user`` may see (admins and executives: all; an account
    manager: the accounts they own; nobody else: none)."""
    if sees_everything(user):
        return Account.objects.all()
    if not may_see_costs(user):
        return Account.objects.none()
    return Account.objects.filter(owner=user.pk)


def _revenue_by_account_month(
    account_ids: Any, start: dt.date, end: dt.date, base: str
) -> list[tuple[int, dt.date, Decimal]]:
    entries = RevenueEntry.objects.filter(month__gte=start, month__lte=end)
    if account_ids is not None:
        entries = entries.filter(account_id__in=account_ids)
    converted = base_amount("amount", "currency", "month", base=base)
    rows = list(
        entries.values("account_id", "month")
        .annotate(total=Sum(converted), **conversion_counts(converted))
        .order_by("account_id", "month")
    )
    require_converted(rows, entries, currency_field="currency", date_field="month", base=base)
    return [(row["account_id"], row["month"], Decimal(row["total"] or 0)) for row in rows]


def _costs_by_account_month(
    account_ids: Any, start: dt.date, end: dt.date, base: str
) -> list[tuple[int, dt.date, Decimal]]:
    rows: list[tuple[int, dt.date, Decimal]] = []
    for source in cost_sources():
        rows.extend(source.function(account_ids=account_ids, start=start, end=end, base=base))
    return rows


def cost_total(*, account_ids: Any, start: dt.date, end: dt.date, base: str) -> Decimal:
    """The cost of some accounts over ``start``…``end`` from every source, to the cent
    (the caller has checked that the user may see these costs)."""
    return quantize(sum((amount for _id, _month, amount in _costs_by_account_month(account_ids, start, end, base)), ZERO))


def account_profitability(
    *, user: Any, start: dt.date, end: dt.date, account: Account | None = None
) -> list[ProfitabilityRow]:
    """Revenue, cost, margin and margin % per account the user may see, for the period
    ``start``…``end``, by revenue (highest first) then name."""
    base = base_currency()
    visible = scoped(user, Account)
    if account is not None:
        visible = visible.filter(pk=account.pk)
    visible_ids: Any = visible.values("pk")
    if account is None and sees_everything(user):
        visible_ids = None  # every account: no filter
    revenue: dict[int, Decimal] = defaultdict(lambda: ZERO)
    cost: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for account_id, _month, amount in _revenue_by_account_month(visible_ids, start, end, base):
        revenue[account_id] += amount
    everything = sees_everything(user)
    # Those who see everything see every cost (no filter); others a handful of accounts.
    allowed: set[int] = set() if everything else set(
        cost_accounts(user).filter(pk__in=visible_ids).values_list("pk", flat=True)
    )
    cost_ids: Any = allowed if not everything else (visible_ids if account is not None else None)
    for account_id, _month, amount in _costs_by_account_month(cost_ids, start, end, base):
        cost[account_id] += amount
    ids = set(revenue) | set(cost)
    accounts = Account.objects.filter(pk__in=ids).values_list("pk", "name", "owner_id")
    rows = []
    for pk, name, owner_id in accounts:
        row_revenue = quantize(revenue[pk])
        if everything or pk in allowed:
            row_cost = quantize(cost[pk])
            row_margin: Decimal | None = row_revenue - row_cost
            rows.append(ProfitabilityRow(
                pk, name, owner_id, row_revenue, row_cost, row_margin, margin_percent(row_revenue, row_margin or ZERO)
            ))
        else:
            rows.append(ProfitabilityRow(pk, name, owner_id, row_revenue, None, None, None))
    rows.sort(key=lambda row: (-row.revenue_base, row.account_name.lower(), row.account_id))
    return rows


def profitability_totals(rows: list[ProfitabilityRow]) -> ProfitabilityTotals:
    """Sums of the rows; cost and margin only when every row shows its costs."""
    revenue = sum((row.revenue_base for row in rows), ZERO)
    if not all(row.costs_visible for row in rows):
        return ProfitabilityTotals(revenue, None, None, None)
    cost = sum((row.cost_base or ZERO for row in rows), ZERO)
    return ProfitabilityTotals(revenue, cost, revenue - cost, margin_percent(revenue, revenue - cost))


def profitability_trend(
    *, user: Any, account: Account | None = None, months: int = 12, end: dt.date | None = None
) -> list[TrendMonth]:
    """Revenue, cost and margin per month for the ``months`` months ending with the month
    of ``end`` (default today), of ``account`` or, without one, of every account whose
    costs the user may see. Empty when the user may not see those costs."""
    last = month_start(end or timezone.localdate())
    first = add_months(last, -(months - 1))
    period_end = add_months(last, 1) - dt.timedelta(days=1)
    allowed = cost_accounts(user)
    if account is not None:
        allowed = allowed.filter(pk=account.pk)
    if account is not None and not may_see_costs(user, account):
        return []
    if not sees_everything(user) and not may_see_costs(user):
        return []
    base = base_currency()
    ids = None if (account is None and sees_everything(user)) else allowed.values("pk")
    revenue: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    cost: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    for _account_id, month, amount in _revenue_by_account_month(ids, first, period_end, base):
        revenue[month] += amount
    for _account_id, month, amount in _costs_by_account_month(ids, first, period_end, base):
        cost[month] += amount
    trend = []
    for offset in range(months):
        month = add_months(first, offset)
        month_revenue, month_cost = quantize(revenue[month]), quantize(cost[month])
        margin = month_revenue - month_cost
        trend.append(TrendMonth(month, month_revenue, month_cost, margin, margin_percent(month_revenue, margin)))
    return trend
