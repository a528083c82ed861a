"""The revenue-and-pipeline summary of one account (its section on the account page and
``GET /api/v1/accounts/{account_id}/commercial-summary``).

Every figure in the base currency:

* **Open opportunities**: count, amount (each converted at its expected close date) and
  weighted amount (amount × probability ÷ 100), of the open opportunities the user sees.
* **Active contracts**: count of the account's contracts with status active.
* **MRR**: Σ monthly amount of the active contracts whose term covers today (started,
  not ended), converted at today's rate.
* **Revenue this year**: Σ revenue entries of the account with a month in this calendar
  year, each at its month's rate; against the **budget** of the year (converted at
  1 January's rate), as a percentage (one decimal place).
* **Margin this year** (restricted, :func:`~tandem.commercial.policies.may_see_costs`):
  this year's revenue − cost (the cost sources of :mod:`tandem.commercial.costs`, as
  profitability counts them), and margin %; ``None`` for everyone else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone

from tandem.clients.models import Account
from tandem.commercial.currency import (
    RateTable,
    base_amount,
    base_currency,
    checked_aggregate,
    quantize,
)
from tandem.commercial.models import (
    Budget,
    Contract,
    ContractStatus,
    Opportunity,
    OpportunityStatus,
    RevenueEntry,
)
from tandem.commercial.policies import may_see_costs
from tandem.commercial.selectors.profitability import cost_total, margin_percent
from tandem.core.permissions import scoped

ZERO = Decimal(0)


@dataclass(frozen=True)
class AccountCommercialSummary:
    base_currency: str
    year: int
    open_opportunities: int
    open_amount_base: Decimal
    open_weighted_base: Decimal
    active_contracts: int
    mrr_base: Decimal
    revenue_this_year_base: Decimal
    budget_base: Decimal | None  # None: no budget for the year
    budget_used_percent: Decimal | None
    margin_base: Decimal | None  # None: restricted (or nothing to show)
    margin_percent: Decimal | None
    costs_visible: bool


def _percent(part: Decimal, whole: Decimal | None) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def account_commercial_summary(*, user: Any, account: Account, today: dt.date | None = None) -> AccountCommercialSummary:
    """The summary of ``account`` (fetched through the scoped selectors) for ``user``.
    Raises :class:`~tandem.commercial.currency.MissingRateError` for a missing rate."""
    today = today or timezone.localdate()
    base = base_currency()
    year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)

    opportunities = scoped(user, Opportunity).filter(account=account, status=OpportunityStatus.OPEN)
    converted = base_amount("amount", "currency", "expected_close_date", base=base)
    pipeline = checked_aggregate(
        opportunities, converted=converted, currency_field="currency", date_field="expected_close_date", base=base,
        open_count=Count("pk"),
        open_amount=Sum(converted),
        open_weighted=Sum(ExpressionWrapper(converted * F("probability") / 100, output_field=DecimalField(max_digits=30, decimal_places=10))),
    )

    contracts = list(
        scoped(user, Contract).filter(account=account, status=ContractStatus.ACTIVE)
        .values_list("monthly_amount", "currency", "start_date", "end_date")
    )
    recurring = [
        (amount, currency) for amount, currency, start, end in contracts
        if amount > 0 and start <= today and (end is None or end >= today)
    ]
    budget_row = scoped(user, Budget).filter(account=account, year=today.year).values_list("amount", "currency").first()
    # One read of the rates for the contracts' and the budget's currencies (none when all
    # are in the base currency).
    rates = RateTable({currency for _amount, currency in recurring} | ({budget_row[1]} if budget_row else set()), base=base)
    mrr = sum((rates.to_base(amount, currency, today) for amount, currency in recurring), ZERO)

    revenue_rows = scoped(user, RevenueEntry).filter(account=account, month__gte=year_start, month__lte=year_end)
    billed = base_amount("amount", "currency", "month", base=base)
    revenue = checked_aggregate(
        revenue_rows, converted=billed, currency_field="currency", date_field="month", base=base,
        revenue_total=Sum(billed),
    )["revenue_total"]
    revenue_total = quantize(Decimal(revenue or 0))

    budget = rates.to_base(budget_row[0], budget_row[1], year_start) if budget_row else None

    costs_visible = may_see_costs(user, account)
    margin = margin_pct = None
    if costs_visible:
        cost = cost_total(account_ids=[account.pk], start=year_start, end=year_end, base=base)
        margin = revenue_total - cost
        margin_pct = margin_percent(revenue_total, margin)
    return AccountCommercialSummary(
        base_currency=base, year=today.year,
        open_opportunities=pipeline["open_count"] or 0,
        open_amount_base=quantize(Decimal(pipeline["open_amount"] or 0)),
        open_weighted_base=quantize(Decimal(pipeline["open_weighted"] or 0)),
        active_contracts=len(contracts),
        mrr_base=quantize(mrr),
        revenue_this_year_base=revenue_total,
        budget_base=budget,
        budget_used_percent=_percent(revenue_total, budget),
        margin_base=margin, margin_percent=margin_pct, costs_visible=costs_visible,
    )
