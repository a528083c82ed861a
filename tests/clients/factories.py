"""Builders for client records, through the real services."""

from __future__ import annotations

import itertools
from typing import Any

from tandem.clients import services
from tandem.clients.models import Account, Contact, Inquiry, Interaction

_counter = itertools.count(1)


def make_account(*, owner: Any = None, lifecycle: str = "active", **data: Any) -> Account:
    number = next(_counter)
    data.setdefault("name", f"Client {number:04d}")
    data.setdefault("tier", "standard")
    if owner is not None:
        data["owner"] = owner
    return services.account_create(actor=None, data=data, lifecycle=lifecycle)


def make_contact(*, account: Account, **data: Any) -> Contact:
    number = next(_counter)
    data.setdefault("first_name", "Chris")
    data.setdefault("last_name", f"Contact{number}")
    data.setdefault("email", f"contact{number}@client.test")
    return services.contact_create(actor=None, account=account, data=data)


def make_interaction(*, account: Account, **data: Any) -> Interaction:
    data.setdefault("kind", "call")
    data.setdefault("subject", "Check-in call")
    return services.interaction_create(actor=None, account=account, data=data)


def make_inquiry(*, account: Account, **kwargs: Any) -> Inquiry:
    kwargs.setdefault("subject", "Question about the invoice")
    return services.inquiry_create(actor=None, account=account, **kwargs)
