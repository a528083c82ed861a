"""Accounts, their lifecycle and their needs / goals / challenges."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from tandem.clients.models import Account, AccountItem, AccountStatusChange, Contact, Lifecycle
from tandem.clients.services.rules import cadence_days_by_tier, check_in_due
from tandem.core import search
from tandem.core.permissions import is_admin, require_change, require_create, require_delete
from tandem.core.roles import Role
from tandem.core.services import model_create, model_delete, model_update

ACCOUNT_FIELDS = (
    "name", "industry", "size", "employee_count", "annual_revenue", "tier", "website", "domain",
    "phone", "city", "country", "currency", "description", "owner", "preferred_channel",
    "meeting_rhythm", "time_zone", "language", "preference_notes", "check_in_days",
)
ITEM_FIELDS = ("kind", "title", "detail", "status", "priority", "target_date")

# Allowed lifecycle moves. A churned customer can come back (→ active) and a prospect
# can be dropped (→ churned keeps the record out of pipelines).
LIFECYCLE_MOVES: dict[str, set[str]] = {
    Lifecycle.PROSPECT: {Lifecycle.ACTIVE, Lifecycle.CHURNED},
    Lifecycle.ACTIVE: {Lifecycle.CHURNED},
    Lifecycle.CHURNED: {Lifecycle.ACTIVE, Lifecycle.PROSPECT},
}


def normalise_domain(value: str) -> str:
    value = value.strip().lower()
    for prefix in ("https://", "http://"):
        if value.startswith(prefix):
            value = value[len(prefix):]
    value = value.split("/")[0]
    return value.removeprefix("www.")


def _clean_account_data(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(ACCOUNT_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
    if data.get("domain"):
        data["domain"] = normalise_domain(data["domain"])
    elif data.get("website") and not data.get("domain"):
        data["domain"] = normalise_domain(data["website"])
    owner = data.get("owner")
    if owner is not None and not (
        owner.is_active and (Role.ACCOUNT_MANAGER in owner.roles or Role.ADMIN in owner.roles)
    ):
        raise ValidationError({"owner": "The owner must be an active account manager."})
    return data


def _check_owner_allowed(actor: Any, owner: Any) -> None:
    """Account managers may only give accounts to themselves or their team, and only
    administrators may leave an account without an owner (it would vanish from every
    account manager's view)."""
    if actor is None or is_admin(actor):
        return
    if owner is None:
        raise ValidationError({"owner": "Choose an account manager; only administrators may leave an account without owner."})
    actor_team = getattr(getattr(actor, "person", None), "team_id", None)
    owner_team = getattr(getattr(owner, "person", None), "team_id", None)
    if owner.pk != actor.pk and (actor_team is None or owner_team != actor_team):
        raise ValidationError({"owner": "You can assign accounts only to yourself or people in your team."})


def _apply_default_owner(actor: Any, data: dict[str, Any]) -> None:
    """An account manager who names no owner owns the new account."""
    if actor is not None and "owner" not in data and Role.ACCOUNT_MANAGER in actor.roles:
        data["owner"] = actor


def _new_account_fields(*, actor: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The rules of a new account's fields, shared by :func:`account_create` and the
    bulk import (``clients.services.imports``): cleaning, the default owner, and who
    may own it. Raises ``ValidationError``."""
    data = _clean_account_data(data)
    _apply_default_owner(actor, data)
    _check_owner_allowed(actor, data.get("owner"))
    return data


def _lifecycle_start(lifecycle: str, at: dt.datetime) -> dict[str, Any]:
    """The lifecycle fields of a new account that starts in ``lifecycle`` at ``at``."""
    if lifecycle not in Lifecycle.values:
        raise ValidationError({"lifecycle": f"Lifecycle must be one of {', '.join(Lifecycle.values)}."})
    return {
        "lifecycle": lifecycle, "lifecycle_changed_at": at,
        "customer_since": at.date() if lifecycle == Lifecycle.ACTIVE else None,
        "churned_on": at.date() if lifecycle == Lifecycle.CHURNED else None,
    }


def _status_change(*, actor: Any, account: Account, from_status: str, to_status: str, at: dt.datetime, reason: str) -> AccountStatusChange:
    """An (unsaved) lifecycle history entry."""
    return AccountStatusChange(
        account=account, from_status=from_status, to_status=to_status, changed_at=at,
        changed_by=actor if actor is not None and actor.is_authenticated else None, reason=reason,
    )


def _record_status_change(*, actor: Any, account: Account, from_status: str, to_status: str, at: dt.datetime, reason: str) -> None:
    _status_change(actor=actor, account=account, from_status=from_status, to_status=to_status, at=at, reason=reason).save()


@transaction.atomic
def account_create(
    *, actor: Any, data: dict[str, Any], lifecycle: str = Lifecycle.PROSPECT,
    lifecycle_at: dt.datetime | None = None, source: str = "manual", external_id: str | None = None,
) -> Account:
    if actor is not None:
        require_create(actor, Account)
    data = _new_account_fields(actor=actor, data=data)
    at = lifecycle_at or timezone.now()
    data.update(_lifecycle_start(lifecycle, at), source=source, external_id=external_id)
    account = model_create(actor=actor, model=Account, data=data)
    _record_status_change(actor=actor, account=account, from_status="", to_status=lifecycle, at=at, reason="created")
    account_refresh_check_in(account)
    return account


def _changed_account_fields(*, actor: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The rules of changed account fields, shared by :func:`account_update` and the
    bulk import. Raises ``ValidationError``."""
    data = _clean_account_data(data)
    if "owner" in data:
        _check_owner_allowed(actor, data["owner"])
    return data


@transaction.atomic
def account_update(*, actor: Any, account: Account, data: dict[str, Any], expected_version: int | None = None) -> Account:
    require_change(actor, account)
    data = _changed_account_fields(actor=actor, data=data)
    account = model_update(actor=actor, instance=account, data=data, expected_version=expected_version)
    if "name" in data:
        # Contacts are found by their account's name too.
        search.index_many(Contact, Contact.objects.filter(account=account).select_related("account"))
    if {"tier", "check_in_days"} & set(data):
        account_refresh_check_in(account)
    return account


@transaction.atomic
def account_set_lifecycle(
    *, actor: Any, account: Account, lifecycle: str, at: dt.datetime | None = None, reason: str = "",
    expected_version: int | None = None,
) -> Account:
    """Move an account to ``lifecycle``; every change is kept with its date."""
    if actor is not None:
        require_change(actor, account)
    if lifecycle == account.lifecycle:
        return account
    if lifecycle not in LIFECYCLE_MOVES.get(account.lifecycle, set()):
        raise ValidationError({"lifecycle": f"An account cannot go from {account.get_lifecycle_display()} to {Lifecycle(lifecycle).label}."})
    at = at or timezone.now()
    if account.lifecycle_changed_at and at < account.lifecycle_changed_at:
        raise ValidationError({"at": "A lifecycle change cannot be dated before the previous one."})
    data: dict[str, Any] = {"lifecycle": lifecycle, "lifecycle_changed_at": at}
    if lifecycle == Lifecycle.ACTIVE:
        data["churned_on"] = None
        if account.customer_since is None or account.lifecycle == Lifecycle.CHURNED:
            data["customer_since"] = at.date()
    elif lifecycle == Lifecycle.CHURNED:
        data["churned_on"] = at.date()
    from_status = account.lifecycle
    account = model_update(actor=actor, instance=account, data=data, expected_version=expected_version)
    _record_status_change(actor=actor, account=account, from_status=from_status, to_status=lifecycle, at=at, reason=reason)
    account_refresh_check_in(account)
    return account


@transaction.atomic
def account_delete(*, actor: Any, account: Account, expected_version: int | None = None) -> None:
    require_delete(actor, account)
    model_delete(actor=actor, instance=account, expected_version=expected_version)


def account_refresh_check_in(account: Account) -> None:
    """Re-date one account's check-in from its current state (instance and row)."""
    due = check_in_due(account)
    if due != account.check_in_due_at:
        Account.objects.filter(pk=account.pk).update(check_in_due_at=due)
        account.check_in_due_at = due


def accounts_recompute_check_in(queryset: models.QuerySet[Account], *, batch_size: int = 2000) -> int:
    """Re-date ``check_in_due_at`` for the accounts in ``queryset``; returns rows changed."""
    by_tier = cadence_days_by_tier()
    changed = 0
    batch: list[Account] = []
    fields = ["id", "tier", "check_in_days", "lifecycle", "last_contact_at", "lifecycle_changed_at", "created_at", "check_in_due_at"]
    for account in queryset.only(*fields).order_by("pk").iterator(chunk_size=batch_size):
        due = check_in_due(account, by_tier)
        if due != account.check_in_due_at:
            account.check_in_due_at = due
            batch.append(account)
        if len(batch) >= batch_size:
            changed += Account.objects.bulk_update(batch, ["check_in_due_at"])
            batch = []
    if batch:
        changed += Account.objects.bulk_update(batch, ["check_in_due_at"])
    return changed


# --- Needs, goals and challenges ------------------------------------------------------


def _clean_item_data(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(ITEM_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    return data


@transaction.atomic
def account_item_create(*, actor: Any, account: Account, data: dict[str, Any]) -> AccountItem:
    require_change(actor, account)
    return model_create(actor=actor, model=AccountItem, data={**_clean_item_data(data), "account": account})


@transaction.atomic
def account_item_update(*, actor: Any, item: AccountItem, data: dict[str, Any], expected_version: int | None = None) -> AccountItem:
    require_change(actor, item)
    return model_update(actor=actor, instance=item, data=_clean_item_data(data), expected_version=expected_version)


@transaction.atomic
def account_item_delete(*, actor: Any, item: AccountItem, expected_version: int | None = None) -> None:
    require_delete(actor, item)
    model_delete(actor=actor, instance=item, expected_version=expected_version)
