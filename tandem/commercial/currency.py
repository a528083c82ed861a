"""Currencies: every amount carries its currency; reports show the organisation's base
currency (``people.OrganisationCalendar.currency``, set on the calendar settings page).

An :class:`~tandem.commercial.models.ExchangeRate` says how many units of the base
currency buy one unit of another currency from its date on. An amount dated D converts
at the latest rate dated on or before D; a date after the last rate uses the last rate
known. A missing rate (no rate on or before D) is :class:`MissingRateError`, naming the
currency and the date, never a silent 1.0. Converted amounts are rounded to cents, half
up, after multiplying.

Two forms of the same rule: :func:`to_base` for one amount in Python, and
:func:`base_amount` for a database expression inside aggregates (reports and KPIs sum
in the database); :func:`require_rates` checks a queryset's (currency, date) pairs
first, so a report never sums a NULL from a missing rate.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from django.db import connection, connections, models
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
    Value,
    When,
)

from tandem.commercial.models import ExchangeRate
from tandem.core.errors import DomainError
from tandem.people.selectors import calendar_currency

CENT = Decimal("0.01")
MONEY_FIELD = DecimalField(max_digits=30, decimal_places=10)
MODEL_RATE_FIELD = DecimalField(max_digits=20, decimal_places=10)


class MissingRateError(DomainError):
    """No exchange rate for ``currency`` on or before ``date``."""

    code = "missing_exchange_rate"
    status_code = 422

    def __init__(self, currency: str, date: dt.date, base: str) -> None:
        super().__init__(
            f"No exchange rate for {currency} on or before {date.isoformat()}: add one under "
            f"Settings → Exchange rates (units of {base} for one {currency}) or import a rates file."
        )
        self.currency = currency
        self.date = date


def base_currency() -> str:
    """The organisation's base currency (one query per request)."""
    return calendar_currency()


