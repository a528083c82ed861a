"""Shapes of the profitability, expense, cross-sell and account-summary API.

Money goes out as decimal strings with two places, in the base currency unless a
``currency`` field says otherwise; percentages as decimal strings with one place.
Restricted figures (cost, margin, margin %) are ``null`` for those who may not see the
account's costs (:func:`tandem.commercial.policies.may_see_costs`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from tandem.clients.schemas import (
    OPTIONAL_VERSION,
    VERSION_FIELD,
    AccountRef,
    Currency,
    Day,
    Money,
    ReferenceId,
    StrictIn,
    body_text,
    patch_text,
)
from tandem.commercial.models import Expense
from tandem.commercial.selectors.accounts import AccountCommercialSummary
from tandem.commercial.selectors.cross_sell import CrossSellSuggestion
from tandem.commercial.selectors.profitability import (
    ProfitabilityRow,
    ProfitabilityTotals,
    TrendMonth,
)
from tandem.core.api import PageMeta, PageParams, optional, text

DecimalText = str


def money_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def percent_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.1f}"


# --- Profitability ---------------------------------------------------------------------


class ProfitabilityQuery(BaseModel):
    start: Day | None = Field(default=None, description="First day of the period (default: 1 January this year).")
    end: Day | None = Field(default=None, description="Last day of the period (default: today).")
    account: ReferenceId | None = Field(default=None, description="Only this account.")


class ProfitabilityRowOut(BaseModel):
    account: AccountRef
    revenue: DecimalText
    cost: DecimalText | None = Field(description="Null when you may not see this account's costs.")
    margin: DecimalText | None
    margin_percent: DecimalText | None = Field(description="Margin ÷ revenue × 100; null without revenue or when restricted.")


class ProfitabilityTotalsOut(BaseModel):
    revenue: DecimalText
    cost: DecimalText | None = Field(description="Null unless you may see the costs of every row.")
    margin: DecimalText | None
    margin_percent: DecimalText | None


class ProfitabilityOut(BaseModel):
    base_currency: str
    start: dt.date
    end: dt.date
    rows: list[ProfitabilityRowOut]
    totals: ProfitabilityTotalsOut


def profitability_row_out(row: ProfitabilityRow) -> dict[str, Any]:
    return {
        "account": {"id": row.account_id, "name": row.account_name},
        "revenue": money_text(row.revenue_base), "cost": money_text(row.cost_base),
        "margin": money_text(row.margin), "margin_percent": percent_text(row.margin_percent),
    }


def profitability_totals_out(totals: ProfitabilityTotals) -> dict[str, Any]:
    return {
        "revenue": money_text(totals.revenue_base), "cost": money_text(totals.cost_base),
        "margin": money_text(totals.margin), "margin_percent": percent_text(totals.margin_percent),
    }


class TrendQuery(BaseModel):
    months: int = Field(default=12, ge=1, le=60, description="How many months, ending with the month of end.")
    end: Day | None = Field(default=None, description="A day of the last month (default: today).")


class TrendMonthOut(BaseModel):
    month: str = Field(description="YYYY-MM")
    revenue: DecimalText
    cost: DecimalText
    margin: DecimalText
    margin_percent: DecimalText | None


class TrendOut(BaseModel):
    base_currency: str
    account: AccountRef
    months: list[TrendMonthOut]


def trend_month_out(month: TrendMonth) -> dict[str, Any]:
    return {
        "month": month.month.strftime("%Y-%m"), "revenue": money_text(month.revenue_base),
        "cost": money_text(month.cost_base), "margin": money_text(month.margin),
        "margin_percent": percent_text(month.margin_percent),
    }


# --- Account summary and cross-sell ------------------------------------------------------------


class CommercialSummaryOut(BaseModel):
    base_currency: str
    year: int
    open_opportunities: int
    open_amount: DecimalText
    open_weighted_amount: DecimalText
    active_contracts: int
    mrr: DecimalText
    revenue_this_year: DecimalText
    budget: DecimalText | None = Field(description="This year's budget; null when none is set.")
    budget_used_percent: DecimalText | None
    margin_this_year: DecimalText | None = Field(description="Null when you may not see this account's costs.")
    margin_percent: DecimalText | None


def commercial_summary_out(summary: AccountCommercialSummary) -> dict[str, Any]:
    return {
        "base_currency": summary.base_currency, "year": summary.year,
        "open_opportunities": summary.open_opportunities, "open_amount": money_text(summary.open_amount_base),
        "open_weighted_amount": money_text(summary.open_weighted_base), "active_contracts": summary.active_contracts,
        "mrr": money_text(summary.mrr_base), "revenue_this_year": money_text(summary.revenue_this_year_base),
        "budget": money_text(summary.budget_base), "budget_used_percent": percent_text(summary.budget_used_percent),
        "margin_this_year": money_text(summary.margin_base) if summary.costs_visible else None,
        "margin_percent": percent_text(summary.margin_percent) if summary.costs_visible else None,
    }


class CrossSellOut(BaseModel):
    product_id: int
    product_name: str
    category: str
    buyers: int = Field(description="Similar accounts that buy the product.")
    similar_accounts: int
    score: DecimalText = Field(description="buyers ÷ similar_accounts, two decimals.")
    named_buyers: list[AccountRef] = Field(description="The buyers you may see (at most five).")
    reason: str


class CrossSellPage(BaseModel):
    account: AccountRef
    suggestions: list[CrossSellOut]


def cross_sell_out(item: CrossSellSuggestion) -> dict[str, Any]:
    return {
        "product_id": item.product_id, "product_name": item.product_name, "category": item.category,
        "buyers": item.buyers, "similar_accounts": item.similar, "score": f"{item.score:.2f}",
        "named_buyers": [{"id": buyer.id, "name": buyer.name} for buyer in item.named_buyers], "reason": item.reason,
    }


# --- Expenses ----------------------------------------------------------------------------------


class ExpenseListQuery(PageParams):
    account_id: ReferenceId | None = None
    category: str = text(default="", max_length=100, description="Exact category (any case).")
    date_from: Day | None = None
    date_to: Day | None = None


class ExpenseOut(BaseModel):
    id: int
    account: AccountRef
    date: dt.date
    category: str
    description: str
    amount: DecimalText
    currency: str
    is_billable: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ExpensePage(PageMeta):
    items: list[ExpenseOut]


def expense_out(expense: Expense) -> dict[str, Any]:
    return {
        "id": expense.pk, "account": {"id": expense.account.pk, "name": expense.account.name}, "date": expense.date,
        "category": expense.category, "description": expense.description, "amount": money_text(expense.amount),
        "currency": expense.currency, "is_billable": expense.is_billable, "version": expense.version,
        "created_at": expense.created_at, "updated_at": expense.updated_at,
    }


class ExpenseCreateIn(StrictIn):
    account_id: ReferenceId
    date: Day
    description: str = body_text(200, required=True)
    category: str = body_text(100)
    amount: Money
    currency: Currency | None = Field(default=None, description="Default: the account's currency.")
    is_billable: bool = False


class ExpenseUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    date: Day = optional()
    description: str = patch_text(200, required=True)
    category: str = patch_text(100)
    amount: Money = optional()
    currency: Currency = optional()
    is_billable: bool = optional()


class ExpenseDeleteQuery(BaseModel):
    version: int | None = OPTIONAL_VERSION
