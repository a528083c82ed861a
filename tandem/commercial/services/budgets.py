"""Client budgets: what an account plans to spend with us in a calendar year (one per
account and year). Committed, won and billed figures are computed by
:func:`tandem.commercial.selectors.revenue.budget_status`, never stored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.clients.models import Account
from tandem.clients.policies import may_change_account
from tandem.commercial.models import Budget
from tandem.core.errors import PermissionDeniedError
from tandem.core.permissions import require_change, require_delete
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import Actor, SystemActor

BUDGET_FIELDS = ("year", "amount", "currency", "notes")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(BUDGET_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if "year" in data and not (2000 <= int(data["year"]) <= 2999):
        raise ValidationError({"year": "Give a year between 2000 and 2999."})
    if "amount" in data and (data["amount"] is None or Decimal(data["amount"]) < 0):
        raise ValidationError({"amount": "Enter the planned spend (zero or more)."})
    if isinstance(data.get("currency"), str):
        data["currency"] = data["currency"].upper()
    return data


def _require_free_year(account: Account, year: int, *, exclude: int | None = None) -> None:
    taken = Budget.objects.filter(account=account, year=year)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"year": f"{account} already has a budget for {year}; change that one."})


@transaction.atomic
def budget_create(*, actor: SystemActor, account: Account, data: dict[str, Any]) -> Budget:
    """The account's planned spend for a year (default currency: the account's)."""
    if actor is not None and not may_change_account(actor, account):
        raise PermissionDeniedError(f"You may not set budgets for {account}.")
    data = _clean(data)
    for name in ("year", "amount"):
        if data.get(name) is None:
            raise ValidationError({name: "This field is required."})
    data.setdefault("currency", account.currency)
    _require_free_year(account, int(data["year"]))
    return model_create(actor=actor, model=Budget, data={"account": account, **data})


@transaction.atomic
def budget_update(*, actor: Actor, budget: Budget, data: dict[str, Any], expected_version: int | None = None) -> Budget:
    require_change(actor, budget)
    data = _clean(data)
    if "year" in data and int(data["year"]) != budget.year:
        _require_free_year(budget.account, int(data["year"]), exclude=budget.pk)
    return model_update(actor=actor, instance=budget, data=data, expected_version=expected_version)


@transaction.atomic
def budget_delete(*, actor: Actor, budget: Budget, expected_version: int | None = None) -> None:
    require_delete(actor, budget)
    model_delete(actor=actor, instance=budget, expected_version=expected_version)