def quantize(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def rate_on(currency: str, date: dt.date, *, base: str | None = None) -> Decimal:
    """Units of the base currency for one ``currency`` on ``date`` (1 for the base)."""
    base = base or base_currency()
    if currency == base:
        return Decimal(1)
    rate = (
        ExchangeRate.objects.filter(currency=currency, date__lte=date)
        .order_by("-date")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        raise MissingRateError(currency, date, base)
    return Decimal(rate)


def to_base(amount: Decimal, currency: str, date: dt.date, *, base: str | None = None) -> Decimal:
    """``amount`` of ``currency`` dated ``date`` in the base currency, to the cent."""
    return quantize(Decimal(amount) * rate_on(currency, date, base=base))


class RateTable:
    """Every rate of some currencies, loaded once, for converting many amounts in Python
    (e.g. a forecast's months) with the same rule as :func:`rate_on`."""

    def __init__(self, currencies: Iterable[str], *, base: str | None = None) -> None:
        self.base = base or base_currency()
        wanted = sorted(set(currencies) - {self.base})
        # Per currency, its rates' dates (ascending) and the rates, side by side.
        self._dates: dict[str, list[dt.date]] = {code: [] for code in wanted}
        self._rates: dict[str, list[Decimal]] = {code: [] for code in wanted}
        for code, date, rate in ExchangeRate.objects.filter(currency__in=wanted).order_by("currency", "date").values_list(
            "currency", "date", "rate"
        ):
            self._dates[code].append(date)
            self._rates[code].append(Decimal(rate))

    def rate(self, currency: str, date: dt.date) -> Decimal:
        if currency == self.base:
            return Decimal(1)
        # The latest rate dated on or before ``date`` (a binary search of the dates).
        index = bisect_right(self._dates.get(currency, ()), date)
        if index == 0:
            raise MissingRateError(currency, date, self.base)
        return self._rates[currency][index - 1]

    def to_base(self, amount: Decimal, currency: str, date: dt.date) -> Decimal:
        return quantize(Decimal(amount) * self.rate(currency, date))

    def changes_within(self, currency: str, first: dt.date, last: dt.date) -> bool:
        """Whether ``currency`` has a rate dated after ``first`` and on or before
        ``last``: the days from ``first`` to ``last`` do not all convert at ``first``'s
        rate (the base currency never changes)."""
        dates = self._dates.get(currency, ())
        return bisect_right(dates, last) > bisect_right(dates, first)


def rate_subquery(currency_field: str, date_expression: Any) -> Subquery:
    """The rate of the row's ``currency_field`` on the row's date, as a subquery (NULL when
    there is none; :func:`require_rates` refuses those first)."""
    return Subquery(
        ExchangeRate.objects.filter(currency=OuterRef(currency_field), date__lte=date_expression)
        .order_by("-date")
        .values("rate")[:1],
        output_field=MODEL_RATE_FIELD,
    )



def base_amount(amount_field: str, currency_field: str, date_field: str | Any, *, base: str) -> Case:
    """A database expression: the row's amount in the base currency (not rounded; sum
    first, round the total with :func:`quantize`).

    ``date_field`` names a column of the row, or is an expression of the row's columns
    written with ``OuterRef`` (``Coalesce(OuterRef("closed_on"),
    OuterRef("expected_close_date"))``): an annotation's alias cannot be named from inside
    the rate subquery (SQLite would read it as a string)."""
    date = OuterRef(date_field) if isinstance(date_field, str) else date_field
    return Case(
        When(**{currency_field: base}, then=ExpressionWrapper(F(amount_field) * Value(1), output_field=MONEY_FIELD)),
        default=ExpressionWrapper(F(amount_field) * rate_subquery(currency_field, date), output_field=MONEY_FIELD),
        output_field=MONEY_FIELD,
    )


GROUP_ROWS = "group_rows"
CONVERSION_DAY = "conversion_day"
# SQLite answers a decimal sum as a float: read as Django reads one (15 significant
# digits, then rounded to the field's places), see :func:`db_decimal`.
FLOAT_CONTEXT = Context(prec=15)


def db_decimal(value: Any, places: int) -> Decimal | None:
    """A decimal read by hand-written SQL, as Django reads one of ``places`` decimals
    (SQLite answers a float: 15 significant digits, then rounded to the places)."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return FLOAT_CONTEXT.create_decimal_from_float(value).quantize(Decimal(1).scaleb(-places), context=FLOAT_CONTEXT)
    return Decimal(value)


def rate_in_force_sql(currency: str, day: str, *, column: str = "rate") -> str:
    """SQL of the exchange rate in force on ``day`` for ``currency`` (both SQL
    expressions of the enclosing query): its ``column`` (``rate``, or ``date`` for the
    date of that rate), NULL for the base currency (bound as the first parameter: it has
    no rates) and for a day before the currency's first rate. The rule of
    :func:`rate_on`, looked up once per row of the enclosing query."""
    quote = connection.ops.quote_name
    rates = quote(ExchangeRate._meta.db_table)
    return (
        f"CASE WHEN {currency} = %s THEN NULL ELSE (SELECT rates.{quote(column)} FROM {rates} rates"  # noqa: S608
        f" WHERE rates.{quote('currency')} = {currency} AND rates.{quote('date')} <= {day}"
        f" ORDER BY rates.{quote('date')} DESC LIMIT 1) END"
    )


def base_sums(
    queryset: models.QuerySet[Any], *, sums: Mapping[str, Any], currency_field: str, date: str | Any,
    base: str, on_missing: Callable[[], None], cap: int | None = None,
) -> tuple[int, dict[str, Decimal]]:
    """The rows of ``queryset`` and, for each of ``sums`` (aggregates of amounts in the
    row's own currency, e.g. ``Sum("amount")``), their total in the base currency with
    each row at the rate in force on its ``date`` (a column, or an expression of the
    row's columns such as ``Coalesce("closed_on", "expected_close_date")``), not rounded:
    the same figures as summing :func:`base_amount` in the database.

    ONE query: the rows are summed per currency and day, and those sums again per
    currency and rate in force (:func:`rate_in_force_sql`, looked up once per day and
    currency, never per row), so every row of a group converts at the same rate and a
    group's sum times that rate is the sum of its rows each at its own rate; the groups
    returned are bounded by the currencies and the rates known, not by the rows. The
    products are summed here, in ``Decimal``. A foreign currency whose rows found no rate
    calls ``on_missing`` (which raises :class:`MissingRateError` naming it, e.g. through
    :func:`require_rates`: a second query, only then).

    With ``cap``, the rows are counted first, up to ``cap + 1`` (as a list page counts),
    in the same query, and summed only when they are at most ``cap``: a list page's count
    and totals in one query that, beyond the cap, reads no more than the count does. The
    rows returned are then that capped count; beyond the cap the sums are zero (the
    caller shows none) and ``on_missing`` is not called."""
    day = F(date) if isinstance(date, str) else date
    database = connections[queryset.db]
    quote = database.ops.quote_name
    days = queryset.order_by().values(currency_field, **{CONVERSION_DAY: day}).annotate(**{GROUP_ROWS: Count("pk")}, **sums)
    places = {name: days.query.annotations[name].output_field.decimal_places for name in sums}
    inner, params = days.query.sql_with_params()
    currency, rate = f"days.{quote(currency_field)}", rate_in_force_sql(
        f"days.{quote(currency_field)}", f"days.{quote(CONVERSION_DAY)}"
    )
    select = ", ".join(
        [currency, rate, f"SUM(days.{quote(GROUP_ROWS)})", *(f"SUM(days.{quote(name)})" for name in sums)]
    )
    counted: int | None = None
    if cap is None:
        sql = f"WITH days AS ({inner}) SELECT {select} FROM days GROUP BY 1, 2"  # noqa: S608 (names quoted, values bound)
        arguments: tuple[Any, ...] = (*params, base)
    else:
        ids, ids_params = queryset.order_by().values("pk")[: cap + 1].query.sql_with_params()
        # A row with the count, and the groups only within the cap: beyond it the day sums
        # are limited to no row, which both databases know before reading any.
        empty, unlimited = ", ".join(["NULL"] * len(sums)), "-1" if database.vendor == "sqlite" else "NULL"
        sql = (
            f"WITH counted AS (SELECT COUNT(*) AS total FROM ({ids}) counted_rows),"  # noqa: S608
            f" days AS (SELECT * FROM ({inner}) grouped"
            f" LIMIT (CASE WHEN (SELECT counted.total FROM counted) <= {int(cap)} THEN {unlimited} ELSE 0 END))"
            f" SELECT NULL, NULL, counted.total, {empty} FROM counted"
            f" UNION ALL SELECT * FROM (SELECT {select} FROM days GROUP BY 1, 2) summed"
        )
        arguments = (*ids_params, *params, base)
    with database.cursor() as cursor:
        cursor.execute(sql, arguments)
        groups = cursor.fetchall()
    if cap is not None:  # the count's row is the one without a currency
        counted = next(int(row[2]) for row in groups if row[0] is None)
        groups = [row for row in groups if row[0] is not None]
    rows, totals, missing = 0, {name: Decimal(0) for name in sums}, False
    for group_currency, group_rate, group_rows, *values in groups:
        rows += int(group_rows)
        if group_currency == base:
            factor = Decimal(1)
        elif group_rate is None:
            missing = True
            continue
        else:
            factor = db_decimal(group_rate, MODEL_RATE_FIELD.decimal_places) or Decimal(0)
        for name, value in zip(sums, values, strict=True):
            if value is not None:
                totals[name] += (db_decimal(value, places[name]) or Decimal(0)) * factor
    if counted is not None:
        rows = counted
    if missing and (cap is None or rows <= cap):
        on_missing()
    return rows, totals


def conversion_counts(converted: Any) -> dict[str, Count]:
    """Aggregates to add beside sums of ``converted`` (a :func:`base_amount`): the rows,
    and the rows whose amount converted. A missing rate makes the amount NULL, which a SUM
    skips silently; :func:`require_converted` compares the two."""
    return {"checked_rows": Count("pk"), "checked_converted": Count(converted)}


def require_converted(
    rows: Iterable[Mapping[str, Any]], queryset: models.QuerySet[Any], *, currency_field: str, date_field: str, base: str
) -> None:
    """After a query with :func:`conversion_counts` (grouped or not): when some amount of
    ``rows`` found no rate, :func:`require_rates` names the currency and date (a second
    query, only then)."""
    if any(row["checked_rows"] != row["checked_converted"] for row in rows):
        require_rates(queryset, currency_field=currency_field, date_field=date_field, base=base)


def checked_aggregate(
    queryset: models.QuerySet[Any], *, converted: Any, currency_field: str, date_field: str, base: str, **aggregates: Any
) -> dict[str, Any]:
    """``queryset.aggregate(**aggregates)`` in ONE query, checked for missing rates
    (:func:`conversion_counts`, :func:`require_converted`)."""
    row = queryset.order_by().aggregate(**aggregates, **conversion_counts(converted))
    require_converted([row], queryset, currency_field=currency_field, date_field=date_field, base=base)
    return {key: value for key, value in row.items() if key not in ("checked_rows", "checked_converted")}


def require_rates(queryset: models.QuerySet[Any], *, currency_field: str, date_field: str, base: str) -> None:
    """:class:`MissingRateError` for the first (currency, date) of ``queryset`` that has no
    rate on or before it: for each foreign currency, its earliest date must not be before
    that currency's first rate. One query, however many currencies."""
    first_rate = Subquery(
        ExchangeRate.objects.filter(currency=OuterRef(currency_field)).order_by("date").values("date")[:1]
    )
    earliest = (
        queryset.exclude(**{currency_field: base})
        .values(currency_field)
        .annotate(first=models.Min(date_field), first_rate=first_rate)
        .order_by(currency_field)
    )
    for row in earliest:
        currency, first, first_rate_date = row[currency_field], row["first"], row["first_rate"]
        if isinstance(first, dt.datetime):
            first = first.date()
        if first_rate_date is None or first_rate_date > first:
            raise MissingRateError(currency, first, base)
