"""Shapes of the revenue, budget, MRR and forecast API (``tandem.commercial.api.revenue``
and ``.forecast``). Bodies refuse unknown fields; money goes out as decimal strings with
two places, with its currency (or the base currency for converted figures)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tandem.clients.schemas.bodies import OPTIONAL_VERSION, VERSION_FIELD, StrictIn
from tandem.clients.schemas.refs import AccountRef, account_ref, decimal_text
from tandem.clients.schemas.values import Currency, Day, Money, ReferenceId, body_text, patch_text
from tandem.commercial.models import Budget, RevenueEntry
from tandem.commercial.selectors.forecast import ForecastMonth
from tandem.commercial.selectors.revenue import BudgetStatus, MrrSeries
from tandem.core.api import PageMeta, PageParams, optional

RevenueKindName = Literal["recurring", "milestone", "one_off", "time_and_materials"]
ManualKindName = Literal["one_off", "time_and_materials"]
MonthText = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="A month, YYYY-MM.")
DECIMAL = Field(pattern=r"^-?\d+\.\d{2}$", description="A decimal amount as a string with two places.")


def month_text(month: dt.date) -> str:
    return f"{month:%Y-%m}"


# --- Revenue entries -------------------------------------------------------------------


class RevenueOut(BaseModel):
    """A revenue entry. ``contract_id`` / ``milestone_id`` name where recurring and
    milestone revenue came from; ``source_key`` the batch of billable time."""

    id: int
    account: AccountRef
    kind: RevenueKindName
    month: str = MonthText
    amount: str = DECIMAL
    currency: str
    description: str
    contract_id: int | None
    milestone_id: int | None
    opportunity_id: int | None
    source_key: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class RevenuePage(PageMeta):
    items: list[RevenueOut]


def revenue_out(entry: RevenueEntry) -> dict[str, Any]:
    return {
        "id": entry.pk, "account": account_ref(entry.account), "kind": entry.kind, "month": month_text(entry.month),
        "amount": decimal_text(entry.amount), "currency": entry.currency, "description": entry.description,
        "contract_id": entry.contract_id, "milestone_id": entry.milestone_id, "opportunity_id": entry.opportunity_id,
        "source_key": entry.source_key, "version": entry.version, "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }


class RevenueListQuery(PageParams):
    account_id: ReferenceId | None = None
    kind: RevenueKindName | None = None
    owner_id: ReferenceId | None = Field(default=None, description="Only accounts of this account manager.")
    month_from: Day | None = Field(default=None, description="From this date's month on.")
    month_to: Day | None = Field(default=None, description="Up to this date's month, inclusive.")


class RevenueCreateIn(StrictIn):
    """A one-off or time-and-materials entry; ``month`` may be any day of the month."""

    account_id: ReferenceId
    kind: ManualKindName = "one_off"
    month: Day
    amount: Money
    currency: Currency | None = Field(default=None, description="Default: the account's currency.")
    description: str = body_text(200)


class RevenueUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    kind: ManualKindName = optional()
    month: Day = optional()
    amount: Money = optional()
    currency: Currency = optional()
    description: str = patch_text(200)


class VersionQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: int | None = OPTIONAL_VERSION


# --- Budgets -----------------------------------------------------------------------------


class BudgetStatusOut(BaseModel):
    """The year's figures in the base currency (docs/forecast.md)."""

    base_currency: str
    planned: str | None = DECIMAL
    committed: str = DECIMAL
    won: str = DECIMAL
    billed: str = DECIMAL


class BudgetOut(BaseModel):
    id: int
    account: AccountRef
    year: int
    amount: str = DECIMAL
    currency: str
    notes: str
    status: BudgetStatusOut
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class BudgetPage(PageMeta):
    items: list[BudgetOut]


def budget_status_out(status: BudgetStatus) -> dict[str, Any]:
    return {
        "base_currency": status.base_currency, "planned": decimal_text(status.planned),
        "committed": decimal_text(status.committed), "won": decimal_text(status.won), "billed": decimal_text(status.billed),
    }


def budget_out(budget: Budget, status: BudgetStatus) -> dict[str, Any]:
    return {
        "id": budget.pk, "account": account_ref(budget.account), "year": budget.year,
        "amount": decimal_text(budget.amount), "currency": budget.currency, "notes": budget.notes,
        "status": budget_status_out(status), "version": budget.version, "created_at": budget.created_at,
        "updated_at": budget.updated_at,
    }


class BudgetListQuery(PageParams):
    account_id: ReferenceId | None = None
    year: int | None = Field(default=None, ge=2000, le=2999)
    owner_id: ReferenceId | None = Field(default=None, description="Only accounts of this account manager.")


class BudgetCreateIn(StrictIn):
    account_id: ReferenceId
    year: int = Field(ge=2000, le=2999)
    amount: Money
    currency: Currency | None = Field(default=None, description="Default: the account's currency.")
    notes: str = body_text(5_000)


class BudgetUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    year: int = optional(ge=2000, le=2999)
    amount: Money = optional()
    currency: Currency = optional()
    notes: str = patch_text(5_000)


# --- MRR and forecast --------------------------------------------------------------------


class MrrQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    months: int = Field(default=12, ge=1, le=36, description="Months ending with the current month.")


class MrrMonthOut(BaseModel):
    month: str = MonthText
    mrr: str = DECIMAL


class MrrOut(BaseModel):
    base_currency: str
    account: AccountRef
    months: list[MrrMonthOut]


def mrr_out(series: MrrSeries, account: Any) -> dict[str, Any]:
    amounts = series.accounts[0].amounts if series.accounts else series.totals
    return {
        "base_currency": series.base_currency, "account": account_ref(account),
        "months": [{"month": month_text(month), "mrr": decimal_text(amount)} for month, amount in zip(series.months, amounts, strict=True)],
    }


class ForecastQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    months: int = Field(default=12, ge=1, le=36, description="Months from the current month on.")
    owner: str = Field(default="", pattern=r"^(|me|\d{1,10})$", description="An account manager's id, or 'me'.")
    account: str = Field(default="", pattern=r"^(|\d{1,10})$", description="An account's id.")


class ForecastMonthOut(BaseModel):
    month: str = MonthText
    contracted: str = DECIMAL
    milestones: str = DECIMAL
    weighted_pipeline: str = DECIMAL
    commit: str = DECIMAL
    best_case: str = DECIMAL
    total: str = DECIMAL


class ForecastOut(BaseModel):
    base_currency: str
    months: list[ForecastMonthOut]


def forecast_month_out(month: ForecastMonth) -> dict[str, Any]:
    return {
        "month": month_text(month.month), "contracted": decimal_text(month.contracted),
        "milestones": decimal_text(month.milestones), "weighted_pipeline": decimal_text(month.weighted_pipeline),
        "commit": decimal_text(month.commit), "best_case": decimal_text(month.best_case), "total": decimal_text(month.total),
    }
