"""Body fields that name other objects, resolved as the caller sees them.

An id the caller may not see (or that does not exist) is a 422 on the body field that
named it (``tandem.core.api.resolve_reference``), never a write against it. Whether the
caller may *change* the object is the service's question (403).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError

from tandem.clients import selectors
from tandem.clients.models import Account, Contact, Inquiry
from tandem.core.api import resolve_reference
from tandem.people import selectors as people_selectors

# How a service names a field (the model's name) → the body field that carried it.
REFERENCE_FIELDS = {
    "owner": "owner_id",
    "account": "account_id",
    "contact": "contact_id",
    "contacts": "contact_ids",
    "users": "user_ids",
    "inquiry": "inquiry_id",
    "assignee": "assignee_id",
}


def account_reference(actor: Any, account_id: int) -> Account:
    return resolve_reference("account_id", lambda: selectors.account_get(actor=actor, account_id=account_id))


def user_reference(field: str, actor: Any, user_id: int | None) -> Any:
    if user_id is None:
        return None
    return resolve_reference(field, lambda: people_selectors.user_get(actor=actor, user_id=user_id))


def contact_reference(actor: Any, contact_id: int | None) -> Contact | None:
    if contact_id is None:
        return None
    return resolve_reference("contact_id", lambda: selectors.contact_get(actor=actor, contact_id=contact_id))


def inquiry_reference(actor: Any, inquiry_id: int | None) -> Inquiry | None:
    if inquiry_id is None:
        return None
    return resolve_reference("inquiry_id", lambda: selectors.inquiry_get(actor=actor, inquiry_id=inquiry_id))


def _unique(ids: Sequence[int], field: str) -> list[int]:
    if len(set(ids)) != len(ids):
        raise ValidationError({field: "An id is listed twice."})
    return list(ids)


def _contact_fetcher(actor: Any, contact_id: int) -> Callable[[], Contact]:
    return lambda: selectors.contact_get(actor=actor, contact_id=contact_id)


def contact_references(actor: Any, contact_ids: Sequence[int]) -> list[Contact]:
    """The contacts named in ``contact_ids`` (at most ``MAX_PARTICIPANTS``)."""
    return [
        resolve_reference("contact_ids", _contact_fetcher(actor, pk)) for pk in _unique(contact_ids, "contact_ids")
    ]


def user_references(actor: Any, user_ids: Sequence[int]) -> list[Any]:
    return [user_reference("user_ids", actor, pk) for pk in _unique(user_ids, "user_ids")]
