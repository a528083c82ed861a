"""Reads of quotes, scoped to the acting user: a quote follows its opportunity (its
account's manager and team, the opportunity's owner, executives and admins see it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from tandem.commercial.models import Opportunity, Quote, QuoteLine, QuoteStatus
from tandem.core.permissions import get_visible, scoped

CURRENT = "current"  # every status but superseded: the quotes still in play or decided


@dataclass(frozen=True)
class QuoteFilters:
    status: str = ""  # a QuoteStatus value, CURRENT, or "" for any
    account_id: int | None = None
    opportunity_id: int | None = None
    owner_id: int | None = None  # the opportunity's owner
    search: str = ""  # the number, or words of the opportunity's or the account's name
    sort: str = "-issued"


QUOTE_SORTS = {
    "issued": ("issued_on", "id"),
    "-issued": ("-issued_on", "-id"),
    "number": ("number", "revision"),
    "-number": ("-number", "-revision"),
    "valid_until": ("valid_until", "id"),
    "-valid_until": ("-valid_until", "-id"),
}


def quote_list(*, actor: Any, filters: QuoteFilters | None = None, for_count: bool = False) -> QuerySet[Quote]:
    filters = filters or QuoteFilters()
    queryset = scoped(actor, Quote, for_count=for_count).select_related(
        "opportunity", "opportunity__account", "opportunity__owner"
    )
    if filters.status == CURRENT:
        queryset = queryset.exclude(status=QuoteStatus.SUPERSEDED)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.account_id is not None:
        queryset = queryset.filter(opportunity__account_id=filters.account_id)
    if filters.opportunity_id is not None:
        queryset = queryset.filter(opportunity_id=filters.opportunity_id)
    if filters.owner_id is not None:
        queryset = queryset.filter(opportunity__owner_id=filters.owner_id)
    if filters.search:
        term = filters.search.strip()
        queryset = queryset.filter(
            Q(number__icontains=term) | Q(opportunity__name__icontains=term) | Q(opportunity__account__name__icontains=term)
        )
    return queryset.order_by(*QUOTE_SORTS.get(filters.sort, QUOTE_SORTS["-issued"]))


def quote_get(*, actor: Any, quote_id: Any) -> Quote:
    """One visible quote with its opportunity, account, owner and lines (404 otherwise)."""
    queryset = Quote.objects.select_related(
        "opportunity", "opportunity__account", "opportunity__owner", "opportunity__stage"
    ).prefetch_related(Prefetch("lines", queryset=QuoteLine.objects.select_related("product").order_by("position", "id")))
    return get_visible(actor, queryset, quote_id)


def quote_opportunity_get(*, actor: Any, opportunity_id: Any) -> Opportunity:
    """The opportunity a quote is made from, as the actor sees it (404 otherwise)."""
    return get_visible(actor, Opportunity.objects.select_related("account", "owner", "stage"), opportunity_id)


def opportunity_quotes(*, actor: Any, opportunity: Opportunity) -> list[Quote]:
    """The opportunity's quotes the actor may see, newest number and revision first."""
    queryset = scoped(actor, Quote).filter(opportunity=opportunity)
    return list(queryset.order_by("-issued_on", "-number", "-revision"))


def quote_revisions(*, actor: Any, quote: Quote) -> list[Quote]:
    """Every revision of ``quote``'s number the actor may see, latest first."""
    return list(scoped(actor, Quote).filter(number=quote.number).order_by("-revision"))
