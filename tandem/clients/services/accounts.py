"""Accounts, their lifecycle and their needs / goals / challenges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.clients.models import Account, AccountItem, AccountStatusChange, Contact, Lifecycle
from tandem.clients.services.rules import check_in_due
from tandem.core import search
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.permissions import (
    has_role,
    is_admin,
    policy_for,
    require_change,
    require_create,
    require_delete,
    scoped,
)
from tandem.core.roles import Role
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import Actor, SystemActor

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


def _check_owner_allowed(actor: SystemActor, owner: Any) -> None:
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


def _apply_default_owner(actor: SystemActor, data: dict[str, Any]) -> None:
    """An account manager who names no owner owns the new account."""
    if actor is not None and "owner" not in data and has_role(actor, Role.ACCOUNT_MANAGER):
        data["owner"] = actor


def _new_account_fields(*, actor: SystemActor, data: dict[str, Any]) -> dict[str, Any]:
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


def _status_change(*, actor: SystemActor, account: Account, from_status: str, to_status: str, at: dt.datetime, reason: str) -> AccountStatusChange:
    """An (unsaved) lifecycle history entry."""
    return AccountStatusChange(
        account=account, from_status=from_status, to_status=to_status, changed_at=at,
        changed_by_id=actor.pk if actor is not None and actor.is_authenticated else None, reason=reason,
    )


def _record_status_change(*, actor: SystemActor, account: Account, from_status: str, to_status: str, at: dt.datetime, reason: str) -> None:
    _status_change(actor=actor, account=account, from_status=from_status, to_status=to_status, at=at, reason=reason).save()


@transaction.atomic
def account_create(
    *, actor: SystemActor, data: dict[str, Any], lifecycle: str = Lifecycle.PROSPECT,
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


def _changed_account_fields(*, actor: SystemActor, data: dict[str, Any]) -> dict[str, Any]:
    """The rules of changed account fields, shared by :func:`account_update` and the
    bulk import. Raises ``ValidationError``."""
    data = _clean_account_data(data)
    if "owner" in data:
        _check_owner_allowed(actor, data["owner"])
    return data


@transaction.atomic
def account_update(*, actor: Actor, account: Account, data: dict[str, Any], expected_version: int | None = None) -> Account:
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
    *, actor: SystemActor, account: Account, lifecycle: str, at: dt.datetime | None = None, reason: str = "",
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
def account_delete(*, actor: Actor, account: Account, expected_version: int | None = None) -> None:
    require_delete(actor, account)
    model_delete(actor=actor, instance=account, expected_version=expected_version)


def account_refresh_check_in(account: Account) -> None:
    """Re-date one account's check-in from its current state (instance and row)."""
    due = check_in_due(account)
    if due != account.check_in_due_at:
        Account.objects.filter(pk=account.pk).update(check_in_due_at=due)
        account.check_in_due_at = due


# --- Needs, goals and challenges ------------------------------------------------------


def _clean_item_data(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(ITEM_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    return data


@transaction.atomic
def account_item_create(*, actor: Actor, account: Account, data: dict[str, Any]) -> AccountItem:
    require_change(actor, account)
    return model_create(actor=actor, model=AccountItem, data={**_clean_item_data(data), "account": account})


@transaction.atomic
def account_item_update(*, actor: Actor, item: AccountItem, data: dict[str, Any], expected_version: int | None = None) -> AccountItem:
    require_change(actor, item)
    return model_update(actor=actor, instance=item, data=_clean_item_data(data), expected_version=expected_version)


@transaction.atomic
def account_item_delete(*, actor: Actor, item: AccountItem, expected_version: int | None = None) -> None:
    require_delete(actor, item)
    model_delete(actor=actor, instance=item, expected_version=expected_version)


# --- Bulk actions -----------------------------------------------------------------------

REASSIGN_MAX = 500


@transaction.atomic
def accounts_reassign(
    *, actor: Actor, account_ids: Sequence[int], owner: Any, expected_versions: Mapping[int, int] | None = None
) -> int:
    """Give the accounts ``account_ids`` to ``owner``; returns how many changed hands.

    The rule is :func:`account_update`'s, applied to each account: the actor must be
    allowed to change it, the owner must be an active account manager the actor may
    assign to, every change is version-checked (``expected_versions``, when given, or
    the version read here) and audited per account. The accounts are looked up through
    the actor's scope, so an id they may not see is answered exactly as a missing one.
    One transaction: any refusal changes nothing, and its message names the account.
    """
    if not policy_for(Account).can_create(actor):
        # Only those who may own accounts (account managers, administrators) give them away.
        raise PermissionDeniedError("You may not reassign accounts.")
    ids = list(dict.fromkeys(int(pk) for pk in account_ids))
    if not ids:
        raise ValidationError({"account_ids": "Select at least one account."})
    if len(ids) > REASSIGN_MAX:
        raise ValidationError({"account_ids": f"Reassign at most {REASSIGN_MAX} accounts at a time."})
    found = {
        account.pk: account
        for account in scoped(actor, Account.objects.select_related("owner", "owner__person")).filter(pk__in=ids)
    }
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"account_ids": f"No account with id {missing[0]}."})
    versions = expected_versions or {}
    changed = 0
    for pk in ids:
        account = found[pk]
        if account.owner_id == getattr(owner, "pk", None):
            require_change(actor, account)  # no change, but the same answer as a change
            continue
        try:
            account_update(actor=actor, account=account, data={"owner": owner}, expected_version=versions.get(pk))
        except ValidationError as error:
            raise ValidationError({"owner": [f"{account.name}: {message}" for message in error.messages]}) from error
        except PermissionDeniedError as error:
            raise PermissionDeniedError(f"You may not change the account {account.name}.") from error
        except ConflictError as error:
            raise ConflictError(
                f"The account {account.name} was changed by someone else; reload and try again.",
                current_version=error.current_version,
            ) from error
        changed += 1
    return changed
