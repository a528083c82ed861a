"""Interactions (calls, e-mails, meetings, video calls, notes, QBRs) and follow-ups.

Logging a contact moves the account's ``last_contact_at`` and re-dates its check-in;
an outbound, non-automatic interaction linked to an inquiry is that inquiry's response.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from tandem.clients.models import (
    Account,
    Contact,
    Direction,
    FollowUp,
    Inquiry,
    Interaction,
    InteractionKind,
)
from tandem.clients.services._first_response import record_first_response
from tandem.clients.services.accounts import account_refresh_check_in
from tandem.core.errors import ConflictError
from tandem.core.permissions import require_change, require_delete
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import Actor, SystemActor

INTERACTION_FIELDS = (
    "kind", "direction", "occurred_at", "duration_minutes", "subject", "summary", "next_steps", "meeting_link",
)
CONTACT_KINDS_EXCLUDED = (InteractionKind.NOTE,)


def _counted() -> Q:
    """Interactions that count as contact with the client for the cadence."""
    return ~Q(kind__in=CONTACT_KINDS_EXCLUDED) & ~Q(direction=Direction.INTERNAL)


def _refresh_last_contact(account: Account) -> None:
    """Recompute ``last_contact_at`` from the interactions (after an edit or delete)."""
    last = Interaction.objects.filter(_counted(), account=account).aggregate(last=Max("occurred_at"))["last"]
    Account.objects.filter(pk=account.pk).update(last_contact_at=last)
    account.last_contact_at = last
    account_refresh_check_in(account)


def _advance_last_contact(account: Account, occurred_at: dt.datetime) -> None:
    moved = Account.objects.filter(pk=account.pk).filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=occurred_at)
    ).update(last_contact_at=occurred_at)
    if moved:
        account.last_contact_at = occurred_at
        account_refresh_check_in(account)


def _participants(account: Account, contacts: Iterable[Contact], users: Iterable[Any]) -> tuple[list[Contact], list[Any]]:
    contact_list = list(contacts)
    foreign = [c for c in contact_list if c.account_id != account.pk]
    if foreign:
        raise ValidationError({"contacts": f"{foreign[0]} is not a contact of {account}."})
    user_list = list(users)
    inactive = [u for u in user_list if not u.is_active]
    if inactive:
        raise ValidationError({"users": f"{inactive[0]} is not an active user."})
    return contact_list, user_list


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(INTERACTION_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    occurred_at = data.get("occurred_at")
    if occurred_at is not None and occurred_at > timezone.now() + dt.timedelta(days=366):
        raise ValidationError({"occurred_at": "That is more than a year ahead."})
    return data


@transaction.atomic
def interaction_create(
    *,
    actor: SystemActor,
    account: Account,
    data: dict[str, Any],
    contacts: Iterable[Contact] = (),
    users: Iterable[Any] = (),
    inquiry: Inquiry | None = None,
    is_automatic: bool = False,
    follow_up_due: dt.date | None = None,
    follow_up_owner: Any = None,
) -> Interaction:
    """Log an interaction; with ``follow_up_due`` its next steps become a dated
    follow-up for ``follow_up_owner`` (default: the actor).

    The actor must be allowed to change the account, also when the interaction answers
    one of its inquiries: an inquiry's assignee who may not change the account answers
    through :func:`tandem.clients.services.inquiry_respond`, which records the response
    on their behalf and nothing else."""
    if actor is not None:
        require_change(actor, account)
    return record_interaction(
        actor=actor, account=account, data=data, contacts=contacts, users=users, inquiry=inquiry,
        is_automatic=is_automatic, follow_up_due=follow_up_due, follow_up_owner=follow_up_owner,
    )


def record_interaction(
    *,
    actor: SystemActor,
    account: Account,
    data: dict[str, Any],
    contacts: Iterable[Contact] = (),
    users: Iterable[Any] = (),
    inquiry: Inquiry | None = None,
    is_automatic: bool = False,
    follow_up_due: dt.date | None = None,
    follow_up_owner: Any = None,
) -> Interaction:
    """The write behind :func:`interaction_create` and :func:`inquiry_respond`, without
    a permission check: each of those checks its own rule first. Not for other callers."""
    data = _clean(data)
    data.setdefault("occurred_at", timezone.now())
    if inquiry is not None and inquiry.account_id != account.pk:
        raise ValidationError({"inquiry": "The inquiry belongs to another account."})
    contact_list, user_list = _participants(account, contacts, users)
    interaction = model_create(
        actor=actor,
        model=Interaction,
        data={**data, "account": account, "inquiry": inquiry, "is_automatic": is_automatic,
              "logged_by": actor if actor is not None and actor.is_authenticated else None},
    )
    if contact_list:
        interaction.contacts.set(contact_list)
    if user_list:
        interaction.users.set(user_list)
    if interaction.counts_as_contact:
        _advance_last_contact(account, interaction.occurred_at)
    if inquiry is not None and interaction.direction == Direction.OUTBOUND and not is_automatic:
        record_first_response(actor=actor, inquiry=inquiry, at=interaction.occurred_at)
    if follow_up_due is not None:
        description = (data.get("next_steps") or "").strip() or f"Follow up: {interaction.subject}"
        follow_up_create(
            actor=actor, account=account, owner=follow_up_owner or actor, due_date=follow_up_due,
            description=description[:300], interaction=interaction,
        )
    return interaction


@transaction.atomic
def interaction_update(
    *,
    actor: Actor,
    interaction: Interaction,
    data: dict[str, Any],
    expected_version: int | None = None,
    contacts: Iterable[Contact] | None = None,
    users: Iterable[Any] | None = None,
) -> Interaction:
    require_change(actor, interaction)
    data = _clean(data)
    interaction = model_update(actor=actor, instance=interaction, data=data, expected_version=expected_version)
    if contacts is not None or users is not None:
        contact_list, user_list = _participants(interaction.account, contacts or (), users or ())
        if contacts is not None:
            interaction.contacts.set(contact_list)
        if users is not None:
            interaction.users.set(user_list)
    if {"occurred_at", "kind", "direction"} & set(data):
        _refresh_last_contact(interaction.account)
    return interaction


@transaction.atomic
def interaction_delete(*, actor: Actor, interaction: Interaction, expected_version: int | None = None) -> None:
    require_delete(actor, interaction)
    account = interaction.account
    model_delete(actor=actor, instance=interaction, expected_version=expected_version)
    _refresh_last_contact(account)


@transaction.atomic
def follow_up_create(
    *, actor: SystemActor, account: Account, owner: Any, due_date: dt.date, description: str,
    interaction: Interaction | None = None,
) -> FollowUp:
    if actor is not None:
        require_change(actor, account)
    if owner is None or not owner.is_active:
        raise ValidationError({"owner": "A follow-up needs an active owner."})
    if not description.strip():
        raise ValidationError({"description": "Say what is to be done."})
    return model_create(
        actor=actor, model=FollowUp,
        data={"account": account, "owner": owner, "due_date": due_date, "description": description.strip(),
              "interaction": interaction},
    )


@transaction.atomic
def follow_up_complete(
    *, actor: Actor, follow_up: FollowUp, at: dt.datetime | None = None, expected_version: int | None = None
) -> FollowUp:
    """Mark a follow-up done. One already done keeps its first completion time (no
    write), but a stale ``expected_version`` is refused all the same."""
    require_change(actor, follow_up)
    if follow_up.done_at is not None:
        _check_version(follow_up, expected_version)
        return follow_up
    return model_update(
        actor=actor, instance=follow_up, data={"done_at": at or timezone.now()}, expected_version=expected_version
    )


@transaction.atomic
def follow_up_reopen(*, actor: Actor, follow_up: FollowUp, expected_version: int | None = None) -> FollowUp:
    require_change(actor, follow_up)
    return model_update(actor=actor, instance=follow_up, data={"done_at": None}, expected_version=expected_version)


def _check_version(follow_up: FollowUp, expected_version: int | None) -> None:
    """For a call that writes nothing: refuse it if the caller read an older version."""
    if expected_version is not None and expected_version != follow_up.version:
        raise ConflictError(current_version=follow_up.version)
