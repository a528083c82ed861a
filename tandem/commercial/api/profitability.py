"""``/profitability`` (revenue − cost per account and period), an account's monthly
trend, its revenue-and-pipeline summary and its cross-sell suggestions, and
``/expenses``. Costs and margins are ``null`` (or, for the trend, 403) for those who
may not see the account's costs; expenses exist only for those who may (404 else)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.clients import selectors as clients_selectors
from tandem.clients.api.references import account_reference
from tandem.commercial import services
from tandem.commercial.currency import base_currency
from tandem.commercial.policies import may_see_costs
from tandem.commercial.schemas.profitability import (
    CommercialSummaryOut,
    CrossSellPage,
    ExpenseCreateIn,
    ExpenseDeleteQuery,
    ExpenseListQuery,
    ExpenseOut,
    ExpensePage,
    ExpenseUpdateIn,
    ProfitabilityOut,
    ProfitabilityQuery,
    TrendOut,
    TrendQuery,
    commercial_summary_out,
    cross_sell_out,
    expense_out,
    profitability_row_out,
    profitability_totals_out,
    trend_month_out,
)
from tandem.commercial.selectors.accounts import account_commercial_summary
from tandem.commercial.selectors.cross_sell import cross_sell_suggestions
from tandem.commercial.selectors.expenses import ExpenseFilters, expense_get, expense_list
from tandem.commercial.selectors.profitability import (
    account_profitability,
    default_period,
    profitability_totals,
    profitability_trend,
)
from tandem.core.api import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    UPDATE_ERRORS,
    current_user,
    error_responses,
    paginate,
    renamed_fields,
)
from tandem.core.errors import PermissionDeniedError

router = Router(tags=["profitability"])
REFERENCE_FIELDS = {"account": "account_id"}


@router.get("/profitability", response={200: ProfitabilityOut, **error_responses(LIST_ERRORS)})
def get_profitability(request: HttpRequest, query: Query[ProfitabilityQuery]) -> dict[str, Any]:
    """Revenue, cost, margin and margin % per account you may see, for ``start`` …
    ``end`` (both inclusive; default this year to date), in the base currency. A missing
    exchange rate answers 422 naming the currency and date."""
    actor = current_user(request)
    start, end = default_period()
    start, end = query.start or start, query.end or end
    account = (
        clients_selectors.account_get(actor=actor, account_id=query.account) if query.account is not None else None
    )
    rows = account_profitability(user=actor, start=start, end=end, account=account)
    return {
        "base_currency": base_currency(), "start": start, "end": end,
        "rows": [profitability_row_out(row) for row in rows], "totals": profitability_totals_out(profitability_totals(rows)),
    }


@router.get(
    "/accounts/{account_id}/profitability-trend", response={200: TrendOut, **error_responses(DETAIL_ERRORS)}
)
def get_account_profitability_trend(
    request: HttpRequest, query: Query[TrendQuery], account_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Revenue, cost and margin per month of one account; 403 unless you may see its
    costs (its owner, executives, admins)."""
    actor = current_user(request)
    account = clients_selectors.account_get(actor=actor, account_id=account_id)
    if not may_see_costs(actor, account):
        raise PermissionDeniedError("Only the account's owner, executives and admins see its costs and margins.")
    trend = profitability_trend(user=actor, account=account, months=query.months, end=query.end)
    return {
        "base_currency": base_currency(), "account": {"id": account.pk, "name": account.name},
        "months": [trend_month_out(month) for month in trend],
    }


@router.get(
    "/accounts/{account_id}/commercial-summary", response={200: CommercialSummaryOut, **error_responses(DETAIL_ERRORS)}
)
def get_account_commercial_summary(request: HttpRequest, account_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """Open opportunities, active contracts, MRR, this year's revenue against the budget,
    and the margin when you may see it (else null)."""
    actor = current_user(request)
    account = clients_selectors.account_get(actor=actor, account_id=account_id)
    return commercial_summary_out(account_commercial_summary(user=actor, account=account))


@router.get("/accounts/{account_id}/cross-sell", response={200: CrossSellPage, **error_responses(DETAIL_ERRORS)})
def list_cross_sell_suggestions(request: HttpRequest, account_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """Products similar accounts (same industry or tier) buy and this one does not, each
    with its reason; accounts you may not see are counted, never named."""
    actor = current_user(request)
    account = clients_selectors.account_get(actor=actor, account_id=account_id)
    suggestions = cross_sell_suggestions(user=actor, account=account)
    return {"account": {"id": account.pk, "name": account.name}, "suggestions": [cross_sell_out(item) for item in suggestions]}


# --- Expenses ----------------------------------------------------------------------------


@router.get("/expenses", response={200: ExpensePage, **error_responses(LIST_ERRORS)})
def list_expenses(request: HttpRequest, filters: Query[ExpenseListQuery]) -> dict[str, Any]:
    """The expenses of the accounts whose costs you may see, newest first."""
    actor = current_user(request)
    queryset = expense_list(actor=actor, filters=ExpenseFilters(
        account_id=filters.account_id, category=filters.category, date_from=filters.date_from, date_to=filters.date_to,
    ))
    expenses, meta = paginate(queryset, filters)
    return {**meta, "items": [expense_out(expense) for expense in expenses]}


@router.get("/expenses/{expense_id}", response={200: ExpenseOut, **error_responses(DETAIL_ERRORS)})
def get_expense(request: HttpRequest, expense_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    return expense_out(expense_get(actor=current_user(request), expense_id=expense_id))


@router.post("/expenses", response={201: ExpenseOut, **error_responses(CREATE_ERRORS)})
def create_expense(request: HttpRequest, payload: ExpenseCreateIn) -> Status[dict[str, Any]]:
    """Record an expense of ``account_id`` (its owner, or an admin; else 403)."""
    actor = current_user(request)
    account = account_reference(actor, payload.account_id)
    data = payload.model_dump(exclude={"account_id"})
    if data["currency"] is None:
        del data["currency"]
    with renamed_fields(REFERENCE_FIELDS):
        expense = services.expense_create(actor=actor, account=account, data=data)
    return Status(201, expense_out(expense))


@router.patch("/expenses/{expense_id}", response={200: ExpenseOut, **error_responses(UPDATE_ERRORS)})
def update_expense(
    request: HttpRequest, payload: ExpenseUpdateIn, expense_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Change an expense, checked against the ``version`` you read (409)."""
    actor = current_user(request)
    expense = expense_get(actor=actor, expense_id=expense_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    return expense_out(services.expense_update(actor=actor, expense=expense, data=changes, expected_version=expected_version))


@router.delete("/expenses/{expense_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_expense(
    request: HttpRequest, query: Query[ExpenseDeleteQuery], expense_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    """Remove an expense; with ``?version=`` refused (409) if it changed since."""
    actor = current_user(request)
    expense = expense_get(actor=actor, expense_id=expense_id)
    services.expense_delete(actor=actor, expense=expense, expected_version=query.version)
    return Status(204, None)
