"""Expenses: what was spent for an account (travel, licences, subcontractors). They are
costs in the account's profitability, so only those who may see its costs record,
change or remove them (``ExpensePolicy``: the account's owner while an account manager,
and admins)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.clients.models import Account
from tandem.commercial.models import Expense
from tandem.commercial.policies import may_see_costs
from tandem.core.errors import PermissionDeniedError
from tandem.core.permissions import is_admin, require_change, require_delete
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import Actor, SystemActor

EXPENSE_FIELDS = ("date", "category", "description", "amount", "currency", "is_billable")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(EXPENSE_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if isinstance(data.get("currency"), str):
        data["currency"] = data["currency"].strip().upper()
    for name in ("category", "description"):
        if isinstance(data.get(name), str):
            data[name] = data[name].strip()
    return data


def _may_record(actor: SystemActor, account: Account) -> bool:
    return actor is None or is_admin(actor) or (may_see_costs(actor, account) and account.owner_id == actor.pk)


@transaction.atomic
def expense_create(*, actor: SystemActor, account: Account, data: dict[str, Any]) -> Expense:
    """Record an expense of ``account`` (currency: the account's unless given)."""
    if not _may_record(actor, account):
        raise PermissionDeniedError(f"You may not record expenses of {account}.")
    data = _clean(data)
    data.setdefault("currency", account.currency)
    return model_create(actor=actor, model=Expense, data={"account": account, **data})


@transaction.atomic
def expense_update(
    *, actor: Actor, expense: Expense, data: dict[str, Any], expected_version: int | None = None
) -> Expense:
    require_change(actor, expense)
    return model_update(actor=actor, instance=expense, data=_clean(data), expected_version=expected_version)


@transaction.atomic
def expense_delete(*, actor: Actor, expense: Expense, expected_version: int | None = None) -> None:
    require_delete(actor, expense)
    model_delete(actor=actor, instance=expense, expected_version=expected_version)
