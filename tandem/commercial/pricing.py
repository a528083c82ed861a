"""The price and the hourly rate that apply to an account, with the rule that chose them.

Price of a product for an account on a date (``docs/pricing.md``):

1. the account's negotiated price for the product (``AccountPrice.unit_price``), if it
   has one still valid on the date (no ``valid_until``, or ``valid_until`` on or after it);
2. else the product's entry in the account's price list (``AccountPricing.price_list``),
   if the list is active and valid on the date;
3. else the product's list price.

Then the discount: the negotiated discount for the product (``AccountPrice.discount_percent``,
when set and valid) else the account-wide discount (``AccountPricing.discount_percent``,
0 without terms). ``unit_price`` is the price before the discount (what an opportunity
line takes as its unit price, with ``discount_percent`` beside it); ``net_unit_price``
is after it, to the cent, half up.

Hourly rate of a person or role for an account: the account's rate card
(``AccountPricing.rate_card``), else the default card; on that card the person's own
line wins over the line of their role.

:class:`PriceBook` resolves many products for one account in three queries (the account
pricing page); :func:`price_for` is one product.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.utils import timezone

from tandem.clients.models import Account
from tandem.commercial.models import (
    AccountPrice,
    AccountPricing,
    PriceList,
    PriceListItem,
    Product,
    RateCard,
    RateCardLine,
)
from tandem.core.errors import DomainError

CENT = Decimal("0.01")
PriceSource = Literal["account_price", "price_list", "list_price"]
RateSource = Literal["person", "role"]


def day_text(day: dt.date) -> str:
    """``31 Dec 2031``."""
    return f"{day.day} {day:%b %Y}"


def percent_text(value: Decimal) -> str:
    """``10%``, ``12.5%``."""
    text = f"{Decimal(value).normalize():f}"
    return f"{text}%"


@dataclass(frozen=True)
class AppliedPrice:
    """The price of ``product`` for an account, and why."""

    unit_price: Decimal
    currency: str
    list_price: Decimal
    discount_percent: Decimal
    rule: str
    source: PriceSource
    list_currency: str = ""

    @property
    def net_unit_price(self) -> Decimal:
        """The unit price after the discount, to the cent (half up)."""
        net = self.unit_price * (Decimal(100) - self.discount_percent) / Decimal(100)
        return net.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AppliedRate:
    hourly_rate: Decimal
    currency: str
    rate_card: str
    rule: str
    source: RateSource


class NoRateError(DomainError):
    """No rate card line applies (no card, or no line for the person or the role)."""

    code = "no_rate"
    status_code = 422


def _valid_on(price_list: PriceList | None, on: dt.date) -> bool:
    if price_list is None or not price_list.is_active:
        return False
    if price_list.valid_from is not None and on < price_list.valid_from:
        return False
    return price_list.valid_until is None or on <= price_list.valid_until


class PriceBook:
    """The prices of one account on one day, read once: its negotiated prices, its terms
    (with the price list) and the price list's items (three queries at most)."""

    def __init__(self, account: Account, *, on: dt.date | None = None, products: Iterable[Product] | None = None) -> None:
        self.account = account
        self.on = on or timezone.localdate()
        product_ids = None if products is None else [product.pk for product in products]
        negotiated = AccountPrice.objects.filter(account=account)
        if product_ids is not None:
            negotiated = negotiated.filter(product_id__in=product_ids)
        self.negotiated: dict[int, AccountPrice] = {
            row.product_id: row for row in negotiated if row.valid_until is None or row.valid_until >= self.on
        }
        self.terms: AccountPricing | None = (
            AccountPricing.objects.select_related("price_list").filter(account=account).first()
        )
        price_list = self.terms.price_list if self.terms is not None else None
        self.price_list = price_list if _valid_on(price_list, self.on) else None
        self.items: dict[int, Decimal] = {}
        if self.price_list is not None:
            items = PriceListItem.objects.filter(price_list=self.price_list)
            if product_ids is not None:
                items = items.filter(product_id__in=product_ids)
            self.items = dict(items.values_list("product_id", "unit_price"))

    def price(self, product: Product) -> AppliedPrice:
        name = self.account.name
        negotiated = self.negotiated.get(product.pk)
        until = ""
        if negotiated is not None and negotiated.valid_until is not None:
            until = f" (until {day_text(negotiated.valid_until)})"
        source: PriceSource
        if negotiated is not None and negotiated.unit_price is not None:
            unit_price, currency, source = negotiated.unit_price, negotiated.currency, "account_price"
            rule = f"Negotiated price for {name}{until}"
        elif self.price_list is not None and product.pk in self.items:
            unit_price, currency, source = self.items[product.pk], self.price_list.currency, "price_list"
            rule = f"Price list “{self.price_list.name}” of {name}"
        else:
            unit_price, currency, source = product.list_price, product.currency, "list_price"
            rule = "List price"
        if negotiated is not None and negotiated.discount_percent is not None:
            discount = Decimal(negotiated.discount_percent)
            if discount:
                rule += f", less the {percent_text(discount)} discount negotiated for {product.name}"
                if negotiated.unit_price is None:
                    rule += until
        else:
            discount = Decimal(self.terms.discount_percent) if self.terms is not None else Decimal(0)
            if discount:
                rule += f", less {name}'s account-wide {percent_text(discount)} discount"
        return AppliedPrice(
            unit_price=Decimal(unit_price), currency=currency, list_price=Decimal(product.list_price),
            discount_percent=discount, rule=rule, source=source, list_currency=product.currency,
        )


def price_for(*, account: Account, product: Product, on: dt.date | None = None) -> AppliedPrice:
    """The price of ``product`` for ``account`` on ``on`` (default today): account price →
    its price list → list price, then its discount (see the module docstring)."""
    return PriceBook(account, on=on, products=[product]).price(product)


def rate_for(*, account: Account, user: Any = None, role_name: str = "") -> AppliedRate:
    """The hourly rate for ``user`` (or a role) working for ``account``: the account's
    rate card, else the default one; a person's line beats their role's line.
    :class:`NoRateError` when no card or no line applies."""
    terms = AccountPricing.objects.select_related("rate_card").filter(account=account).first()
    card: RateCard | None = terms.rate_card if terms is not None else None
    whose = f"{account.name}'s rate card"
    if card is None:
        card = RateCard.objects.filter(is_default=True).first()
        whose = "the default rate card"
    if card is None:
        raise NoRateError(f"{account.name} has no rate card and no default rate card is set.")
    lines = list(RateCardLine.objects.filter(rate_card=card).select_related("person"))
    if user is not None:
        for line in lines:
            if line.person_id == user.pk:
                return AppliedRate(
                    hourly_rate=line.hourly_rate, currency=card.currency, rate_card=card.name, source="person",
                    rule=f"{_person_name(user)}'s own rate on {whose} “{card.name}”",
                )
    wanted = role_name.strip().lower()
    if wanted:
        for line in lines:
            if line.person_id is None and line.role_name.lower() == wanted:
                return AppliedRate(
                    hourly_rate=line.hourly_rate, currency=card.currency, rate_card=card.name, source="role",
                    rule=f"The {line.role_name} rate on {whose} “{card.name}”",
                )
    who = _person_name(user) if user is not None else ""
    what = " or ".join(filter(None, [who, f"the role “{role_name.strip()}”" if wanted else ""])) or "nobody named"
    raise NoRateError(f"The rate card “{card.name}” has no rate for {what}.")


def _person_name(user: Any) -> str:
    return str(getattr(user, "full_name", "") or getattr(user, "email", "") or user)
