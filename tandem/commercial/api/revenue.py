"""``/revenue`` (revenue entries), ``/budgets`` (client budgets with their year's
status) and ``/accounts/{account_id}/mrr`` (monthly recurring revenue)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.clients import selectors as client_selectors
from tandem.clients.api.references import REFERENCE_FIELDS, account_reference
from tandem.commercial import services
from tandem.commercial.schemas.revenue import (
    BudgetCreateIn,
    BudgetListQuery,
    BudgetOut,
    BudgetPage,
    BudgetUpdateIn,
    MrrOut,
    MrrQuery,
    RevenueCreateIn,
    RevenueListQuery,
    RevenueOut,
    RevenuePage,
    RevenueUpdateIn,
    VersionQuery,
    budget_out,
    mrr_out,
    revenue_out,
)
from tandem.commercial.selectors import revenue as selectors
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

router = Router(tags=["revenue"])

ENTRY_BODY_FIELDS = {"kind", "month", "amount", "currency", "description"}
BUDGET_BODY_FIELDS = {"year", "amount", "currency", "notes"}


@router.get("/revenue", response={200: RevenuePage, **error_responses(LIST_ERRORS)})
def list_revenue(request: HttpRequest, filters: Query[RevenueListQuery]) -> dict[str, Any]:
    """Revenue entries of the accounts the caller may see, newest month first."""
    actor = current_user(request)
    queryset = selectors.revenue_list(
        actor=actor,
        filters=selectors.RevenueFilters(
            account_id=filters.account_id, kind=filters.kind or "", owner_id=filters.owner_id,
            month_from=filters.month_from, month_to=filters.month_to,
        ),
    )
    entries, meta = paginate(queryset, filters)
    return {**meta, "items": [revenue_out(entry) for entry in entries]}


@router.post("/revenue", response={201: RevenueOut, **error_responses(CREATE_ERRORS)})
def create_revenue(request: HttpRequest, payload: RevenueCreateIn) -> Status[dict[str, Any]]:
    """Record one-off or time-and-materials revenue for ``account_id`` in a month
    (recurring and milestone revenue come from contracts)."""
    actor = current_user(request)
    account = account_reference(actor, payload.account_id)
    data = payload.model_dump(include=ENTRY_BODY_FIELDS)
    if data["currency"] is None:
        del data["currency"]
    with renamed_fields(REFERENCE_FIELDS):
        entry = services.revenue_entry_create(actor=actor, account=account, data=data)
    return Status(201, revenue_out(entry))


@router.get("/revenue/{revenue_entry_id}", response={200: RevenueOut, **error_responses(DETAIL_ERRORS)})
def get_revenue(request: HttpRequest, revenue_entry_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    return revenue_out(selectors.revenue_get(actor=current_user(request), revenue_entry_id=revenue_entry_id))


@router.patch("/revenue/{revenue_entry_id}", response={200: RevenueOut, **error_responses(UPDATE_ERRORS)})
def update_revenue(
    request: HttpRequest, payload: RevenueUpdateIn, revenue_entry_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Change a one-off or time-and-materials entry entered by hand (409 on a stale version)."""
    actor = current_user(request)
    entry = selectors.revenue_get(actor=actor, revenue_entry_id=revenue_entry_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    return revenue_out(
        services.revenue_entry_update(actor=actor, entry=entry, data=changes, expected_version=expected_version)
    )


@router.delete("/revenue/{revenue_entry_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_revenue(
    request: HttpRequest, query: Query[VersionQuery], revenue_entry_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    actor = current_user(request)
    entry = selectors.revenue_get(actor=actor, revenue_entry_id=revenue_entry_id)
    services.revenue_entry_delete(actor=actor, entry=entry, expected_version=query.version)
    return Status(204, None)


# --- Budgets -----------------------------------------------------------------------------


@router.get("/budgets", response={200: BudgetPage, **error_responses(LIST_ERRORS)})
def list_budgets(request: HttpRequest, filters: Query[BudgetListQuery]) -> dict[str, Any]:
    """Budgets of the accounts the caller may see (latest year first), each with its
    year's planned / committed / won / billed in the base currency."""
    actor = current_user(request)
    queryset = selectors.budget_list(
        actor=actor,
        filters=selectors.BudgetFilters(account_id=filters.account_id, year=filters.year, owner_id=filters.owner_id),
    )
    budgets, meta = paginate(queryset, filters)
    statuses = selectors.budget_page_statuses(actor=actor, budgets=budgets)
    return {**meta, "items": [budget_out(budget, statuses[budget.pk]) for budget in budgets]}


@router.post("/budgets", response={201: BudgetOut, **error_responses(CREATE_ERRORS)})
def create_budget(request: HttpRequest, payload: BudgetCreateIn) -> Status[dict[str, Any]]:
    """Set what ``account_id`` plans to spend with us in ``year`` (one per year)."""
    actor = current_user(request)
    account = account_reference(actor, payload.account_id)
    data = payload.model_dump(include=BUDGET_BODY_FIELDS)
    if data["currency"] is None:
        del data["currency"]
    with renamed_fields(REFERENCE_FIELDS):
        budget = services.budget_create(actor=actor, account=account, data=data)
    return Status(201, budget_out(budget, selectors.budget_status(user=actor, account=account, year=budget.year)))


@router.get("/budgets/{budget_id}", response={200: BudgetOut, **error_responses(DETAIL_ERRORS)})
def get_budget(request: HttpRequest, budget_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    actor = current_user(request)
    budget = selectors.budget_get(actor=actor, budget_id=budget_id)
    return budget_out(budget, selectors.budget_status(user=actor, account=budget.account, year=budget.year))


@router.patch("/budgets/{budget_id}", response={200: BudgetOut, **error_responses(UPDATE_ERRORS)})
def update_budget(
    request: HttpRequest, payload: BudgetUpdateIn, budget_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    actor = current_user(request)
    budget = selectors.budget_get(actor=actor, budget_id=budget_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    budget = services.budget_update(actor=actor, budget=budget, data=changes, expected_version=expected_version)
    return budget_out(budget, selectors.budget_status(user=actor, account=budget.account, year=budget.year))


@router.delete("/budgets/{budget_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_budget(
    request: HttpRequest, query: Query[VersionQuery], budget_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    actor = current_user(request)
    budget = selectors.budget_get(actor=actor, budget_id=budget_id)
    services.budget_delete(actor=actor, budget=budget, expected_version=query.version)
    return Status(204, None)


# --- MRR ---------------------------------------------------------------------------------


@router.get("/accounts/{account_id}/mrr", response={200: MrrOut, **error_responses(DETAIL_ERRORS)})
def get_account_mrr(
    request: HttpRequest, query: Query[MrrQuery], account_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """The account's monthly recurring revenue for the last ``months`` months (this one
    included), in the base currency: the recurring revenue entries of each month."""
    actor = current_user(request)
    account = client_selectors.account_get(actor=actor, account_id=account_id)
    return mrr_out(selectors.mrr_by_month(actor, account=account, months=query.months), account)
