"""The **time** cost source of an account's profitability
(:mod:`tandem.commercial.costs`): approved time on the account's projects × the cost rate
each entry took when it was approved (``TimeEntry.cost_rate`` in ``cost_currency``),
converted to the base currency at the rate of the entry's day, summed per account and
month in one grouped query. Draft, submitted and returned time costs nothing yet;
internal projects (no account) belong to no account's profitability."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, ExpressionWrapper, F, OuterRef, Sum, Value, When
from django.db.models.functions import TruncMonth

from tandem.commercial.costs import CostRow, register_cost_source
from tandem.commercial.currency import (
    MONEY_FIELD,
    conversion_counts,
    rate_subquery,
    require_converted,
)
from tandem.delivery.models import TimeEntry, TimeEntryStatus


def time_cost_expression(*, base: str) -> Case:
    """hours × cost rate of one approved entry, in ``base`` (NULL when its currency has no
    rate on or before its day: :func:`require_converted` names it)."""
    cost = ExpressionWrapper(F("hours") * F("cost_rate"), output_field=MONEY_FIELD)
    return Case(
        When(cost_currency=base, then=ExpressionWrapper(cost * Value(1), output_field=MONEY_FIELD)),
        default=ExpressionWrapper(cost * rate_subquery("cost_currency", OuterRef("date")), output_field=MONEY_FIELD),
        output_field=DecimalField(max_digits=30, decimal_places=10),
    )


@register_cost_source(key="time", label="Time")
def time_costs(*, account_ids: Any, start: dt.date, end: dt.date, base: str) -> list[CostRow]:
    """Approved time dated ``start``…``end`` on the accounts' projects, hours × the cost
    rate kept at approval, converted at the rate of the entry's day, per account and month."""
    entries = TimeEntry.objects.filter(
        status=TimeEntryStatus.APPROVED, date__gte=start, date__lte=end, project__account__isnull=False,
    )
    if account_ids is not None:
        entries = entries.filter(project__account_id__in=account_ids)
    converted = time_cost_expression(base=base)
    rows = list(
        entries.annotate(month_start=TruncMonth("date"))
        .values("project__account_id", "month_start")
        .annotate(total=Sum(converted), **conversion_counts(converted))
        .order_by("project__account_id", "month_start")
    )
    require_converted(rows, entries, currency_field="cost_currency", date_field="date", base=base)
    return [
        (row["project__account_id"], _month(row["month_start"]), Decimal(row["total"] or 0)) for row in rows
    ]


def _month(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.replace(day=1)
