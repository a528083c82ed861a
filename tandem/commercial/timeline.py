"""The pipeline on the account's timeline: an opportunity opened, won or lost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from tandem.clients.models import Account
from tandem.clients.selectors import TimelineEntry
from tandem.commercial.models import OpportunityStatus
from tandem.commercial.selectors.opportunities import OpportunityFilters, opportunity_list
from tandem.core import registry
from tandem.core.history import format_money


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


@registry.timeline_source(Account)
def opportunities_on_timeline(actor: Any, account: Account, limit: int) -> Iterable[TimelineEntry]:
    """Each opportunity once when it was opened, and once more when it closed (won or
    lost, on its closing day). One query of at most ``limit`` rows."""
    rows = opportunity_list(actor=actor, filters=OpportunityFilters(account_id=account.pk)).order_by("-created_at", "-id")[:limit]
    for row in rows:
        amount = format_money(row.amount, row.currency)
        yield TimelineEntry(
            row.created_at, "opportunity", f"Opportunity opened: {row.name}",
            f"{row.get_type_display()} · {amount} · expected to close {row.expected_close_date:%d %b %Y}", row, icon="opportunity",
        )
        if row.status != OpportunityStatus.OPEN and row.closed_on:
            title = f"Opportunity {'won' if row.status == OpportunityStatus.WON else 'lost'}: {row.name}"
            detail = amount if row.status == OpportunityStatus.WON else f"{amount} · {row.lost_reason}".rstrip(" ·")
            yield TimelineEntry(_day_start(row.closed_on), "opportunity_closed", title, detail, row, icon=row.status)
