"""Contacts at client accounts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.clients.models import Account, Contact
from tandem.core.permissions import require_change, require_delete
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import Actor, SystemActor

CONTACT_FIELDS = (
    "first_name", "last_name", "email", "phone", "mobile", "job_title", "department", "role",
    "preferred_channel", "is_primary", "is_decision_maker", "email_opt_out", "do_not_call", "is_active",
)

_CONTACT_FIELD_SET = frozenset(CONTACT_FIELDS)


def _clean_contact_data(data: dict[str, Any]) -> dict[str, Any]:
    """The rules of contact fields, shared by :func:`contact_create`, :func:`contact_update`
    and the bulk import (``clients.services.imports``): known fields only, names and
    e-mail trimmed, e-mail in lower case."""
    if not data.keys() <= _CONTACT_FIELD_SET:
        unknown = sorted(set(data) - _CONTACT_FIELD_SET)
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    for name in ("first_name", "last_name", "email"):
        if name in data and data[name] is not None:
            data[name] = data[name].strip()
    if data.get("email"):
        data["email"] = data["email"].lower()
    return data


def _clear_other_primary(account: Account, keep_pk: int | None) -> None:
    """One primary contact per account (a partial unique constraint backs this up)."""
    others = Contact.objects.filter(account=account, is_primary=True)
    if keep_pk is not None:
        others = others.exclude(pk=keep_pk)
    others.update(is_primary=False)


@transaction.atomic
def contact_create(
    *, actor: SystemActor, account: Account, data: dict[str, Any], source: str = "manual", external_id: str | None = None
) -> Contact:
    if actor is not None:
        require_change(actor, account)
    data = _clean_contact_data(data)
    if data.get("is_primary"):
        _clear_other_primary(account, None)
    return model_create(
        actor=actor, model=Contact, data={**data, "account": account, "source": source, "external_id": external_id}
    )


@transaction.atomic
def contact_update(*, actor: Actor, contact: Contact, data: dict[str, Any], expected_version: int | None = None) -> Contact:
    require_change(actor, contact)
    data = _clean_contact_data(data)
    if data.get("is_primary"):
        _clear_other_primary(contact.account, contact.pk)
    return model_update(actor=actor, instance=contact, data=data, expected_version=expected_version)


@transaction.atomic
def contact_move(*, actor: Actor, contact: Contact, account: Account, expected_version: int | None = None) -> Contact:
    """Move a contact to another account the actor may change (both ends checked)."""
    require_change(actor, contact)
    require_change(actor, account)
    return model_update(
        actor=actor, instance=contact, data={"account": account, "is_primary": False}, expected_version=expected_version
    )


@transaction.atomic
def contact_delete(*, actor: Actor, contact: Contact, expected_version: int | None = None) -> None:
    require_delete(actor, contact)
    model_delete(actor=actor, instance=contact, expected_version=expected_version)
