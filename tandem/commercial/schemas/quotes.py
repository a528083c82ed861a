"""Shapes of ``/quotes``: the bodies of create and the lifecycle actions, and the quote
as it comes out (with its lines on the detail)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from tandem.clients.schemas import (
    VERSION_FIELD,
    AccountRef,
    Day,
    ReferenceId,
    StrictIn,
    UserRef,
    account_ref,
    body_text,
    decimal_text,
    user_ref,
)
from tandem.commercial.models import Quote, QuoteStatus
from tandem.commercial.services.quotes import quote_is_expired
from tandem.core.api import PageMeta, PageParams, optional, text

QuoteStatusName = Literal["draft", "sent", "accepted", "declined", "superseded"]
QuoteSort = Literal["issued", "-issued", "number", "-number", "valid_until", "-valid_until"]
assert set(QuoteStatusName.__args__) == set(QuoteStatus.values)  # type: ignore[attr-defined]


class QuoteCreateIn(StrictIn):
    """A new quote from the opportunity's current lines (it must be open and have lines)."""

    opportunity_id: ReferenceId
    valid_until: Day = Field(description="The last day the client may accept; not before today.")
    terms: str = body_text(10_000, description="Payment and delivery terms printed on the quote.")
    notes: str = body_text(10_000, description="A note to the client printed above the lines.")


class QuoteReviseIn(StrictIn):
    """The next revision: same number, the opportunity's current lines; the revised quote
    becomes superseded. Omitted fields keep the revised quote's (``valid_until``: as
    many days from today as the revised quote was valid)."""

    version: int = VERSION_FIELD
    valid_until: Day | None = optional()
    terms: str | None = optional(max_length=10_000, pattern=r"^[^\x00]*$")
    notes: str | None = optional(max_length=10_000, pattern=r"^[^\x00]*$")


class QuoteActionIn(StrictIn):
    """Send or decline: the version you read (409 when stale)."""

    version: int = VERSION_FIELD


class QuoteAcceptIn(StrictIn):
    """The client accepted: who accepted for them. Wins the opportunity."""

    version: int = VERSION_FIELD
    accepted_by_name: str = body_text(200, required=True, description="Who accepted for the client.")


class QuoteListQuery(PageParams):
    opportunity_id: ReferenceId | None = None
    account_id: ReferenceId | None = None
    status: QuoteStatusName | None = None
    search: str = text(default="", max_length=100, description="Part of the number, the opportunity's or the account's name.")
    sort: QuoteSort = "-issued"


class OpportunityRef(BaseModel):
    id: int
    name: str
    status: Literal["open", "won", "lost"]


class QuoteLineOut(BaseModel):
    product_id: int | None
    description: str
    quantity: str
    unit: str
    unit_price: str
    discount_percent: str
    amount: str


class QuoteOut(BaseModel):
    """``number`` is shared by every revision of one offer; ``is_expired``: a draft or
    sent quote past its ``valid_until`` day. ``lines`` only on the detail."""

    id: int
    number: str
    revision: int
    status: QuoteStatusName
    is_expired: bool
    opportunity: OpportunityRef
    account: AccountRef
    owner: UserRef | None
    issued_on: dt.date
    valid_until: dt.date
    currency: str
    total: str
    terms: str
    notes: str
    accepted_at: dt.datetime | None
    accepted_by_name: str
    lines: list[QuoteLineOut] | None = None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class QuotePage(PageMeta):
    items: list[QuoteOut]


def quote_out(quote: Quote, *, actor: Any, with_lines: bool = False) -> dict[str, Any]:
    opportunity = quote.opportunity
    result: dict[str, Any] = {
        "id": quote.pk,
        "number": quote.number,
        "revision": quote.revision,
        "status": quote.status,
        "is_expired": quote_is_expired(quote),
        "opportunity": {"id": opportunity.pk, "name": opportunity.name, "status": opportunity.status},
        "account": account_ref(opportunity.account),
        "owner": user_ref(opportunity.owner, actor=actor),
        "issued_on": quote.issued_on,
        "valid_until": quote.valid_until,
        "currency": quote.currency,
        "total": decimal_text(quote.total),
        "terms": quote.terms,
        "notes": quote.notes,
        "accepted_at": quote.accepted_at,
        "accepted_by_name": quote.accepted_by_name,
        "lines": None,
        "version": quote.version,
        "created_at": quote.created_at,
        "updated_at": quote.updated_at,
    }
    if with_lines:
        result["lines"] = [
            {
                "product_id": line.product_id,
                "description": line.description,
                "quantity": decimal_text(line.quantity),
                "unit": line.unit,
                "unit_price": decimal_text(line.unit_price),
                "discount_percent": decimal_text(line.discount_percent),
                "amount": decimal_text(line.amount),
            }
            for line in quote.lines.all()
        ]
    return result
