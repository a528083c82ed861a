"""Reads of the catalog, rate cards, exchange rates and an account's pricing, scoped to
the acting user (the catalog and rates: every active user; an account's terms and
negotiated prices: as its account)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

from tandem.clients.models import Account
from tandem.commercial.models import (
    AccountPrice,
    AccountPricing,
    ExchangeRate,
    PriceList,
    PriceListItem,
    Product,
    RateCard,
    RateCardLine,
)
from tandem.core.permissions import get_visible, scoped

PRODUCT_SORTS = ("name", "category", "list_price")
_PRODUCT_ORDER = {
    "name": ("name", "id"), "-name": ("-name", "-id"),
    "category": ("category", "name", "id"), "-category": ("-category", "-name", "-id"),
    "list_price": ("list_price", "id"), "-list_price": ("-list_price", "-id"),
}


@dataclass(frozen=True)
class ProductFilters:
    search: str = ""
    category: str = ""
    recurrence: str = ""
    pricing_strategy: str = ""
    include_inactive: bool = False
    sort: str = "name"


def product_list(*, actor: Any, filters: ProductFilters | None = None, for_count: bool = False) -> QuerySet[Product]:
    filters = filters or ProductFilters()
    queryset = scoped(actor, Product, for_count=for_count)
    if not filters.include_inactive:
        queryset = queryset.filter(is_active=True)
    if filters.search.strip():
        term = filters.search.strip()
        queryset = queryset.filter(Q(name__icontains=term) | Q(code__icontains=term) | Q(category__icontains=term))
    if filters.category:
        queryset = queryset.filter(category__iexact=filters.category)
    if filters.recurrence:
        queryset = queryset.filter(recurrence=filters.recurrence)
    if filters.pricing_strategy:
        queryset = queryset.filter(pricing_strategy=filters.pricing_strategy)
    return queryset.order_by(*_PRODUCT_ORDER.get(filters.sort, _PRODUCT_ORDER["name"]))


def product_categories(*, actor: Any) -> list[str]:
    return list(
        scoped(actor, Product).exclude(category="").order_by("category").values_list("category", flat=True).distinct()
    )


def product_get(*, actor: Any, product_id: Any) -> Product:
    return get_visible(actor, Product, product_id)


def price_list_list(*, actor: Any) -> QuerySet[PriceList]:
    return scoped(actor, PriceList).order_by("name", "id")


def price_list_get(*, actor: Any, price_list_id: Any) -> PriceList:
    return get_visible(actor, PriceList, price_list_id)


def price_list_items(*, actor: Any, price_list: PriceList) -> QuerySet[PriceListItem]:
    return scoped(actor, PriceListItem).filter(price_list=price_list).select_related("product").order_by("product__name", "id")


def price_list_item_get(*, actor: Any, price_list_item_id: Any) -> PriceListItem:
    return get_visible(actor, PriceListItem.objects.select_related("price_list", "product"), price_list_item_id)


def rate_card_list(*, actor: Any) -> QuerySet[RateCard]:
    return scoped(actor, RateCard).order_by("-is_default", "name", "id")


def rate_card_get(*, actor: Any, rate_card_id: Any) -> RateCard:
    return get_visible(actor, RateCard, rate_card_id)


def rate_card_lines(*, actor: Any, rate_card: RateCard) -> QuerySet[RateCardLine]:
    return (
        scoped(actor, RateCardLine).filter(rate_card=rate_card).select_related("person")
        .order_by(F("person__full_name").asc(nulls_first=True), "role_name", "id")  # role lines first on every database
    )


def rate_card_line_get(*, actor: Any, rate_card_line_id: Any) -> RateCardLine:
    return get_visible(actor, RateCardLine.objects.select_related("rate_card", "person"), rate_card_line_id)


def account_pricing_get(*, actor: Any, account: Account) -> AccountPricing | None:
    """The account's terms, or ``None`` when none are set (or the actor may not see them)."""
    return (
        scoped(actor, AccountPricing).select_related("price_list", "rate_card").filter(account=account).first()
    )


def account_price_list(*, actor: Any, account: Account) -> QuerySet[AccountPrice]:
    return scoped(actor, AccountPrice).filter(account=account).select_related("product").order_by("product__name", "id")


def account_price_get(*, actor: Any, account_price_id: Any) -> AccountPrice:
    return get_visible(actor, AccountPrice.objects.select_related("account", "product"), account_price_id)


def exchange_rate_list(*, actor: Any, currency: str = "") -> QuerySet[ExchangeRate]:
    queryset = scoped(actor, ExchangeRate)
    if currency:
        queryset = queryset.filter(currency=currency.upper())
    return queryset.order_by("currency", "-date", "id")


def exchange_rate_get(*, actor: Any, exchange_rate_id: Any) -> ExchangeRate:
    return get_visible(actor, ExchangeRate, exchange_rate_id)
