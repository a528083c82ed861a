"""Opportunities, quotes and contracts in the global search (tandem.core.search).

Each type is found through its own policy's scope (an account manager finds the quotes
and contracts of the accounts they see, never another's), and its text holds no cost
or margin figure (those follow :func:`tandem.commercial.policies.may_see_costs`): a
quote shows its number, account, opportunity and status; a contract its number, title,
account, status and value (a sale price, not a cost).
"""

from __future__ import annotations

from django.urls import reverse

from tandem.commercial.models import Contract, Opportunity, Quote
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


def _quote_title(quote: Quote) -> str:
    return f"Quote {quote.number}" + (f" rev. {quote.revision}" if quote.revision > 1 else "")


search.register(
    Quote,
    label="Quote",
    title=_quote_title,
    subtitle=lambda quote: " · ".join(filter(None, [
        quote.opportunity.account.name, quote.opportunity.name, quote.get_status_display(),
    ])),
    text=lambda quote: " ".join(filter(None, [quote.number, quote.opportunity.account.name, quote.opportunity.name])),
    url=lambda quote: reverse("commercial:quote_detail", args=[quote.pk]),
    select_related=("opportunity", "opportunity__account"),
)

search.register(
    Contract,
    label="Contract",
    title=lambda contract: f"{contract.number} {contract.title}",
    subtitle=lambda contract: " · ".join(filter(None, [
        contract.account.name, contract.get_status_display(), format_money(contract.value, contract.currency),
    ])),
    text=lambda contract: " ".join(filter(None, [contract.number, contract.title, contract.account.name])),
    url=lambda contract: reverse("commercial:contract_detail", args=[contract.pk]),
    select_related=("account",),
)
