"""Shapes of the pipeline API: opportunities with their lines, moves, stages.

Bodies refuse unknown fields and have none for what the server keeps: ``status``,
``closed_on``, ``amount_from_lines``, a line's ``amount`` (computed), ``stage`` on an
update (it moves only through ``POST /opportunities/{opportunity_id}/move``), ``source``,
``external_id``, timestamps. Amounts come out as decimal strings with two places.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from tandem.clients.schemas.bodies import VERSION_FIELD, StrictIn
from tandem.clients.schemas.values import Currency, Day, Money, ReferenceId, body_text, patch_text
from tandem.commercial.models import Opportunity, OpportunityLine, Stage
from tandem.core.api import PageMeta, PageParams, optional, text

OpportunityTypeName = Literal["new", "upsell", "cross_sell", "renewal"]
StatusName = Literal["open", "won", "lost"]
ForecastCategoryName = Literal["pipeline", "best_case", "commit", "closed", "omitted"]
PricingStrategyName = Literal["fixed_fee", "time_and_materials", "retainer", "subscription"]
Percent = Decimal
Quantity = Money


def _money(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


# --- Out ---------------------------------------------------------------------------------


class OpportunityLineOut(BaseModel):
    id: int
    opportunity_id: int
    product_id: int | None
    description: str
    quantity: str
    unit_price: str
    discount_percent: str
    amount: str
    position: int
    version: int


class OpportunityOut(BaseModel):
    id: int
    account_id: int
    account_name: str
    name: str
    type: OpportunityTypeName
    stage_id: int
    stage_name: str
    status: StatusName
    probability: int
    amount: str
    currency: str
    weighted_amount: str = Field(description="amount × probability / 100, in the opportunity's currency.")
    amount_from_lines: bool
    expected_close_date: dt.date
    closed_on: dt.date | None
    owner_id: int | None
    next_step: str
    forecast_category: ForecastCategoryName
    lost_reason: str
    pricing_strategy: PricingStrategyName
    description: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    lines: list[OpportunityLineOut] | None = Field(default=None, description="The lines (on one opportunity, not in lists).")


class OpportunityPage(PageMeta):
    items: list[OpportunityOut]


class StageOut(BaseModel):
    id: int
    name: str
    order: int
    probability: int
    forecast_category: ForecastCategoryName
    outcome: StatusName
    is_active: bool
    version: int


class StageList(BaseModel):
    items: list[StageOut]


def line_out(line: OpportunityLine) -> dict[str, Any]:
    return {
        "id": line.pk, "opportunity_id": line.opportunity_id, "product_id": line.product_id,
        "description": line.description, "quantity": f"{line.quantity:.2f}", "unit_price": _money(line.unit_price),
        "discount_percent": f"{line.discount_percent:.2f}", "amount": _money(line.amount), "position": line.position,
        "version": line.version,
    }


def opportunity_out(opportunity: Opportunity, *, lines: list[OpportunityLine] | None = None) -> dict[str, Any]:
    weighted = Decimal(opportunity.amount) * opportunity.probability / 100
    return {
        "id": opportunity.pk, "account_id": opportunity.account_id, "account_name": opportunity.account.name,
        "name": opportunity.name, "type": opportunity.type, "stage_id": opportunity.stage_id,
        "stage_name": opportunity.stage.name, "status": opportunity.status, "probability": opportunity.probability,
        "amount": _money(opportunity.amount), "currency": opportunity.currency,
        "weighted_amount": _money(weighted.quantize(Decimal("0.01"))), "amount_from_lines": opportunity.amount_from_lines,
        "expected_close_date": opportunity.expected_close_date, "closed_on": opportunity.closed_on,
        "owner_id": opportunity.owner_id, "next_step": opportunity.next_step,
        "forecast_category": opportunity.forecast_category, "lost_reason": opportunity.lost_reason,
        "pricing_strategy": opportunity.pricing_strategy, "description": opportunity.description,
        "version": opportunity.version, "created_at": opportunity.created_at, "updated_at": opportunity.updated_at,
        "lines": [line_out(line) for line in lines] if lines is not None else None,
    }


def stage_out(stage: Stage) -> dict[str, Any]:
    return {
        "id": stage.pk, "name": stage.name, "order": stage.order, "probability": stage.probability,
        "forecast_category": stage.forecast_category, "outcome": stage.outcome, "is_active": stage.is_active,
        "version": stage.version,
    }


# --- In ----------------------------------------------------------------------------------


class OpportunityListQuery(PageParams):
    status: StatusName | None = None
    stage_id: ReferenceId | None = None
    type: OpportunityTypeName | None = None
    owner_id: ReferenceId | None = None
    account_id: ReferenceId | None = None
    forecast_category: ForecastCategoryName | None = None
    close_from: Day | None = Field(default=None, description="Expected close on or after (ISO date).")
    close_to: Day | None = Field(default=None, description="Expected close on or before (ISO date).")
    search: str = text(default="", max_length=100, description="Part of the name or the account's name.")
    sort: Literal["close", "-close", "name", "-name"] = "close"


class OpportunityCreateIn(StrictIn):
    """A new opportunity at ``account_id``; it starts at ``stage_id`` (default: the first
    open stage) with that stage's probability and forecast category unless given."""

    account_id: ReferenceId
    name: str = body_text(200, required=True)
    type: OpportunityTypeName = "new"
    stage_id: ReferenceId | None = None
    amount: Money = Decimal(0)
    currency: Currency | None = Field(default=None, description="Default: the account's currency.")
    expected_close_date: Day
    owner_id: ReferenceId | None = Field(default=None, description="An active account manager; default: you or the account's.")
    next_step: str = body_text(255)
    probability: int | None = Field(default=None, ge=0, le=100)
    forecast_category: ForecastCategoryName | None = None
    pricing_strategy: PricingStrategyName = "fixed_fee"
    description: str = body_text(5000)


class OpportunityUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    name: str | None = patch_text(200, required=True)
    type: OpportunityTypeName | None = optional()
    amount: Money | None = optional(description="Refused (422) once the amount comes from the lines.")
    currency: Currency | None = optional()
    expected_close_date: Day | None = optional()
    owner_id: ReferenceId | None = optional()
    next_step: str | None = patch_text(255)
    probability: int | None = optional(ge=0, le=100)
    forecast_category: ForecastCategoryName | None = optional()
    pricing_strategy: PricingStrategyName | None = optional()
    description: str | None = patch_text(5000)
    lost_reason: str | None = patch_text(200)


class OpportunityMoveIn(StrictIn):
    """Move to ``stage_id``; a lost stage needs ``lost_reason``."""

    stage_id: ReferenceId
    version: int = VERSION_FIELD
    lost_reason: str = body_text(200)
    closed_on: Day | None = Field(default=None, description="For a won or lost stage: the day it closed (default today).")


class OpportunityLineCreateIn(StrictIn):
    """A line: ``product_id`` and/or ``description``; ``unit_price`` is required (the
    price that applies to the account: ``GET /accounts/{account_id}/prices/{product_id}``)."""

    product_id: ReferenceId | None = None
    description: str = body_text(200)
    quantity: Quantity = Decimal(1)
    unit_price: Money
    discount_percent: Money = Field(default=Decimal(0), le=100)
    position: int | None = Field(default=None, ge=0, le=32767)


class OpportunityLineUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    product_id: ReferenceId | None = optional()
    description: str | None = patch_text(200)
    quantity: Quantity | None = optional()
    unit_price: Money | None = optional()
    discount_percent: Money | None = optional(le=100)
    position: int | None = optional(ge=0, le=32767)

