"""Expenses as the acting user may see them (``ExpensePolicy``: an expense is a cost,
visible to admins, executives and the account's owner while an account manager)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from tandem.commercial.models import Expense
from tandem.core.permissions import get_visible, scoped

EXPENSE_SORTS = ("date", "-date", "amount", "-amount")


@dataclass(frozen=True)
class ExpenseFilters:
    account_id: int | None = None
    category: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str = ""
    sort: str = "-date"


_ORDER = {
    "date": ("date", "id"), "-date": ("-date", "-id"),
    "amount": ("amount", "id"), "-amount": ("-amount", "-id"),
}


def expense_list(*, actor: Any, filters: ExpenseFilters | None = None, for_count: bool = False) -> QuerySet[Expense]:
    """The expenses ``actor`` may see, filtered, newest first by default (with their
    account)."""
    filters = filters or ExpenseFilters()
    queryset = scoped(actor, Expense, for_count=for_count)
    if filters.account_id is not None:
        queryset = queryset.filter(account_id=filters.account_id)
    if filters.category:
        queryset = queryset.filter(category__iexact=filters.category.strip())
    if filters.date_from is not None:
        queryset = queryset.filter(date__gte=filters.date_from)
    if filters.date_to is not None:
        queryset = queryset.filter(date__lte=filters.date_to)
    if filters.search:
        queryset = queryset.filter(description__icontains=filters.search.strip())
    if for_count:
        return queryset.order_by()
    return queryset.select_related("account").order_by(*_ORDER.get(filters.sort, _ORDER["-date"]))


def expense_get(*, actor: Any, expense_id: int) -> Expense:
    """One expense ``actor`` may see (404 otherwise), with its account."""
    return get_visible(actor, Expense.objects.select_related("account"), expense_id)
