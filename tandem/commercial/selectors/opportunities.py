"""Reads of the pipeline, scoped to the acting user (STYLE rule 2): opportunities (the
list, the board, one record with its lines), the stages, and the pipeline totals in the
organisation's base currency.

Totals convert each opportunity's amount at the exchange rate on or before its date:
the day it closed for a won or lost one, its expected close date for an open one (a
date after the last rate uses the last rate known, :mod:`tandem.commercial.currency`).
The weighted amount is ``amount × probability / 100``. Both are summed in the database
and rounded to the cent once, on the total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from tandem.commercial.currency import (
    MONEY_FIELD,
    MissingRateError,
    base_amount,
    base_currency,
    base_sums,
    quantize,
    require_rates,
)
from tandem.commercial.models import (
    Opportunity,
    OpportunityLine,
    OpportunityStatus,
    Stage,
    StageOutcome,
)
from tandem.core.permissions import get_visible, policy_for, scoped

CONVERSION_DATE = "conversion_date"
BOARD_CARDS_PER_COLUMN = 50


def opportunities_visible(user: Any, *, for_count: bool = False) -> QuerySet[Opportunity]:
    """The opportunities ``user`` may see, with their account, stage and owner."""
    queryset = scoped(user, Opportunity, for_count=for_count)
    return queryset if for_count else queryset.select_related("account", "stage", "owner")


@dataclass(frozen=True)
class OpportunityFilters:
    """The list's and the board's filters (their query-string names are a contract:
    ``status``, ``stage``, ``type``, ``owner``, ``account``, ``forecast_category``,
    ``close_from``, ``close_to``)."""

    status: str = ""
    stage_id: int | None = None
    type: str = ""
    owner_id: int | None = None
    account_id: int | None = None
    forecast_category: str = ""
    close_from: dt.date | None = None
    close_to: dt.date | None = None
    search: str = ""
    sort: str = "close"


OPPORTUNITY_SORTS = {
    "close": ("expected_close_date", "id"),
    "-close": ("-expected_close_date", "-id"),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
}


def _filtered(queryset: QuerySet[Opportunity], filters: OpportunityFilters) -> QuerySet[Opportunity]:
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.stage_id is not None:
        queryset = queryset.filter(stage_id=filters.stage_id)
    if filters.type:
        queryset = queryset.filter(type=filters.type)
    if filters.owner_id is not None:
        queryset = queryset.filter(owner_id=filters.owner_id)
    if filters.account_id is not None:
        queryset = queryset.filter(account_id=filters.account_id)
    if filters.forecast_category:
        queryset = queryset.filter(forecast_category=filters.forecast_category)
    if filters.close_from is not None:
        queryset = queryset.filter(expected_close_date__gte=filters.close_from)
    if filters.close_to is not None:
        queryset = queryset.filter(expected_close_date__lte=filters.close_to)
    if filters.search.strip():
        term = filters.search.strip()
        queryset = queryset.filter(Q(name__icontains=term) | Q(account__name__icontains=term))
    return queryset


def opportunity_list(
    *, actor: Any, filters: OpportunityFilters | None = None, for_count: bool = False
) -> QuerySet[Opportunity]:
    """The opportunities ``actor`` may see matching ``filters``, sorted on an index."""
    filters = filters or OpportunityFilters()
    queryset = _filtered(opportunities_visible(actor, for_count=for_count), filters)
    return queryset.order_by(*OPPORTUNITY_SORTS.get(filters.sort, OPPORTUNITY_SORTS["close"]))


def opportunity_get(*, actor: Any, opportunity_id: Any) -> Opportunity:
    """One opportunity ``actor`` may see (404 otherwise)."""
    return get_visible(actor, Opportunity.objects.select_related("account", "stage", "owner"), opportunity_id)


def opportunity_can_change(*, actor: Any, opportunity: Opportunity) -> bool:
    return policy_for(Opportunity).can_change(actor, opportunity)


def opportunity_lines(*, opportunity: Opportunity) -> QuerySet[OpportunityLine]:
    """The lines of an opportunity already read through a scoped selector."""
    return OpportunityLine.objects.filter(opportunity=opportunity).select_related("product").order_by("position", "id")


def opportunity_line_get(*, actor: Any, opportunity_line_id: Any) -> OpportunityLine:
    return get_visible(actor, OpportunityLine.objects.select_related("opportunity", "product"), opportunity_line_id)


def stage_list(*, actor: Any, include_inactive: bool = False) -> QuerySet[Stage]:
    """The pipeline stages in their order (the open ones first by ``order``)."""
    queryset = scoped(actor, Stage)
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("order", "id")


def stage_get(*, actor: Any, stage_id: Any) -> Stage:
    return get_visible(actor, Stage.objects.all(), stage_id)


def stages_in_use() -> set[int]:
    """Ids of the stages at least one opportunity sits in (they cannot be deleted)."""
    return set(Opportunity.objects.order_by().values_list("stage_id", flat=True).distinct())


# --- Totals in the base currency ----------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """``count`` opportunities worth ``amount_base`` (unweighted) and ``weighted_base``
    (``Σ amount × probability / 100``) in ``currency``, the base currency."""

    count: int
    amount_base: Decimal
    weighted_base: Decimal
    currency: str = ""


# amount × probability, in the row's currency (the amount has two decimal places).
WEIGHTED_AMOUNT = ExpressionWrapper(F("amount") * F("probability"), output_field=DecimalField(max_digits=30, decimal_places=2))


def _with_conversion_date(queryset: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    return queryset.annotate(**{CONVERSION_DATE: Coalesce("closed_on", "expected_close_date")})


def _amount_base(base: str) -> Case:
    """The amount in the base currency at each row's conversion date (closing day, else
    expected close date)."""
    return base_amount("amount", "currency", Coalesce(OuterRef("closed_on"), OuterRef("expected_close_date")), base=base)


def _sums(base: str) -> dict[str, Any]:
    amount = _amount_base(base)
    weighted = ExpressionWrapper(amount * F("probability"), output_field=MONEY_FIELD)
    zero = Value(Decimal(0), output_field=MONEY_FIELD)
    return {
        "total_count": Count("id"),
        "total_amount": Coalesce(Sum(amount), zero),
        "total_weighted": Coalesce(Sum(weighted), zero),
        # The rows whose amount converted (a missing rate makes it NULL, which SUM skips).
        "total_converted": Count(amount),
    }


def _totals(row: dict[str, Any], currency: str) -> Totals:
    return Totals(
        count=row["total_count"],
        amount_base=quantize(Decimal(row["total_amount"])),
        weighted_base=quantize(Decimal(row["total_weighted"]) / Decimal(100)),
        currency=currency,
    )


def pipeline_totals(queryset: QuerySet[Opportunity], *, base: str | None = None, cap: int | None = None) -> Totals:
    """The count, the amount and the weighted amount of ``queryset`` in the base
    currency, in one query (grouped by currency and rate in force,
    :func:`~tandem.commercial.currency.base_sums`).
    :class:`~tandem.commercial.currency.MissingRateError` names the first currency and
    date without a rate (never a silent 1.0): only when some amount found no rate are
    the rates checked, in a second query. With ``cap``, at most ``cap + 1`` rows are
    read: a count above ``cap`` says the amounts are of some rows only (a list page's
    count and totals in one query)."""
    base = base or base_currency()
    rows = queryset.select_related(None)

    def missing() -> None:
        require_rates(_with_conversion_date(rows.order_by()), currency_field="currency", date_field=CONVERSION_DATE, base=base)

    count, sums = base_sums(
        rows, sums={"amount_sum": Sum("amount"), "weighted_sum": Sum(WEIGHTED_AMOUNT)}, currency_field="currency",
        date=Coalesce("closed_on", "expected_close_date"), base=base, on_missing=missing, cap=cap,
    )
    return Totals(
        count=count, amount_base=quantize(sums["amount_sum"]), weighted_base=quantize(sums["weighted_sum"] / Decimal(100)),
        currency=base,
    )


# --- The board ------------------------------------------------------------------------------


@dataclass
class BoardColumn:
    """A column of the board: one stage, its totals and its first cards."""

    stage: Stage
    totals: Totals
    cards: list[Opportunity] = field(default_factory=list)
    missing_rate: str = ""  # why the amounts are not totalled (a missing exchange rate)

    @property
    def more(self) -> int:
        return max(self.totals.count - len(self.cards), 0)


def board_columns(*, actor: Any, filters: OpportunityFilters, base: str | None = None) -> list[BoardColumn]:
    """The board: a column per active stage (open stages in order, then won, then lost)
    with the count and base-currency totals of the filtered opportunities in it and its
    first cards by expected close date. One totals query (grouped by stage), plus one
    cards query per column, plus the rate checks."""
    base = base or base_currency()
    stages = list(stage_list(actor=actor))
    outcome_order: dict[str, int] = {StageOutcome.OPEN: 0, StageOutcome.WON: 1, StageOutcome.LOST: 2}
    stages.sort(key=lambda stage: (outcome_order.get(stage.outcome, 3), stage.order, stage.pk))
    rows = _with_conversion_date(_filtered(opportunities_visible(actor), filters).order_by().select_related(None))
    sums, missing_rate = _sums(base), ""
    try:
        require_rates(rows, currency_field="currency", date_field=CONVERSION_DATE, base=base)
    except MissingRateError as error:  # the cards still show; the totals say why they are missing
        zero = Value(Decimal(0), output_field=MONEY_FIELD)
        sums, missing_rate = {"total_count": Count("id"), "total_amount": zero, "total_weighted": zero}, error.message
    grouped = {row["stage_id"]: _totals(dict(row), base) for row in rows.values("stage_id").annotate(**sums)}
    columns = []
    for stage in stages:
        totals = grouped.get(stage.pk, Totals(0, Decimal("0.00"), Decimal("0.00"), base))
        column = BoardColumn(stage=stage, totals=totals, missing_rate=missing_rate)
        if totals.count:
            column.cards = list(
                opportunity_list(actor=actor, filters=filters).filter(stage=stage)[:BOARD_CARDS_PER_COLUMN]
            )
        columns.append(column)
    return columns


def open_statuses() -> Sequence[str]:
    return [OpportunityStatus.OPEN]
