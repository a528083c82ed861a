"""The revenue forecast: the next N months from the current month, in the base currency.

For month m (its first day to its last):

* ``contracted`` = Σ ``monthly_amount`` of active contracts whose term covers m
  (start date ≤ m's last day, and no end date or end date ≥ m's first day), at the rate
  of m's first day;
* ``milestones`` = Σ unbilled milestones due in m of active or in-negotiation contracts,
  each at its due date's rate;
* ``weighted_pipeline`` = Σ ``amount × probability / 100`` of open opportunities expected
  to close in m, except those whose forecast category is "omitted", each at its expected
  close date's rate;
* ``commit`` = contracted + milestones + Σ amount of open "commit" opportunities closing
  in m; ``best_case`` = commit + Σ amount of open "best case" opportunities closing in m;
  ``worst_case`` = contracted + milestones (nothing from the pipeline);
* ``total`` = contracted + milestones + weighted_pipeline.

Each part is summed in the database grouped by currency and month (contracts: by their
first and last month in the window; milestones and deals also by the date of the
exchange rate in force, looked up per day and currency, so each row still converts at
its own date's rate), converted
with one rate table of :mod:`tandem.commercial.currency` (a missing rate is
``MissingRateError`` naming the currency and date), summed, and rounded to the cent per
month: a fixed number of queries returning rows bounded by the currencies, the months and
the rate changes, whatever the number of records (docs/forecast.md, "Cost"). The whole
organisation's forecast (an executive's or admin's, unfiltered) reads the same sums from
the tables the database keeps by triggers (:mod:`tandem.commercial.models.forecast_sums`),
bounded by the months and currencies, unless a rate changes within a month of the
window. The ``owner`` filter is
the opportunity's or contract's owner; ``account`` the account. Overdue items (open
opportunities expected before the current month, unbilled milestones due before it) are
not in the forecast: they are the pipeline's and the contracts' to-do lists.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from tandem.clients.models import Account
from tandem.commercial.currency import (
    MissingRateError,
    RateTable,
    base_currency,
    db_decimal,
    quantize,
    rate_in_force_sql,
)
from tandem.commercial.models import (
    OPEN_ENDED,
    BillingMilestone,
    Contract,
    ContractedSum,
    ContractStatus,
    ForecastCategory,
    ForecastMonthSum,
    ForecastSumKind,
    Opportunity,
    OpportunityStatus,
)
from tandem.commercial.selectors.revenue import add_months, month_start
from tandem.core.permissions import scoped, sees_everything

ZERO = Decimal("0.00")
MAX_MONTHS = 36
GroupBy = Literal["owner", "account"] | None
FIGURES = ("contracted", "milestones", "weighted_pipeline", "commit", "best_case", "worst_case", "total")
WEIGHTED = ExpressionWrapper(F("amount") * F("probability"), output_field=DecimalField(max_digits=30, decimal_places=4))


@dataclass(frozen=True)
class ForecastMonth:
    month: dt.date
    contracted: Decimal
    milestones: Decimal
    weighted_pipeline: Decimal
    commit: Decimal
    best_case: Decimal
    total: Decimal

    @property
    def worst_case(self) -> Decimal:
        return self.contracted + self.milestones


@dataclass
class ForecastGroup:
    """One row of a breakdown (an account manager or an account): its months and sums."""

    key: int | None
    name: str
    months: list[ForecastMonth] = field(default_factory=list)

    def sum(self, figure: str) -> Decimal:
        return sum((getattr(month, figure) for month in self.months), ZERO)

    @property
    def totals(self) -> dict[str, Decimal]:
        return {figure: self.sum(figure) for figure in FIGURES}


@dataclass
class _Raw:
    """Unrounded base-currency sums of one group, per month index."""

    contracted: defaultdict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    milestones: defaultdict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    weighted: defaultdict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    commit: defaultdict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    best: defaultdict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


def _window(start: dt.date | None, months: int) -> list[dt.date]:
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months must be between 1 and {MAX_MONTHS}")
    first = month_start(start or timezone.localdate())
    return [add_months(first, offset) for offset in range(months)]


def _filtered(queryset: QuerySet[Any], *, owner: Any, account: Any, owner_path: str, account_path: str) -> QuerySet[Any]:
    if owner is not None:
        queryset = queryset.filter(**{owner_path: getattr(owner, "pk", owner)})
    if account is not None:
        queryset = queryset.filter(**{account_path: getattr(account, "pk", account)})
    return queryset.order_by()


def _group_fields(group_by: GroupBy, prefix: str = "") -> tuple[str, ...]:
    if group_by == "owner":
        return (f"{prefix}owner_id",)
    if group_by == "account":
        return (f"{prefix}account_id",)
    return ()


# year × 12 + month of a date: SQLite from the date's ISO text (YYYY-MM-DD, as Django
# stores a date there), PostgreSQL with EXTRACT.
MONTH_SQL = {
    "sqlite": "(CAST(substr({0}, 1, 4) AS INTEGER) * 12 + CAST(substr({0}, 6, 2) AS INTEGER))",
    "postgresql": "(EXTRACT(YEAR FROM {0}) * 12 + EXTRACT(MONTH FROM {0}))::integer",
}


class MonthNumber(Func):
    """A date's month as one integer, year × 12 + month (2031-03-14 → 24375), computed by
    the database itself (:data:`MONTH_SQL`): months are compared and counted without a
    ``CASE`` per month or a function call per row."""

    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template=MONTH_SQL["sqlite"].format("%(expressions)s"), **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template=MONTH_SQL["postgresql"].format("%(expressions)s"), **extra)


def month_number(day: dt.date) -> int:
    """:class:`MonthNumber` in Python."""
    return day.year * 12 + day.month


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _by_rate(
    days: QuerySet[Any], *, day: str, currency: str, keys: tuple[str, ...], sums: dict[str, int], base: str
) -> list[dict[str, Any]]:
    """The rows of ``days`` (sums grouped by ``day``, ``currency`` and ``keys``, which the
    database reads in an index's order without sorting) summed again in the same query by
    currency, month, the date of the exchange rate in force on the day (``rate_day``;
    NULL for the base currency, which has no rates, or for a day before its currency's
    first rate) and ``keys``; each row with its earliest day (``day``).

    The rate is looked up once per day and currency, never per record, and the rows
    returned are bounded by the currencies, the months and the rate changes."""
    inner, params = days.query.sql_with_params()
    quote = connection.ops.quote_name
    column = {name: f"days.{quote(name)}" for name in (day, currency, *keys, *sums)}
    rate_day = rate_in_force_sql(column[currency], column[day], column="date")
    group = [column[currency], MONTH_SQL[connection.vendor].format(column[day]), rate_day, *(column[key] for key in keys)]
    select = [
        *(f"{expression} AS {quote(name)}" for expression, name in zip(group, (currency, "month", "rate_day", *keys), strict=True)),
        f"MIN({column[day]}) AS {quote('day')}",
        *(f"SUM({column[name]}) AS {quote(name)}" for name in sums),
    ]
    positions = ", ".join(str(position) for position in range(1, len(group) + 1))
    sql = f"SELECT {', '.join(select)} FROM ({inner}) days GROUP BY {positions}"  # noqa: S608 (names quoted, values bound)
    with connection.cursor() as cursor:
        cursor.execute(sql, (base, *params))
        names = [description[0] for description in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    for row in rows:
        row["day"], row["rate_day"] = _date(row["day"]), _date(row["rate_day"])
        for name, places in sums.items():
            row[name] = db_decimal(row[name], places)
    return rows



Rows = list[dict[str, Any]]


def _from_records(
    *, user: Any, window: list[dt.date], owner: Any, account: Any, group_by: GroupBy, base: str,
) -> tuple[Rows, Rows, Rows]:
    """The three aggregates read from the records the user may see (a book, a filter, a
    breakdown): contracts by currency and clamped first and last month; milestones and
    deals by currency, month and rate in force (:func:`_by_rate`)."""
    first, after = window[0], add_months(window[-1], 1)

    contracts = _filtered(
        scoped(user, Contract, for_count=True).filter(status=ContractStatus.ACTIVE, start_date__lt=after)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first)),
        owner=owner, account=account, owner_path="owner_id", account_path="account_id",
    )
    # Each contract counts from its start month to its end month (open-ended: to the
    # window's last), both clamped to the window: grouped by those two months, the rows
    # are at most currencies × 78 (12 months: 12 × 13 / 2 pairs), whatever the contracts.
    # A contract that started before the window, or ends after it, gets that clamped
    # month from one comparison, without computing its own.
    first_number, last_number = month_number(first), month_number(window[-1])
    contract_rows = list(
        contracts.annotate(
            since=Case(
                When(start_date__lt=first, then=Value(first_number)), default=MonthNumber("start_date"),
                output_field=IntegerField(),
            ),
            until=Case(
                When(Q(end_date__isnull=True) | Q(end_date__gte=window[-1]), then=Value(last_number)),
                default=MonthNumber("end_date"), output_field=IntegerField(),
            ),
        )
        .values("currency", "since", "until", *_group_fields(group_by))
        .annotate(total=Sum("monthly_amount"))
    )

    milestones = _filtered(
        scoped(user, BillingMilestone, for_count=True).filter(
            billed_on__isnull=True, due_date__gte=first, due_date__lt=after,
            contract__status__in=(ContractStatus.ACTIVE, ContractStatus.NEGOTIATION),
        ),
        owner=owner, account=account, owner_path="contract__owner_id", account_path="contract__account_id",
    )
    milestone_rows = _by_rate(
        milestones.values("due_date", "contract__currency", *_group_fields(group_by, "contract__"))
        .annotate(total=Sum("amount")),
        day="due_date", currency="contract__currency", keys=_group_fields(group_by, "contract__"), sums={"total": 2},
        base=base,
    )

    opportunities = _filtered(
        scoped(user, Opportunity, for_count=True).filter(
            status=OpportunityStatus.OPEN, expected_close_date__gte=first, expected_close_date__lt=after,
        ).exclude(forecast_category=ForecastCategory.OMITTED),
        owner=owner, account=account, owner_path="owner_id", account_path="account_id",
    )
    # Summed per day and currency first, the order of the open deals' forecast index,
    # which holds every column read here: the window is read from that index alone.
    opportunity_rows = _by_rate(
        opportunities.values("expected_close_date", "currency", *_group_fields(group_by)).annotate(
            weighted=Sum(WEIGHTED),
            commit=Sum("amount", filter=Q(forecast_category=ForecastCategory.COMMIT)),
            best=Sum("amount", filter=Q(forecast_category=ForecastCategory.BEST_CASE)),
        ),
        day="expected_close_date", currency="currency", keys=_group_fields(group_by), sums={"weighted": 4, "commit": 2, "best": 2},
        base=base,
    )
    for row in milestone_rows:
        row["currency"] = row.pop("contract__currency")
    return contract_rows, milestone_rows, opportunity_rows


def _from_sums(window: list[dt.date], base: str) -> tuple[Rows, Rows, Rows, RateTable] | None:
    """The same three aggregates for the whole organisation, read from the sums the
    database keeps (:mod:`tandem.commercial.models.forecast_sums`), whose rows are bounded
    by the months, currencies and categories of the window, not by the records.

    A month's milestones and deals of a currency convert at the rate in force on the
    month's first day, which is each row's own rate unless the currency's rate changes
    within the month; then, or when a rate is missing (so that the error names the first
    real date of a real row), ``None``: the caller reads the records instead."""
    first, after = window[0], add_months(window[-1], 1)
    first_number, last_number = month_number(first), month_number(window[-1])
    contract_rows: Rows = [
        {"currency": row["currency"], "since": row["since"], "until": row["until"], "total": Decimal(row["cents"]) / 100}
        for row in ContractedSum.objects.filter(first_month__lt=after, last_month__gte=first)
        .annotate(
            since=Case(
                When(first_month__lt=first, then=Value(first_number)), default=MonthNumber("first_month"),
                output_field=IntegerField(),
            ),
            until=Case(
                When(last_month__gte=window[-1], then=Value(last_number)), default=MonthNumber("last_month"),
                output_field=IntegerField(),
            ),
        )
        .values("currency", "since", "until")
        .annotate(cents=Sum("monthly_cents"))
        .order_by()
    ]
    # Both kinds named, so that each is read as a range of months from the key's index.
    months = list(
        ForecastMonthSum.objects.filter(kind__in=ForecastSumKind.values, month__gte=first, month__lt=after)
        .values("kind", "currency", "month")
        .annotate(
            total=Sum("amount_cents"), weighted=Sum("weighted_cents"),
            commit=Sum("amount_cents", filter=Q(category=ForecastCategory.COMMIT)),
            best=Sum("amount_cents", filter=Q(category=ForecastCategory.BEST_CASE)),
        )
        .order_by()
    )
    currencies = {row["currency"] for row in contract_rows} | {row["currency"] for row in months}
    rates = RateTable(currencies, base=base)
    milestone_rows: Rows = []
    opportunity_rows: Rows = []
    for row in months:
        month: dt.date = row["month"]
        if rates.changes_within(row["currency"], month, add_months(month, 1) - dt.timedelta(days=1)):
            return None
        try:
            rates.rate(row["currency"], month)
        except MissingRateError:
            return None
        converted = {
            "currency": row["currency"], "month": month_number(month), "day": month, "rate_day": None,
            **{name: None if row[name] is None else Decimal(row[name]) / 100 for name in ("total", "weighted", "commit", "best")},
        }
        (milestone_rows if row["kind"] == ForecastSumKind.MILESTONE else opportunity_rows).append(converted)
    return contract_rows, milestone_rows, opportunity_rows, rates


def forecast_sums_recomputed() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """What :class:`ForecastMonthSum` and :class:`ContractedSum` should hold, recomputed
    from the records (the tests compare it with what the triggers kept):
    ``({(kind, month, currency, category, amount_cents, weighted_cents, entries)},
    {(first_month, last_month, currency, monthly_cents, entries)})``."""
    months: defaultdict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    deals = Opportunity.objects.filter(status=OpportunityStatus.OPEN).exclude(forecast_category=ForecastCategory.OMITTED)
    for day, code, category, amount, probability in deals.values_list(
        "expected_close_date", "currency", "forecast_category", "amount", "probability"
    ):
        cents = int(Decimal(amount) * 100)
        totals = months["deal", month_start(day), code, category]
        totals[0] += cents
        totals[1] += cents * probability
        totals[2] += 1
    milestones = BillingMilestone.objects.filter(
        billed_on__isnull=True, contract__status__in=(ContractStatus.ACTIVE, ContractStatus.NEGOTIATION)
    )
    for day, code, amount in milestones.values_list("due_date", "contract__currency", "amount"):
        totals = months["milestone", month_start(day), code, ""]
        totals[0] += int(Decimal(amount) * 100)
        totals[2] += 1
    contracted: defaultdict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for start, end, code, monthly in Contract.objects.filter(status=ContractStatus.ACTIVE).values_list(
        "start_date", "end_date", "currency", "monthly_amount"
    ):
        totals = contracted[month_start(start), month_start(end) if end else OPEN_ENDED, code]
        totals[0] += int(Decimal(monthly) * 100)
        totals[1] += 1
    return (
        {(*key, *totals) for key, totals in months.items()},
        {(*key, *totals) for key, totals in contracted.items()},
    )


def forecast_sums_kept() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """What the triggers kept, in the shape of :func:`forecast_sums_recomputed`."""
    return (
        {
            (kind, month, code, category, amount, weighted, entries)
            for kind, month, code, category, amount, weighted, entries in ForecastMonthSum.objects.values_list(
                "kind", "month", "currency", "category", "amount_cents", "weighted_cents", "entries"
            )
        },
        set(ContractedSum.objects.values_list("first_month", "last_month", "currency", "monthly_cents", "entries")),
    )


def _collect(
    *, user: Any, window: list[dt.date], owner: Any, account: Any, group_by: GroupBy,
) -> tuple[str, dict[int | None, _Raw]]:
    """The three grouped aggregates, converted with one rate table: ``{group key: _Raw}``.

    The whole organisation's (an executive's or admin's, no filter, no breakdown) come
    from the sums the database keeps (:func:`_from_sums`) unless a rate changes within a
    month of the window; every other forecast's from the records (:func:`_from_records`).
    From the records, milestones and deals are grouped by currency, month and the exchange rate in force
    (its date; :func:`_by_rate`, which sums them per day first and looks the rate up per
    day and currency, never per record): every row of a group converts at the same rate,
    so the sum of a group times that rate is the sum of each row at its own date's rate,
    and the rows returned are bounded by the currencies, the months and the rate
    changes. Each aggregate reads only an index (docs/forecast.md, "Cost"). The rate is
    looked up by the group's earliest date, earliest group first, so a missing one names
    the first real date of a real row."""
    base = base_currency()
    first_number = month_number(window[0])
    summed = None
    if group_by is None and owner is None and account is None and sees_everything(user):
        summed = _from_sums(window, base)
    if summed is not None:
        contract_rows, milestone_rows, opportunity_rows, rates = summed
    else:
        contract_rows, milestone_rows, opportunity_rows = _from_records(
            user=user, window=window, owner=owner, account=account, group_by=group_by, base=base,
        )
        currencies = {row["currency"] for row in contract_rows} | {row["currency"] for row in milestone_rows}
        rates = RateTable(currencies | {row["currency"] for row in opportunity_rows}, base=base)

    groups: dict[int | None, _Raw] = defaultdict(_Raw)

    def key(row: dict[str, Any], prefix: str = "") -> int | None:
        fields = _group_fields(group_by, prefix)
        return row[fields[0]] if fields else None

    rate = cache(rates.rate)  # a few (currency, date) pairs, each looked up once

    def rate_of(currency: str, rate_day: dt.date | None, day: dt.date) -> Decimal:
        # The rate dated rate_day is the one in force on day; without one, day names the
        # missing rate (or the base currency converts at 1).
        return rate(currency, rate_day) if rate_day is not None else rates.rate(currency, day)

    # Contracts: per group and currency, + the amount from its first month, − after its
    # last; the running sum of a month is what is contracted in it, at its first day's rate.
    changes: defaultdict[tuple[int | None, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * (len(window) + 1))
    for row in contract_rows:
        change, amount = changes[key(row), row["currency"]], Decimal(row["total"])
        change[row["since"] - first_number] += amount
        change[row["until"] - first_number + 1] -= amount
    for (group, currency), change in changes.items():
        raw, running = groups[group], Decimal(0)
        for index, month in enumerate(window):
            running += change[index]
            if running:
                raw.contracted[index] += running * rate(currency, month)
    # Earliest first: a missing rate names the first date that lacks one.
    for row in sorted(milestone_rows, key=lambda row: row["day"]):
        converted = row["total"] * rate_of(row["currency"], row["rate_day"], row["day"])
        groups[key(row, "contract__")].milestones[row["month"] - first_number] += converted
    for row in sorted(opportunity_rows, key=lambda row: row["day"]):
        raw = groups[key(row)]
        index = row["month"] - first_number
        row_rate = rate_of(row["currency"], row["rate_day"], row["day"])
        raw.weighted[index] += row["weighted"] * row_rate / 100
        if row["commit"]:
            raw.commit[index] += row["commit"] * row_rate
        if row["best"]:
            raw.best[index] += row["best"] * row_rate
    return base, groups


def _months(window: list[dt.date], raw: _Raw) -> list[ForecastMonth]:
    result = []
    for index, month in enumerate(window):
        contracted, milestones = quantize(raw.contracted[index]), quantize(raw.milestones[index])
        weighted = quantize(raw.weighted[index])
        commit = contracted + milestones + quantize(raw.commit[index])
        result.append(
            ForecastMonth(
                month=month, contracted=contracted, milestones=milestones, weighted_pipeline=weighted,
                commit=commit, best_case=commit + quantize(raw.best[index]), total=contracted + milestones + weighted,
            )
        )
    return result


@dataclass
class Forecast:
    base_currency: str
    months: list[ForecastMonth]


def forecast_with_base(
    *, user: Any, months: int = 12, owner: Any = None, account: Any = None, start: dt.date | None = None
) -> Forecast:
    """:func:`forecast` with the base currency it is expressed in."""
    window = _window(start, months)
    base, groups = _collect(user=user, window=window, owner=owner, account=account, group_by=None)
    return Forecast(base_currency=base, months=_months(window, groups.get(None, _Raw())))


def forecast(
    *, user: Any, months: int = 12, owner: Any = None, account: Any = None, start: dt.date | None = None
) -> list[ForecastMonth]:
    """The next ``months`` months from ``start``'s month (default: this month) of what
    ``user`` may see, optionally one owner's (user or id) or one account's (account or id)."""
    return forecast_with_base(user=user, months=months, owner=owner, account=account, start=start).months


def forecast_breakdown(
    *, user: Any, by: Literal["owner", "account"], months: int = 12, owner: Any = None, account: Any = None,
    start: dt.date | None = None,
) -> list[ForecastGroup]:
    """The forecast per account manager (``by="owner"``: the opportunity's or contract's
    owner) or per account, largest total first; each group's months add up to
    :func:`forecast` month by month (cents aside: each group is rounded on its own)."""
    return forecast_breakdown_with_base(user=user, by=by, months=months, owner=owner, account=account, start=start)[1]


def forecast_breakdown_with_base(
    *, user: Any, by: Literal["owner", "account"], months: int = 12, owner: Any = None, account: Any = None,
    start: dt.date | None = None,
) -> tuple[str, list[ForecastGroup]]:
    """:func:`forecast_breakdown` with the base currency it is expressed in: the same
    grouped aggregates as :func:`forecast`, grouped by one more column, and one query
    for the groups' names."""
    window = _window(start, months)
    base, groups = _collect(user=user, window=window, owner=owner, account=account, group_by=by)
    names = _names(by, [pk for pk in groups if pk is not None])
    result = [
        ForecastGroup(key=pk, name=names.get(pk, "No owner") if pk is not None else "No owner", months=_months(window, raw))
        for pk, raw in groups.items()
    ]
    result.sort(key=lambda group: (-group.sum("total"), group.name.lower()))
    return base, result


def _names(by: str, ids: Iterable[int]) -> dict[int, str]:
    """One query for the names of a breakdown's groups."""
    if by == "account":
        return dict(Account.objects.filter(pk__in=list(ids)).values_list("id", "name"))
    return {
        pk: full_name or email
        for pk, full_name, email in get_user_model().objects.filter(pk__in=list(ids)).values_list("id", "full_name", "email")
    }
