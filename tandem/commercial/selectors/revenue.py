"""Reads of revenue and budgets, scoped to the acting user (STYLE rule 2).

* :func:`revenue_list` / :func:`revenue_get`, :func:`budget_list` / :func:`budget_get`:
  the rows a user may see (they follow their account, :mod:`tandem.commercial.policies`).
* :func:`mrr_by_month`: monthly recurring revenue per account over time, in the base
  currency. MRR of an account in month m = Σ its recurring revenue entries of m (one per
  active contract and month, written by the contracts' monthly job), each converted at
  the rate of m's first day. Summed in the database by (account, currency, month).
* :func:`budget_status` / :func:`budget_statuses` / :func:`budget_statuses_by_year`:
  planned, committed, won and billed for an account's year, in the base currency
  (definitions in docs/forecast.md), in three queries however many years, accounts and
  currencies a page shows (each source summed by account, currency and day in the
  database, converted in Python with one rate table):

  - planned = the budget's amount, at the rate of 1 January of the year;
  - committed = Σ value of the account's active and in-negotiation contracts whose start
    date falls in the year, each at its start date's rate;
  - won = Σ amount of its won opportunities closed in the year, at the closing date's rate;
  - billed = Σ its revenue entries (every kind) of the year's months, at each month's rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import CharField, F, QuerySet, Sum, Value
from django.utils import timezone

from tandem.clients.models import Account
from tandem.commercial.currency import (
    MissingRateError,
    RateTable,
    base_currency,
    base_sums,
    quantize,
    require_rates,
)
from tandem.commercial.models import (
    Budget,
    Contract,
    ContractStatus,
    Opportunity,
    OpportunityStatus,
    RevenueEntry,
    RevenueKind,
)
from tandem.core.permissions import get_visible, scoped

ZERO = Decimal("0.00")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


# --- Revenue entries -----------------------------------------------------------------------


@dataclass(frozen=True)
class RevenueFilters:
    account_id: int | None = None
    kind: str = ""
    month_from: dt.date | None = None
    month_to: dt.date | None = None  # inclusive: the month of this date counts
    owner_id: int | None = None  # the account's account manager
    sort: str = "-month"


REVENUE_SORTS = {
    "month": ("month", "id"), "-month": ("-month", "-id"),
    "amount": ("amount", "id"), "-amount": ("-amount", "-id"),
}


def revenue_list(*, actor: Any, filters: RevenueFilters | None = None, for_count: bool = False) -> QuerySet[RevenueEntry]:
    filters = filters or RevenueFilters()
    queryset = scoped(actor, RevenueEntry, for_count=for_count).select_related("account", "contract")
    if filters.account_id is not None:
        queryset = queryset.filter(account_id=filters.account_id)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.month_from is not None:
        queryset = queryset.filter(month__gte=month_start(filters.month_from))
    if filters.month_to is not None:
        queryset = queryset.filter(month__lte=month_start(filters.month_to))
    if filters.owner_id is not None:
        queryset = queryset.filter(account__owner_id=filters.owner_id)
    return queryset.order_by(*REVENUE_SORTS.get(filters.sort, REVENUE_SORTS["-month"]))


def revenue_get(*, actor: Any, revenue_entry_id: Any) -> RevenueEntry:
    return get_visible(actor, RevenueEntry.objects.select_related("account", "contract"), revenue_entry_id)


def revenue_total(queryset: QuerySet[RevenueEntry], *, base: str | None = None) -> Decimal:
    """Σ of the entries in the base currency, each at its month's rate, in one query
    (grouped by currency and rate in force, :func:`~tandem.commercial.currency.base_sums`);
    :class:`~tandem.commercial.currency.MissingRateError` names a missing rate (only when
    an amount found none are the rates checked, in a second query)."""
    return revenue_count_and_total(queryset, base=base)[1]


def revenue_count_and_total(
    queryset: QuerySet[RevenueEntry], *, base: str | None = None, cap: int | None = None
) -> tuple[int, Decimal]:
    """The entries of ``queryset`` and :func:`revenue_total` of them, in one query. With
    ``cap``, at most ``cap + 1`` entries are read: a count above ``cap`` says the total is
    of some entries only (a list page's count and total in one query)."""
    base = base or base_currency()

    def missing() -> None:
        require_rates(queryset.order_by(), currency_field="currency", date_field="month", base=base)

    rows, sums = base_sums(
        queryset, sums={"amount_sum": Sum("amount")}, currency_field="currency", date="month", base=base,
        on_missing=missing, cap=cap,
    )
    return rows, quantize(sums["amount_sum"])


# --- Budgets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetFilters:
    account_id: int | None = None
    year: int | None = None
    owner_id: int | None = None
    sort: str = "-year"


BUDGET_SORTS = {"year": ("year", "account__name", "id"), "-year": ("-year", "account__name", "id"),
                "account": ("account__name", "-year", "id"), "-account": ("-account__name", "-year", "id")}


def budget_list(*, actor: Any, filters: BudgetFilters | None = None, for_count: bool = False) -> QuerySet[Budget]:
    filters = filters or BudgetFilters()
    queryset = scoped(actor, Budget, for_count=for_count).select_related("account", "account__owner")
    if filters.account_id is not None:
        queryset = queryset.filter(account_id=filters.account_id)
    if filters.year is not None:
        queryset = queryset.filter(year=filters.year)
    if filters.owner_id is not None:
        queryset = queryset.filter(account__owner_id=filters.owner_id)
    return queryset.order_by(*BUDGET_SORTS.get(filters.sort, BUDGET_SORTS["-year"]))


def budget_get(*, actor: Any, budget_id: Any) -> Budget:
    return get_visible(actor, Budget.objects.select_related("account", "account__owner"), budget_id)


@dataclass(frozen=True)
class BudgetStatus:
    """One account's year, in the base currency (``planned`` is None without a budget)."""

    account_id: int
    year: int
    base_currency: str
    planned: Decimal | None
    committed: Decimal
    won: Decimal
    billed: Decimal

    @property
    def billed_percent(self) -> Decimal | None:
        if not self.planned:
            return None
        return (self.billed * 100 / self.planned).quantize(Decimal("1"))


def _by_day(queryset: QuerySet[Any], name: str, *, amount: str, currency: str, date: str) -> QuerySet[Any]:
    """``queryset`` summed by account, currency and day, tagged ``name`` (one part of
    :func:`_sums_by_day`'s union)."""
    return (
        queryset.order_by()
        .annotate(row_currency=F(currency), row_day=F(date))
        .values("account_id", "row_currency", "row_day")
        .annotate(total=Sum(amount), source=Value(name, output_field=CharField()))
    )


def _sums_by_day(parts: Sequence[QuerySet[Any]]) -> dict[str, list[tuple[int, str, dt.date, Decimal]]]:
    """Per source, ``(account id, currency, day, Σ amount)`` sorted by currency and day, read
    in ONE query (a ``UNION ALL`` of the :func:`_by_day` parts). Converted in Python in that
    order, the first missing rate met is the earliest of its currency, as
    :func:`~tandem.commercial.currency.require_rates` names it."""
    first, *others = parts
    found: dict[str, list[tuple[int, str, dt.date, Decimal]]] = {}
    for row in first.union(*others, all=True).order_by():
        found.setdefault(row["source"], []).append(
            (row["account_id"], row["row_currency"], row["row_day"], Decimal(row["total"] or 0))
        )
    return {name: sorted(rows, key=lambda item: (item[1], item[2], item[0])) for name, rows in found.items()}


def _converted(rows: Iterable[tuple[int, str, dt.date, Decimal]], rates: RateTable) -> dict[int, Decimal]:
    """Σ per account of ``rows`` in the base currency, each rounded once on its total."""
    totals: dict[int, Decimal] = {}
    for account_id, currency, day, amount in rows:
        totals[account_id] = totals.get(account_id, Decimal(0)) + amount * rates.rate(currency, day)
    return {account_id: quantize(total) for account_id, total in totals.items()}


@dataclass(frozen=True)
class BudgetStatuses:
    """:func:`budget_statuses_by_year`: ``{year: {account id: BudgetStatus}}``, and the
    missing rate of each year that could not be converted (that year has no statuses)."""

    by_year: dict[int, dict[int, BudgetStatus]]
    errors: dict[int, MissingRateError]


def budget_statuses_by_year(*, actor: Any, account_ids_by_year: Mapping[int, Iterable[int]]) -> BudgetStatuses:
    """:class:`BudgetStatus` of each visible account of each year's ``account_ids``: three
    queries (the budgets; contracts, won opportunities and revenue grouped by account,
    currency and day in one union, over the days from the first year's 1 January to the
    last year's 31 December; the rates), whatever the number of years, accounts and
    currencies; converted in Python with one :class:`RateTable`."""
    wanted = {year: set(ids) for year, ids in account_ids_by_year.items() if ids}
    if not wanted:
        return BudgetStatuses({}, {})
    base = base_currency()
    ids = sorted(set().union(*wanted.values()))
    start, end = dt.date(min(wanted), 1, 1), dt.date(max(wanted) + 1, 1, 1)
    budgets = sorted(
        scoped(actor, Budget).filter(account_id__in=ids, year__in=list(wanted)).values_list("account_id", "year", "amount", "currency"),
        key=lambda row: (row[3], row[1], row[0]),
    )
    sources = _sums_by_day([
        _by_day(
            scoped(actor, Contract).filter(
                account_id__in=ids, status__in=(ContractStatus.ACTIVE, ContractStatus.NEGOTIATION),
                start_date__gte=start, start_date__lt=end,
            ),
            "committed", amount="value", currency="currency", date="start_date",
        ),
        _by_day(
            scoped(actor, Opportunity).filter(
                account_id__in=ids, status=OpportunityStatus.WON, closed_on__gte=start, closed_on__lt=end
            ),
            "won", amount="amount", currency="currency", date="closed_on",
        ),
        _by_day(
            scoped(actor, RevenueEntry).filter(account_id__in=ids, month__gte=start, month__lt=end),
            "billed", amount="amount", currency="currency", date="month",
        ),
    ])
    currencies = {row[3] for row in budgets} | {row[1] for rows in sources.values() for row in rows}
    rates = RateTable(currencies, base=base)
    statuses: dict[int, dict[int, BudgetStatus]] = {}
    errors: dict[int, MissingRateError] = {}
    for year, year_ids in sorted(wanted.items()):
        first = dt.date(year, 1, 1)
        try:
            planned = {
                account_id: rates.to_base(amount, currency, first)
                for account_id, budget_year, amount, currency in budgets
                if budget_year == year and account_id in year_ids
            }
            sums = {
                name: _converted(
                    (row for row in sources.get(name, ()) if row[2].year == year and row[0] in year_ids), rates
                )
                for name in ("committed", "won", "billed")
            }
        except MissingRateError as error:
            errors[year] = error
            continue
        statuses[year] = {
            pk: BudgetStatus(
                account_id=pk, year=year, base_currency=base, planned=planned.get(pk),
                committed=sums["committed"].get(pk, ZERO), won=sums["won"].get(pk, ZERO),
                billed=sums["billed"].get(pk, ZERO),
            )
            for pk in sorted(year_ids)
        }
    return BudgetStatuses(statuses, errors)


def budget_statuses(*, actor: Any, year: int, account_ids: Iterable[int]) -> dict[int, BudgetStatus]:
    """:class:`BudgetStatus` of each visible account of ``account_ids`` for ``year``
    (:func:`budget_statuses_by_year`); :class:`MissingRateError` if a rate is missing."""
    found = budget_statuses_by_year(actor=actor, account_ids_by_year={year: account_ids})
    if year in found.errors:
        raise found.errors[year]
    return found.by_year.get(year, {})


def budget_page_statuses(*, actor: Any, budgets: Iterable[Budget]) -> dict[int, BudgetStatus]:
    """``{budget id: BudgetStatus}`` for a page of budgets, every year at once
    (:func:`budget_statuses_by_year`); :class:`MissingRateError` if a rate is missing."""
    budgets = list(budgets)
    by_year: dict[int, set[int]] = {}
    for budget in budgets:
        by_year.setdefault(budget.year, set()).add(budget.account_id)
    found = budget_statuses_by_year(actor=actor, account_ids_by_year=by_year)
    if found.errors:
        raise found.errors[min(found.errors)]
    return {budget.pk: found.by_year[budget.year][budget.account_id] for budget in budgets}


def budget_status(*, user: Any, account: Account, year: int) -> BudgetStatus:
    """Planned, committed, won and billed of ``account`` in ``year`` (base currency)."""
    return budget_statuses(actor=user, year=year, account_ids=[account.pk])[account.pk]


# --- Monthly recurring revenue -----------------------------------------------------------


@dataclass
class AccountMrr:
    account_id: int
    account_name: str
    amounts: list[Decimal] = field(default_factory=list)  # one per month of the series


@dataclass
class MrrSeries:
    base_currency: str
    months: list[dt.date]
    accounts: list[AccountMrr]
    totals: list[Decimal]


def mrr_by_month(user: Any, account: Account | None = None, months: int = 12, *, end: dt.date | None = None) -> MrrSeries:
    """MRR per account for the ``months`` months ending with ``end``'s month (default:
    the current month), in the base currency. One grouped aggregate and one rate read."""
    last = month_start(end or timezone.localdate())
    series = [add_months(last, offset) for offset in range(-months + 1, 1)]
    base = base_currency()
    queryset = scoped(user, RevenueEntry).filter(kind=RevenueKind.RECURRING, month__gte=series[0], month__lte=last)
    if account is not None:
        queryset = queryset.filter(account=account)
    rows = list(
        queryset.order_by().values("account_id", "account__name", "currency", "month").annotate(total=Sum("amount"))
    )
    rates = RateTable({row["currency"] for row in rows}, base=base)
    index = {month: position for position, month in enumerate(series)}
    by_account: dict[int, AccountMrr] = {}
    raw: dict[int, list[Decimal]] = {}
    for row in rows:
        entry = by_account.setdefault(row["account_id"], AccountMrr(row["account_id"], row["account__name"]))
        sums = raw.setdefault(entry.account_id, [Decimal(0)] * len(series))
        sums[index[row["month"]]] += Decimal(row["total"]) * rates.rate(row["currency"], row["month"])
    accounts = sorted(by_account.values(), key=lambda item: (item.account_name.lower(), item.account_id))
    for entry in accounts:
        entry.amounts = [quantize(value) for value in raw[entry.account_id]]
    if account is not None and not accounts:
        accounts = [AccountMrr(account.pk, account.name, [ZERO] * len(series))]
    totals = [quantize(sum((item.amounts[i] for item in accounts), Decimal(0))) for i in range(len(series))]
    return MrrSeries(base_currency=base, months=series, accounts=accounts, totals=totals)
