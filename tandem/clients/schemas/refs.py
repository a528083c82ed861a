"""References to other records in API answers (``{id, name}``), shared by every shape."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import (
    BaseModel,
)

from tandem.clients.models import (
    Account,
    Contact,
)
from tandem.core.permissions import sees_everything

# --- Out -------------------------------------------------------------------------------


class UserRef(BaseModel):
    id: int
    full_name: str


class AccountRef(BaseModel):
    id: int
    name: str


class ContactRef(BaseModel):
    id: int
    full_name: str


def user_ref(user: Any, *, actor: Any) -> dict[str, Any] | None:
    """``{id, full_name}``, or ``None`` for no user and for a disabled account the actor
    may not see (mirrors ``UserPolicy.scope`` on a loaded row, as ``team_out`` does)."""
    if user is None:
        return None
    if not user.is_active and user.pk != getattr(actor, "pk", None) and not sees_everything(actor):
        return None
    return {"id": user.pk, "full_name": user.full_name}


def account_ref(account: Account) -> dict[str, Any]:
    return {"id": account.pk, "name": account.name}


def contact_ref(contact: Contact | None) -> dict[str, Any] | None:
    return None if contact is None else {"id": contact.pk, "full_name": contact.full_name}


def decimal_text(value: Decimal | None) -> str | None:
    """Two decimal places, as every decimal column here stores (``Decimal("8")`` from a
    rule default reads ``"8.00"`` as it would from the database)."""
    return None if value is None else f"{value:.2f}"
