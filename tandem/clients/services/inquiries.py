"""Client inquiries: receipt with an SLA due time, first response, assignment,
resolution. Response times are stored in business hours (organisation calendar) and in
calendar hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.clients import rules
from tandem.clients.models import (
    Account,
    Contact,
    Direction,
    Inquiry,
    InquiryStatus,
    Interaction,
    Priority,
)
from tandem.clients.services.interactions import record_interaction
from tandem.clients.services.rules import sla_hours_for
from tandem.core.calendar import WorkingCalendar
from tandem.core.permissions import require_change
from tandem.core.services import model_create, model_update
from tandem.core.types import Actor, SystemActor
from tandem.people.selectors import organisation_calendar

INQUIRY_FIELDS = ("channel", "subject", "body", "priority")


def _check_assignee(assignee: Any) -> None:
    if assignee is not None and not assignee.is_active:
        raise ValidationError({"assignee": f"{assignee} is not an active user."})


@transaction.atomic
def inquiry_create(
    *,
    actor: SystemActor,
    account: Account,
    subject: str,
    body: str = "",
    channel: str = "email",
    priority: str = Priority.NORMAL,
    contact: Contact | None = None,
    assignee: Any = None,
    received_at: dt.datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> Inquiry:
    """Record a client request; its SLA (business hours by tier and priority) and due
    time are fixed now, with the calendar in force."""
    if actor is not None:
        require_change(actor, account)
    if contact is not None and contact.account_id != account.pk:
        raise ValidationError({"contact": f"{contact} is not a contact of {account}."})
    _check_assignee(assignee)
    if priority not in Priority.values:
        raise ValidationError({"priority": f"Priority must be one of {', '.join(Priority.values)}."})
    received_at = received_at or timezone.now()
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"received_at": "An inquiry cannot be received in the future."})
    calendar = calendar or organisation_calendar()
    sla_hours = sla_hours_for(tier=account.tier, priority=priority)
    return model_create(
        actor=actor,
        model=Inquiry,
        data={
            "account": account, "contact": contact, "channel": channel, "subject": subject.strip(), "body": body,
            "priority": priority, "assignee": assignee or account.owner, "received_at": received_at,
            "sla_hours": sla_hours, "sla_due_at": rules.sla_due(received_at=received_at, hours=sla_hours, calendar=calendar),
        },
    )


RESPONSE_FIELDS = ("kind", "occurred_at", "subject", "summary", "next_steps")


@transaction.atomic
def inquiry_respond(
    *, actor: Actor, inquiry: Inquiry, data: dict[str, Any], contacts: Iterable[Contact] = ()
) -> Interaction:
    """Record an answer to ``inquiry``: an outbound interaction on its account, linked
    to it. The first answer sets ``first_response_at`` and the response times.

    Allowed to whoever may change the inquiry: those who may change its account, and
    its assignee. The assignee may be someone who may not change the account (a member,
    an account manager of another team); the response interaction is then created by
    this service on their behalf. That is the only interaction they may create there:
    ``interaction_create`` still needs the account."""
    require_change(actor, inquiry)
    unknown = sorted(set(data) - set(RESPONSE_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    return record_interaction(
        actor=actor, account=inquiry.account, data={**data, "direction": Direction.OUTBOUND},
        contacts=contacts, inquiry=inquiry,
    )


@transaction.atomic
def inquiry_update(*, actor: Actor, inquiry: Inquiry, data: dict[str, Any], expected_version: int | None = None) -> Inquiry:
    """Edit the request; a priority change before the first response re-dates the SLA."""
    require_change(actor, inquiry)
    unknown = sorted(set(data) - set(INQUIRY_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if "priority" in data and data["priority"] != inquiry.priority and inquiry.first_response_at is None:
        hours = sla_hours_for(tier=inquiry.account.tier, priority=data["priority"])
        data["sla_hours"] = hours
        data["sla_due_at"] = rules.sla_due(received_at=inquiry.received_at, hours=hours, calendar=organisation_calendar())
    return model_update(actor=actor, instance=inquiry, data=data, expected_version=expected_version)


@transaction.atomic
def inquiry_assign(*, actor: Actor, inquiry: Inquiry, assignee: Any, expected_version: int | None = None) -> Inquiry:
    require_change(actor, inquiry)
    _check_assignee(assignee)
    return model_update(actor=actor, instance=inquiry, data={"assignee": assignee}, expected_version=expected_version)


@transaction.atomic
def inquiry_resolve(
    *, actor: Actor, inquiry: Inquiry, resolution: str, at: dt.datetime | None = None, expected_version: int | None = None
) -> Inquiry:
    require_change(actor, inquiry)
    if not resolution.strip():
        raise ValidationError({"resolution": "Say how it was resolved."})
    at = at or timezone.now()
    if at < inquiry.received_at:
        raise ValidationError({"at": "An inquiry cannot be resolved before it was received."})
    return model_update(
        actor=actor, instance=inquiry,
        data={"status": InquiryStatus.RESOLVED, "resolved_at": at, "resolution": resolution.strip()},
        expected_version=expected_version,
    )


@transaction.atomic
def inquiry_reopen(*, actor: Actor, inquiry: Inquiry, expected_version: int | None = None) -> Inquiry:
    """Open a resolved inquiry again: ``responded`` if it had an answer, else ``open``."""
    require_change(actor, inquiry)
    status = InquiryStatus.RESPONDED if inquiry.first_response_at else InquiryStatus.OPEN
    return model_update(
        actor=actor, instance=inquiry, data={"status": status, "resolved_at": None}, expected_version=expected_version
    )
