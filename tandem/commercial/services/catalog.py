"""The catalog and each account's terms: products, price lists and their items, rate
cards and their lines (admins), an account's pricing terms and negotiated prices (those
who may change the account).

Rules kept here for pages, the API and the demo:

* Currency codes are stored in capitals.
* A product's unit cost is restricted: only those who may see costs
  (:func:`tandem.commercial.policies.may_see_costs`) may set it.
* A product on an opportunity or quote line cannot be deleted (deactivate it instead).
* One rate card is the default: making a card the default takes the mark off the other.
* An account's terms (:class:`AccountPricing`) are one row, created when first set.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from tandem.clients.models import Account
from tandem.clients.policies import may_change_account
from tandem.commercial.models import (
    AccountPrice,
    AccountPricing,
    PriceList,
    PriceListItem,
    Product,
    RateCard,
    RateCardLine,
)
from tandem.commercial.policies import may_see_costs
from tandem.core.errors import PermissionDeniedError
from tandem.core.permissions import require_change, require_create, require_delete
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import Actor, SystemActor

PRODUCT_FIELDS = (
    "name", "code", "category", "description", "unit", "recurrence", "pricing_strategy", "list_price",
    "unit_cost", "currency", "is_active",
)
PRICE_LIST_FIELDS = ("name", "currency", "description", "valid_from", "valid_until", "is_active")
PRICE_LIST_ITEM_FIELDS = ("product", "unit_price")
RATE_CARD_FIELDS = ("name", "currency", "is_default", "description")
RATE_CARD_LINE_FIELDS = ("role_name", "person", "hourly_rate")
ACCOUNT_PRICING_FIELDS = ("price_list", "rate_card", "discount_percent", "pricing_strategy", "payment_terms_days", "notes")
ACCOUNT_PRICE_FIELDS = ("product", "unit_price", "discount_percent", "currency", "valid_until", "note")


def _clean(data: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if isinstance(data.get("currency"), str):
        data["currency"] = data["currency"].strip().upper()
    for name in ("name", "code", "role_name"):
        if isinstance(data.get(name), str):
            data[name] = data[name].strip()
    return data


def _require_create(actor: SystemActor, model: type[Any]) -> None:
    if actor is not None:
        require_create(actor, model)


def _require_change(actor: SystemActor, obj: Any) -> None:
    if actor is not None:
        require_change(actor, obj)


def _require_delete(actor: SystemActor, obj: Any) -> None:
    if actor is not None:
        require_delete(actor, obj)


# --- Products ------------------------------------------------------------------------------


def _product_data(actor: SystemActor, data: dict[str, Any]) -> dict[str, Any]:
    data = _clean(data, PRODUCT_FIELDS)
    if "unit_cost" in data and actor is not None and not may_see_costs(actor):
        raise PermissionDeniedError("You may not set a product's unit cost.")
    return data


@transaction.atomic
def product_create(*, actor: SystemActor, data: dict[str, Any]) -> Product:
    _require_create(actor, Product)
    return model_create(actor=actor, model=Product, data=_product_data(actor, data))


@transaction.atomic
def product_update(
    *, actor: SystemActor, product: Product, data: dict[str, Any], expected_version: int | None = None
) -> Product:
    _require_change(actor, product)
    return model_update(actor=actor, instance=product, data=_product_data(actor, data), expected_version=expected_version)


@transaction.atomic
def product_delete(*, actor: SystemActor, product: Product, expected_version: int | None = None) -> None:
    """Delete a product no opportunity or quote line names (else: deactivate it)."""
    _require_delete(actor, product)
    try:
        with transaction.atomic():
            model_delete(actor=actor, instance=product, expected_version=expected_version)
    except ProtectedError as exc:
        raise ValidationError(
            {"product": f"{product.name} is on opportunity or quote lines: mark it inactive instead of deleting it."}
        ) from exc


# --- Price lists ---------------------------------------------------------------------------


def _dates(data: dict[str, Any], current: PriceList | None = None) -> None:
    start = data.get("valid_from", current.valid_from if current else None)
    end = data.get("valid_until", current.valid_until if current else None)
    if start is not None and end is not None and end < start:
        raise ValidationError({"valid_until": "The end date is before the start date."})


@transaction.atomic
def price_list_create(*, actor: SystemActor, data: dict[str, Any]) -> PriceList:
    _require_create(actor, PriceList)
    data = _clean(data, PRICE_LIST_FIELDS)
    _dates(data)
    return model_create(actor=actor, model=PriceList, data=data)


@transaction.atomic
def price_list_update(
    *, actor: SystemActor, price_list: PriceList, data: dict[str, Any], expected_version: int | None = None
) -> PriceList:
    _require_change(actor, price_list)
    data = _clean(data, PRICE_LIST_FIELDS)
    _dates(data, price_list)
    return model_update(actor=actor, instance=price_list, data=data, expected_version=expected_version)


@transaction.atomic
def price_list_delete(*, actor: SystemActor, price_list: PriceList, expected_version: int | None = None) -> None:
    """Delete a price list and its items; accounts on it fall back to list prices."""
    _require_delete(actor, price_list)
    model_delete(actor=actor, instance=price_list, expected_version=expected_version)


@transaction.atomic
def price_list_item_create(*, actor: SystemActor, price_list: PriceList, data: dict[str, Any]) -> PriceListItem:
    _require_change(actor, price_list)
    data = _clean(data, PRICE_LIST_ITEM_FIELDS)
    product = data.get("product")
    if product is not None and PriceListItem.objects.filter(price_list=price_list, product=product).exists():
        raise ValidationError({"product": f"{product.name} already has a price in {price_list.name}: change that one."})
    return model_create(actor=actor, model=PriceListItem, data={"price_list": price_list, **data})


@transaction.atomic
def price_list_item_update(
    *, actor: SystemActor, item: PriceListItem, data: dict[str, Any], expected_version: int | None = None
) -> PriceListItem:
    _require_change(actor, item)
    data = _clean(data, ("unit_price",))
    return model_update(actor=actor, instance=item, data=data, expected_version=expected_version)


@transaction.atomic
def price_list_item_delete(*, actor: SystemActor, item: PriceListItem, expected_version: int | None = None) -> None:
    _require_delete(actor, item)
    model_delete(actor=actor, instance=item, expected_version=expected_version)


# --- Rate cards ----------------------------------------------------------------------------


def _take_default(actor: SystemActor, keep: RateCard | None) -> None:
    """Only one default card: take the mark off the others (audited)."""
    others = RateCard.objects.select_for_update().filter(is_default=True)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    for other in others:
        model_update(actor=actor, instance=other, data={"is_default": False})


@transaction.atomic
def rate_card_create(*, actor: SystemActor, data: dict[str, Any]) -> RateCard:
    _require_create(actor, RateCard)
    data = _clean(data, RATE_CARD_FIELDS)
    if data.get("is_default"):
        _take_default(actor, None)
    return model_create(actor=actor, model=RateCard, data=data)


@transaction.atomic
def rate_card_update(
    *, actor: SystemActor, rate_card: RateCard, data: dict[str, Any], expected_version: int | None = None
) -> RateCard:
    _require_change(actor, rate_card)
    data = _clean(data, RATE_CARD_FIELDS)
    if data.get("is_default") and not rate_card.is_default:
        _take_default(actor, rate_card)
    return model_update(actor=actor, instance=rate_card, data=data, expected_version=expected_version)


@transaction.atomic
def rate_card_delete(*, actor: SystemActor, rate_card: RateCard, expected_version: int | None = None) -> None:
    """Delete a card and its lines; accounts on it fall back to the default card."""
    _require_delete(actor, rate_card)
    model_delete(actor=actor, instance=rate_card, expected_version=expected_version)


def _line_data(data: dict[str, Any], rate_card: RateCard, current: RateCardLine | None = None) -> dict[str, Any]:
    data = _clean(data, RATE_CARD_LINE_FIELDS)
    person = data.get("person", current.person if current else None)
    role_name = data.get("role_name", current.role_name if current else "")
    if person is not None and role_name:
        raise ValidationError({"role_name": "A line is for a person or for a role, not both."})
    if person is None and not role_name:
        raise ValidationError({"role_name": "Name the role (e.g. Senior consultant) or choose a person."})
    if person is not None and not person.is_active:
        raise ValidationError({"person": f"{person} is not an active user."})
    lines = RateCardLine.objects.filter(rate_card=rate_card)
    if current is not None:
        lines = lines.exclude(pk=current.pk)
    if person is not None and lines.filter(person=person).exists():
        raise ValidationError({"person": f"{person} already has a rate on {rate_card.name}."})
    if person is None and lines.filter(person__isnull=True, role_name__iexact=role_name).exists():
        raise ValidationError({"role_name": f"The role {role_name} already has a rate on {rate_card.name}."})
    return data


@transaction.atomic
def rate_card_line_create(*, actor: SystemActor, rate_card: RateCard, data: dict[str, Any]) -> RateCardLine:
    _require_change(actor, rate_card)
    data = _line_data(data, rate_card)
    return model_create(actor=actor, model=RateCardLine, data={"rate_card": rate_card, **data})


@transaction.atomic
def rate_card_line_update(
    *, actor: SystemActor, line: RateCardLine, data: dict[str, Any], expected_version: int | None = None
) -> RateCardLine:
    _require_change(actor, line)
    data = _line_data(data, line.rate_card, line)
    return model_update(actor=actor, instance=line, data=data, expected_version=expected_version)


@transaction.atomic
def rate_card_line_delete(*, actor: SystemActor, line: RateCardLine, expected_version: int | None = None) -> None:
    _require_delete(actor, line)
    model_delete(actor=actor, instance=line, expected_version=expected_version)


# --- An account's terms and negotiated prices ----------------------------------------------


def _require_account(actor: SystemActor, account: Account) -> None:
    if actor is not None and not may_change_account(actor, account):
        raise PermissionDeniedError(f"You may not change the pricing of {account.name}.")


@transaction.atomic
def account_pricing_update(
    *, actor: SystemActor, account: Account, data: dict[str, Any], expected_version: int | None = None
) -> AccountPricing:
    """Set the account's terms (price list, rate card, account-wide discount, strategy,
    payment terms); the row is created the first time."""
    _require_account(actor, account)
    data = _clean(data, ACCOUNT_PRICING_FIELDS)
    current = AccountPricing.objects.select_for_update().filter(account=account).first()
    if current is None:
        return model_create(actor=actor, model=AccountPricing, data={"account": account, **data})
    return model_update(actor=actor, instance=current, data=data, expected_version=expected_version)


@transaction.atomic
def account_price_create(*, actor: SystemActor, account: Account, data: dict[str, Any]) -> AccountPrice:
    _require_account(actor, account)
    data = _clean(data, ACCOUNT_PRICE_FIELDS)
    data.setdefault("currency", account.currency)
    # No discount given is "no negotiated discount" (the account-wide one applies), not 0 %.
    data.setdefault("discount_percent", None)
    data.setdefault("unit_price", None)
    _price_or_discount(data)
    product = data.get("product")
    if product is not None and AccountPrice.objects.filter(account=account, product=product).exists():
        raise ValidationError({"product": f"{account.name} already has a negotiated price for {product.name}: change that one."})
    return model_create(actor=actor, model=AccountPrice, data={"account": account, **data})


def _price_or_discount(data: dict[str, Any], current: AccountPrice | None = None) -> None:
    price = data.get("unit_price", current.unit_price if current else None)
    discount = data.get("discount_percent", current.discount_percent if current else None)
    if price is None and discount is None:
        raise ValidationError({"unit_price": "Give a negotiated unit price, a discount, or both."})


@transaction.atomic
def account_price_update(
    *, actor: Actor, account_price: AccountPrice, data: dict[str, Any], expected_version: int | None = None
) -> AccountPrice:
    require_change(actor, account_price)
    data = _clean(data, tuple(name for name in ACCOUNT_PRICE_FIELDS if name != "product"))
    _price_or_discount(data, account_price)
    return model_update(actor=actor, instance=account_price, data=data, expected_version=expected_version)


@transaction.atomic
def account_price_delete(*, actor: Actor, account_price: AccountPrice, expected_version: int | None = None) -> None:
    require_delete(actor, account_price)
    model_delete(actor=actor, instance=account_price, expected_version=expected_version)
