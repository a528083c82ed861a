"""The commercial records on the account's timeline, each entry linking to its record:

* opportunities: opened, then won or lost on their closing day;
* quotes: issued, then accepted or declined;
* contracts: signed (activated), then expired or terminated.

One bounded query per source (at most ``limit`` rows), whatever the account's history.
An entry's kind is ``<record>`` or ``<record>_<event>`` (``opportunity_closed``): the
timeline's "Show" filter groups them by record (:data:`TIMELINE_KINDS`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from tandem.clients.models import Account
from tandem.clients.selectors import TimelineEntry
from tandem.clients.views.common import TIMELINE_KINDS
from tandem.commercial.models import Contract, ContractStatus, OpportunityStatus, Quote, QuoteStatus
from tandem.commercial.selectors.opportunities import OpportunityFilters, opportunity_list
from tandem.core import registry
from tandem.core.history import format_money
from tandem.core.permissions import scoped

TIMELINE_KINDS.extend([("opportunity", "Opportunities"), ("quote", "Quotes"), ("contract", "Contracts")])


def _on(day: dt.date) -> dt.datetime:
    """A day's event at noon in the current time zone (records that carry only a date)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


@registry.timeline_source(Account)
def opportunities_on_timeline(actor: Any, account: Account, limit: int) -> Iterable[TimelineEntry]:
    """Each opportunity once when it was opened, and once more when it closed."""
    rows = opportunity_list(actor=actor, filters=OpportunityFilters(account_id=account.pk)).order_by("-created_at", "-id")[:limit]
    for row in rows:
        amount = format_money(row.amount, row.currency)
        link = {"url": reverse("commercial:opportunity_detail", kwargs={"opportunity_id": row.pk})}
        yield TimelineEntry(
            row.created_at, "opportunity", f"Opportunity opened: {row.name}",
            f"{row.get_type_display()} · {amount} · expected to close {row.expected_close_date:%d %b %Y}", row,
            icon="opportunity", extra=link,
        )
        if row.status != OpportunityStatus.OPEN and row.closed_on:
            title = f"Opportunity {'won' if row.status == OpportunityStatus.WON else 'lost'}: {row.name}"
            detail = amount if row.status == OpportunityStatus.WON else f"{amount} · {row.lost_reason}".rstrip(" ·")
            yield TimelineEntry(_on(row.closed_on), "opportunity_closed", title, detail, row, icon=row.status, extra=link)


@registry.timeline_source(Account)
def quotes_on_timeline(actor: Any, account: Account, limit: int) -> Iterable[TimelineEntry]:
    """Each quote sent to the client (not drafts), and its answer."""
    rows = (
        scoped(actor, Quote)
        .filter(opportunity__account=account)
        .exclude(status=QuoteStatus.DRAFT)
        .select_related("opportunity")
        .order_by("-issued_on", "-id")[:limit]
    )
    for quote in rows:
        link = {"url": reverse("commercial:quote_detail", kwargs={"quote_id": quote.pk})}
        total = format_money(quote.total, quote.currency)
        yield TimelineEntry(
            _on(quote.issued_on), "quote", f"Quote {quote} sent: {quote.opportunity.name}",
            f"{total} · valid until {quote.valid_until:%d %b %Y}", quote, icon="quote", extra=link,
        )
        if quote.status == QuoteStatus.ACCEPTED and quote.accepted_at is not None:
            who = f" by {quote.accepted_by_name}" if quote.accepted_by_name else ""
            yield TimelineEntry(quote.accepted_at, "quote_answered", f"Quote {quote} accepted{who}", total, quote,
                                icon="accepted", extra=link)
        elif quote.status == QuoteStatus.DECLINED:
            yield TimelineEntry(quote.updated_at, "quote_answered", f"Quote {quote} declined", total, quote,
                                icon="declined", extra=link)


@registry.timeline_source(Account)
def contracts_on_timeline(actor: Any, account: Account, limit: int) -> Iterable[TimelineEntry]:
    """Each contract's signature (activation), and its expiry or early end."""
    rows = (
        scoped(actor, Contract)
        .filter(account=account, status__in=(ContractStatus.ACTIVE, ContractStatus.EXPIRED, ContractStatus.TERMINATED))
        .order_by("-start_date", "-id")[:limit]
    )
    for contract in rows:
        link = {"url": reverse("commercial:contract_detail", kwargs={"contract_id": contract.pk})}
        yield TimelineEntry(
            _on(contract.signed_on or contract.start_date), "contract", f"Contract signed: {contract.title}",
            f"{contract.number} · {format_money(contract.value, contract.currency)}", contract, icon="activated", extra=link,
        )
        if contract.status == ContractStatus.EXPIRED and contract.end_date is not None:
            yield TimelineEntry(_on(contract.end_date), "contract_ended", f"Contract expired: {contract.title}",
                                contract.number, contract, icon="expired", extra=link)
        if contract.status == ContractStatus.TERMINATED and contract.terminated_on is not None:
            yield TimelineEntry(_on(contract.terminated_on), "contract_ended", f"Contract terminated: {contract.title}",
                                contract.termination_reason, contract, icon="terminated", extra=link)
