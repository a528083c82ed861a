"""Opportunities in the global search (tandem.core.search)."""

from __future__ import annotations

from django.urls import reverse

from tandem.commercial.models import Opportunity
from tandem.core import search
from tandem.core.history import format_money

search.register(
    Opportunity,
    label="Opportunity",
    title=lambda opportunity: opportunity.name,
    subtitle=lambda opportunity: " · ".join(filter(None, [
        opportunity.account.name, opportunity.stage.name, format_money(opportunity.amount, opportunity.currency),
    ])),
    text=lambda opportunity: " ".join(filter(None, [opportunity.account.name, opportunity.next_step, opportunity.description])),
    url=lambda opportunity: reverse("commercial:opportunity_detail", args=[opportunity.pk]),
    select_related=("account", "stage"),
)
