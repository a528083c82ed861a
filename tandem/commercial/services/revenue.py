"""Revenue entries written by people and by delivery: one-off and time-and-materials.

The rules, in one place for pages, the API and delivery:

* An entry belongs to an account the actor may change (its account manager, their team,
  admins); ``month`` is stored as the month's first day (any day of the month is
  accepted and moved to the first).
* People write ``one_off`` and ``time_and_materials`` entries. Recurring entries come
  from active contracts and milestone entries from billed milestones (the contract
  services); those, and time-and-materials entries that delivery recorded from billable
  time (they carry a ``source_key``), are changed where they come from, not here.
* :func:`revenue_time_record` is delivery's entry point: it replaces every entry with the
  same ``source_key`` by one new entry (an amount of 0 only removes them), so billing the
  same batch of time twice never counts it twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.clients.models import Account
from tandem.clients.policies import may_change_account
from tandem.commercial.models import RevenueEntry, RevenueKind
from tandem.core.errors import PermissionDeniedError
from tandem.core.permissions import require_change, require_delete
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import Actor, SystemActor

MANUAL_KINDS = frozenset({RevenueKind.ONE_OFF, RevenueKind.TIME_AND_MATERIALS})
ENTRY_FIELDS = ("kind", "month", "amount", "currency", "description")


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _require_account_change(actor: SystemActor, account: Account) -> None:
    if actor is not None and not may_change_account(actor, account):
        raise PermissionDeniedError(f"You may not record revenue for {account}.")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(ENTRY_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if "kind" in data and data["kind"] not in MANUAL_KINDS:
        raise ValidationError(
            {"kind": "Only one-off and time-and-materials revenue is entered by hand; recurring revenue "
                     "comes from active contracts and milestone revenue from billed milestones."}
        )
    if data.get("month") is not None:
        data["month"] = first_of_month(data["month"])
    if "amount" in data and (data["amount"] is None or Decimal(data["amount"]) <= 0):
        raise ValidationError({"amount": "Enter an amount above zero."})
    if isinstance(data.get("currency"), str):
        data["currency"] = data["currency"].upper()
    return data


def _require_manual(entry: RevenueEntry) -> None:
    if entry.kind not in MANUAL_KINDS:
        raise ValidationError(
            {"kind": f"{entry.get_kind_display()} revenue comes from its contract; change the contract or milestone instead."}
        )
    if entry.source_key:
        raise ValidationError(
            {"source_key": "This entry was recorded from billable time; it changes when the time is billed again."}
        )


@transaction.atomic
def revenue_entry_create(*, actor: SystemActor, account: Account, data: dict[str, Any]) -> RevenueEntry:
    """A one-off or time-and-materials entry (default: one-off, in the account's currency)."""
    _require_account_change(actor, account)
    data = _clean(data)
    data.setdefault("kind", RevenueKind.ONE_OFF)
    data.setdefault("currency", account.currency)
    if data.get("month") is None:
        raise ValidationError({"month": "Give the month the revenue belongs to."})
    if "amount" not in data:
        raise ValidationError({"amount": "Enter an amount above zero."})
    return model_create(actor=actor, model=RevenueEntry, data={"account": account, **data})


@transaction.atomic
def revenue_entry_update(
    *, actor: Actor, entry: RevenueEntry, data: dict[str, Any], expected_version: int | None = None
) -> RevenueEntry:
    require_change(actor, entry)
    _require_manual(entry)
    return model_update(actor=actor, instance=entry, data=_clean(data), expected_version=expected_version)


@transaction.atomic
def revenue_entry_delete(*, actor: Actor, entry: RevenueEntry, expected_version: int | None = None) -> None:
    require_delete(actor, entry)
    _require_manual(entry)
    model_delete(actor=actor, instance=entry, expected_version=expected_version)


@transaction.atomic
def revenue_time_record(
    *, actor: SystemActor, account: Account, month: dt.date, amount: Decimal, currency: str, source_key: str,
    description: str = "",
) -> RevenueEntry | None:
    """Time-and-materials revenue from billable time (delivery calls this): every entry
    with ``source_key`` is replaced by one entry of ``amount`` (none when 0)."""
    _require_account_change(actor, account)
    source_key = source_key.strip()
    if not source_key:
        raise ValidationError({"source_key": "Name the batch of time this revenue comes from."})
    if Decimal(amount) < 0:
        raise ValidationError({"amount": "Time-and-materials revenue cannot be negative."})
    for previous in RevenueEntry.objects.select_for_update().filter(source_key=source_key).order_by("id"):
        model_delete(actor=actor, instance=previous)
    if Decimal(amount) == 0:
        return None
    return model_create(
        actor=actor, model=RevenueEntry,
        data={
            "account": account, "kind": RevenueKind.TIME_AND_MATERIALS, "month": first_of_month(month),
            "amount": Decimal(amount), "currency": currency.upper(), "source_key": source_key,
            "description": description or "Billable time",
        },
    )
