"""Builders for client records, through the real services."""

from __future__ import annotations

import itertools
from typing import Any

from tandem.clients import services
from tandem.clients.models import Account, CadenceRule, Contact, Inquiry, Interaction, SlaRule
from tandem.clients.rules import DEFAULT_CHECK_IN_DAYS, DEFAULT_SLA_HOURS

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


def seed_service_rules() -> None:
    """The cadence and SLA rules a migration seeds, back if a test that flushes the
    database (``transactional_db``) ran before on the same worker and removed them."""
    for tier, days in DEFAULT_CHECK_IN_DAYS.items():
        CadenceRule.objects.get_or_create(tier=tier, defaults={"check_in_days": days})
    for tier, by_priority in DEFAULT_SLA_HOURS.items():
        for priority, hours in by_priority.items():
            SlaRule.objects.get_or_create(tier=tier, priority=priority, defaults={"response_hours": hours})
