"""The first response to an inquiry, recorded by the interaction write that answers it.

A helper of this package (no permission check: :func:`inquiry_respond` and
:func:`interaction_create` check theirs first), kept below both ``interactions`` and
``inquiries`` so that neither imports the other back. Response times are stored in
business hours (organisation calendar) and in calendar hours.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError

from tandem.clients.models import Inquiry, InquiryStatus
from tandem.core.calendar import WorkingCalendar, business_hours
from tandem.core.services import model_update
from tandem.core.types import SystemActor
from tandem.people.selectors import organisation_calendar

TWO_PLACES = Decimal("0.01")


def record_first_response(
    *, actor: SystemActor, inquiry: Inquiry, at: dt.datetime, calendar: WorkingCalendar | None = None
) -> Inquiry:
    """Set ``first_response_at`` and the response times to an answer sent ``at``; an
    earlier answer already recorded wins."""
    if inquiry.first_response_at is not None and inquiry.first_response_at <= at:
        return inquiry
    if at < inquiry.received_at:
        raise ValidationError({"occurred_at": "A response cannot come before the inquiry was received."})
    calendar = calendar or organisation_calendar()
    data: dict[str, Any] = {
        "first_response_at": at,
        "response_business_hours": _hours(business_hours(inquiry.received_at, at, calendar)),
        "response_calendar_hours": _hours((at - inquiry.received_at).total_seconds() / 3600),
    }
    if inquiry.status == InquiryStatus.OPEN:
        data["status"] = InquiryStatus.RESPONDED
    return model_update(actor=actor, instance=inquiry, data=data)


def _hours(value: float) -> Decimal:
    return Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
