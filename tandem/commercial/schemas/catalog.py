"""Shapes of the catalog API: products, price lists with their items, rate cards with
their lines, exchange rates, an account's pricing terms, negotiated prices and the price
that applies. ``unit_cost`` is in a product's answer only for those who may see costs
(:func:`tandem.commercial.policies.may_see_costs`); otherwise the key is absent."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, Strict, WithJsonSchema

from tandem.clients.schemas import StrictIn
from tandem.clients.schemas.bodies import OPTIONAL_VERSION, VERSION_FIELD
from tandem.clients.schemas.refs import AccountRef, UserRef, account_ref, decimal_text, user_ref
from tandem.clients.schemas.values import Currency, Day, Money, ReferenceId, body_text, patch_text
from tandem.commercial.models import (
    AccountPrice,
    AccountPricing,
    ExchangeRate,
    PriceList,
    PriceListItem,
    PricingStrategy,
    Product,
    RateCard,
    RateCardLine,
    Recurrence,
    Unit,
)
from tandem.commercial.pricing import AppliedPrice
from tandem.core.api import PageMeta, PageParams, optional, text

UnitName = Literal["hour", "day", "month", "year", "seat", "unit", "project"]
RecurrenceName = Literal["one_off", "monthly", "yearly"]
StrategyName = Literal["fixed_fee", "time_and_materials", "retainer", "subscription"]
StrategyOrBlank = Literal["", "fixed_fee", "time_and_materials", "retainer", "subscription"]
ProductSort = Literal["name", "-name", "category", "-category", "list_price", "-list_price"]
for _literal, _choices in ((UnitName, Unit.values), (RecurrenceName, Recurrence.values), (StrategyName, PricingStrategy.values)):
    assert set(_literal.__args__) == set(_choices), _literal  # type: ignore[attr-defined]

PERCENT_TEXT = re.compile(r"^\d{1,3}(\.\d{1,2})?$")
RATE_TEXT = re.compile(r"^\d{1,10}(\.\d{1,10})?$")


def _percent_value(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError("Use a number or a decimal string such as \"12.5\".")
    if isinstance(value, str) and not PERCENT_TEXT.match(value):
        raise ValueError("Use a percentage with at most two decimal places, such as \"12.5\".")
    return value


def _rate_value(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError("Use a number or a decimal string such as \"0.9215\".")
    if isinstance(value, str) and not RATE_TEXT.match(value):
        raise ValueError("Use a decimal number with at most 10 decimal places, such as \"0.9215\".")
    return value


Percent = Annotated[
    Decimal, BeforeValidator(_percent_value), Strict(False), Field(ge=0, le=100, max_digits=5, decimal_places=2),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0, "maximum": 100},
                              {"type": "string", "pattern": r"^\d{1,3}(\.\d{1,2})?$"}],
                    "description": "A percentage from 0 to 100, two decimal places at most."}),
]
Rate = Annotated[
    Decimal, BeforeValidator(_rate_value), Strict(False), Field(gt=0, max_digits=20, decimal_places=10),
    WithJsonSchema({"anyOf": [{"type": "number", "exclusiveMinimum": 0, "maximum": 9999999999},
                              {"type": "string", "pattern": r"^\d{1,10}(\.\d{1,10})?$"}],
                    "description": "Units of the base currency for one unit of the currency (above 0)."}),
]


# --- Products -----------------------------------------------------------------------------------


class ProductListQuery(PageParams):
    search: str = text(default="", max_length=100, description="Part of the name, code or category.")
    category: str = text(default="", max_length=100, description="Exact category (any case).")
    recurrence: RecurrenceName | None = None
    pricing_strategy: StrategyName | None = None
    include_inactive: bool = Field(default=False, description="Also products marked inactive.")
    sort: ProductSort = "name"


class ProductOut(BaseModel):
    id: int
    name: str
    code: str
    category: str
    description: str
    unit: UnitName
    recurrence: RecurrenceName
    pricing_strategy: StrategyName
    list_price: str
    currency: str
    unit_cost: str | None = Field(default=None, description="Only for those who may see costs; absent otherwise.")
    is_active: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ProductPage(PageMeta):
    items: list[ProductOut]


def product_out(product: Product, *, show_cost: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": product.pk, "name": product.name, "code": product.code, "category": product.category,
        "description": product.description, "unit": product.unit, "recurrence": product.recurrence,
        "pricing_strategy": product.pricing_strategy, "list_price": decimal_text(product.list_price),
        "currency": product.currency, "is_active": product.is_active, "version": product.version,
        "created_at": product.created_at, "updated_at": product.updated_at,
    }
    if show_cost:
        out["unit_cost"] = decimal_text(product.unit_cost)
    return out


class ProductCreateIn(StrictIn):
    name: str = body_text(200, required=True)
    code: str = body_text(40, description="Your own short code, unique when given, e.g. CONS-SR.")
    category: str = body_text(100)
    description: str = body_text(10_000)
    unit: UnitName = "unit"
    recurrence: RecurrenceName = "one_off"
    pricing_strategy: StrategyName = "fixed_fee"
    list_price: Money
    unit_cost: Money | None = Field(default=None, description="Only those who may see costs may set it (else 403).")
    currency: Currency = "EUR"
    is_active: bool = True


class ProductUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    name: str = patch_text(200, required=True)
    code: str = patch_text(40)
    category: str = patch_text(100)
    description: str = patch_text(10_000)
    unit: UnitName = optional()
    recurrence: RecurrenceName = optional()
    pricing_strategy: StrategyName = optional()
    list_price: Money = optional()
    unit_cost: Money = optional()
    currency: Currency = optional()
    is_active: bool = optional()


# --- Price lists --------------------------------------------------------------------------------


class ProductRef(BaseModel):
    id: int
    name: str


class PriceListItemOut(BaseModel):
    id: int
    price_list_id: int
    product: ProductRef
    unit_price: str
    version: int


def price_list_item_out(item: PriceListItem) -> dict[str, Any]:
    return {
        "id": item.pk, "price_list_id": item.price_list_id, "product": {"id": item.product_id, "name": item.product.name},
        "unit_price": decimal_text(item.unit_price), "version": item.version,
    }


class PriceListOut(BaseModel):
    id: int
    name: str
    currency: str
    description: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    is_active: bool
    version: int
    items: list[PriceListItemOut] | None = Field(default=None, description="In the answer about one price list.")


class PriceListPage(PageMeta):
    items: list[PriceListOut]


def price_list_out(price_list: PriceList, *, items: list[PriceListItem] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": price_list.pk, "name": price_list.name, "currency": price_list.currency,
        "description": price_list.description, "valid_from": price_list.valid_from,
        "valid_until": price_list.valid_until, "is_active": price_list.is_active, "version": price_list.version,
    }
    if items is not None:
        out["items"] = [price_list_item_out(item) for item in items]
    return out


class PriceListCreateIn(StrictIn):
    name: str = body_text(120, required=True)
    currency: Currency = "EUR"
    description: str = body_text(10_000)
    valid_from: Day | None = None
    valid_until: Day | None = None
    is_active: bool = True


class PriceListUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    name: str = patch_text(120, required=True)
    currency: Currency = optional()
    description: str = patch_text(10_000)
    valid_from: Day | None = optional()
    valid_until: Day | None = optional()
    is_active: bool = optional()


class PriceListItemCreateIn(StrictIn):
    product_id: ReferenceId
    unit_price: Money


class PriceListItemUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    unit_price: Money = optional()


# --- Rate cards ---------------------------------------------------------------------------------


class RateCardLineOut(BaseModel):
    id: int
    rate_card_id: int
    role_name: str
    person: UserRef | None
    hourly_rate: str
    version: int


def rate_card_line_out(line: RateCardLine, *, actor: Any) -> dict[str, Any]:
    return {
        "id": line.pk, "rate_card_id": line.rate_card_id, "role_name": line.role_name,
        "person": user_ref(line.person, actor=actor), "hourly_rate": decimal_text(line.hourly_rate),
        "version": line.version,
    }


class RateCardOut(BaseModel):
    id: int
    name: str
    currency: str
    is_default: bool
    description: str
    version: int
    lines: list[RateCardLineOut] | None = Field(default=None, description="In the answer about one rate card.")


class RateCardPage(PageMeta):
    items: list[RateCardOut]


def rate_card_out(card: RateCard, *, lines: list[RateCardLine] | None = None, actor: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": card.pk, "name": card.name, "currency": card.currency, "is_default": card.is_default,
        "description": card.description, "version": card.version,
    }
    if lines is not None:
        out["lines"] = [rate_card_line_out(line, actor=actor) for line in lines]
    return out


class RateCardCreateIn(StrictIn):
    name: str = body_text(120, required=True)
    currency: Currency = "EUR"
    is_default: bool = Field(default=False, description="Used for accounts without a card of their own; one card only.")
    description: str = body_text(10_000)


class RateCardUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    name: str = patch_text(120, required=True)
    currency: Currency = optional()
    is_default: bool = optional()
    description: str = patch_text(10_000)


class RateCardLineCreateIn(StrictIn):
    """A rate for a role (``role_name``) or for one person (``user_id``), not both."""

    role_name: str = body_text(100)
    user_id: ReferenceId | None = None
    hourly_rate: Money


class RateCardLineUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    hourly_rate: Money = optional()
    role_name: str = patch_text(100)


# --- Exchange rates -----------------------------------------------------------------------------


class ExchangeRateListQuery(PageParams):
    currency: Currency | None = None


class ExchangeRateOut(BaseModel):
    id: int
    date: dt.date
    currency: str
    rate: str = Field(description="Units of the base currency for one unit of currency, from date on.")
    version: int


class ExchangeRatePage(PageMeta):
    base_currency: str
    items: list[ExchangeRateOut]


def exchange_rate_out(rate: ExchangeRate) -> dict[str, Any]:
    return {"id": rate.pk, "date": rate.date, "currency": rate.currency, "rate": f"{Decimal(rate.rate).normalize():f}", "version": rate.version}


class ExchangeRateCreateIn(StrictIn):
    date: Day
    currency: Currency
    rate: Rate


class ExchangeRateUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    date: Day = optional()
    rate: Rate = optional()


# --- An account's pricing -----------------------------------------------------------------------


class NamedRef(BaseModel):
    id: int
    name: str


class AccountPricingOut(BaseModel):
    account: AccountRef
    price_list: NamedRef | None
    rate_card: NamedRef | None
    discount_percent: str
    pricing_strategy: StrategyOrBlank
    payment_terms_days: int
    notes: str
    version: int | None = Field(description="null until terms are first set.")


def account_pricing_out(account: Any, pricing: AccountPricing | None) -> dict[str, Any]:
    if pricing is None:
        return {
            "account": account_ref(account), "price_list": None, "rate_card": None, "discount_percent": "0.00",
            "pricing_strategy": "", "payment_terms_days": 30, "notes": "", "version": None,
        }
    return {
        "account": account_ref(account),
        "price_list": None if pricing.price_list is None else {"id": pricing.price_list.pk, "name": pricing.price_list.name},
        "rate_card": None if pricing.rate_card is None else {"id": pricing.rate_card.pk, "name": pricing.rate_card.name},
        "discount_percent": decimal_text(pricing.discount_percent), "pricing_strategy": pricing.pricing_strategy,
        "payment_terms_days": pricing.payment_terms_days, "notes": pricing.notes, "version": pricing.version,
    }


class AccountPricingIn(StrictIn):
    """Change the account's terms (created the first time): send only what changes."""

    version: int | None = OPTIONAL_VERSION
    price_list_id: ReferenceId | None = optional(description="null: no price list.")
    rate_card_id: ReferenceId | None = optional(description="null: the default rate card.")
    discount_percent: Percent = optional()
    pricing_strategy: StrategyOrBlank = optional()
    payment_terms_days: int = optional(ge=0, le=365)
    notes: str = patch_text(10_000)


class AccountPriceOut(BaseModel):
    id: int
    account: AccountRef
    product: ProductRef
    unit_price: str | None
    discount_percent: str | None
    currency: str
    valid_until: dt.date | None
    note: str
    version: int


class AccountPricePage(PageMeta):
    items: list[AccountPriceOut]


def account_price_out(price: AccountPrice) -> dict[str, Any]:
    return {
        "id": price.pk, "account": account_ref(price.account), "product": {"id": price.product_id, "name": price.product.name},
        "unit_price": decimal_text(price.unit_price), "discount_percent": decimal_text(price.discount_percent),
        "currency": price.currency, "valid_until": price.valid_until, "note": price.note, "version": price.version,
    }


class AccountPriceCreateIn(StrictIn):
    """A negotiated unit price, a discount on the price that would apply, or both."""

    product_id: ReferenceId
    unit_price: Money | None = None
    discount_percent: Percent | None = None
    currency: Currency | None = Field(default=None, description="Default: the account's currency.")
    valid_until: Day | None = None
    note: str = body_text(200)


class AccountPriceUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    unit_price: Money | None = optional()
    discount_percent: Percent | None = optional()
    currency: Currency = optional()
    valid_until: Day | None = optional()
    note: str = patch_text(200)


class AppliedPriceQuery(BaseModel):
    on: Day | None = Field(default=None, description="The day the price applies on (default: today).")


class AppliedPriceOut(BaseModel):
    """The price of a product for an account and the rule that chose it."""

    account: AccountRef
    product: ProductRef
    unit_price: str = Field(description="Before the discount.")
    discount_percent: str
    net_unit_price: str = Field(description="After the discount, to the cent.")
    currency: str
    list_price: str
    list_currency: str
    source: Literal["account_price", "price_list", "list_price"]
    rule: str
    on: dt.date


def applied_price_out(account: Any, product: Product, applied: AppliedPrice, on: dt.date) -> dict[str, Any]:
    return {
        "account": account_ref(account), "product": {"id": product.pk, "name": product.name},
        "unit_price": decimal_text(applied.unit_price), "discount_percent": decimal_text(applied.discount_percent),
        "net_unit_price": decimal_text(applied.net_unit_price), "currency": applied.currency,
        "list_price": decimal_text(applied.list_price), "list_currency": applied.list_currency,
        "source": applied.source, "rule": applied.rule, "on": on,
    }
