"""``/products``, ``/price-lists`` (+ items), ``/rate-cards`` (+ lines), ``/exchange-rates``
and an account's pricing: ``/accounts/{account_id}/pricing`` (terms),
``/accounts/{account_id}/prices`` (negotiated prices) and
``/accounts/{account_id}/prices/{product_id}`` (the price that applies, with its rule).

Everyone signed in reads the catalog, rate cards and rates; administrators change them.
An account's terms and prices follow the account. A product's ``unit_cost`` is in the
answer only for those who may see costs (else the key is absent)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Status

from tandem.clients.api.references import REFERENCE_FIELDS, user_reference
from tandem.clients.schemas import VersionQuery
from tandem.clients.selectors import account_get
from tandem.commercial import pricing, services
from tandem.commercial.currency import base_currency
from tandem.commercial.policies import may_see_costs
from tandem.commercial.schemas.catalog import (
    AccountPriceCreateIn,
    AccountPriceOut,
    AccountPricePage,
    AccountPriceUpdateIn,
    AccountPricingIn,
    AccountPricingOut,
    AppliedPriceOut,
    AppliedPriceQuery,
    ExchangeRateCreateIn,
    ExchangeRateListQuery,
    ExchangeRateOut,
    ExchangeRatePage,
    ExchangeRateUpdateIn,
    PriceListCreateIn,
    PriceListItemCreateIn,
    PriceListItemOut,
    PriceListItemUpdateIn,
    PriceListOut,
    PriceListPage,
    PriceListUpdateIn,
    ProductCreateIn,
    ProductListQuery,
    ProductOut,
    ProductPage,
    ProductUpdateIn,
    RateCardCreateIn,
    RateCardLineCreateIn,
    RateCardLineOut,
    RateCardLineUpdateIn,
    RateCardOut,
    RateCardPage,
    RateCardUpdateIn,
    account_price_out,
    account_pricing_out,
    applied_price_out,
    exchange_rate_out,
    price_list_item_out,
    price_list_out,
    product_out,
    rate_card_line_out,
    rate_card_out,
)
from tandem.commercial.selectors import catalog as selectors
from tandem.core.api import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    UPDATE_ERRORS,
    PageParams,
    current_user,
    error_responses,
    paginate,
    renamed_fields,
    resolve_reference,
)

router = Router(tags=["catalog"])
FIELDS = {**REFERENCE_FIELDS, "product": "product_id", "price_list": "price_list_id", "rate_card": "rate_card_id", "person": "user_id"}


def _product_ref(actor: Any, product_id: int) -> Any:
    return resolve_reference("product_id", lambda: selectors.product_get(actor=actor, product_id=product_id))


# --- Products ----------------------------------------------------------------------------------


@router.get("/products", response={200: ProductPage, **error_responses(LIST_ERRORS)}, exclude_unset=True)
def list_products(request: HttpRequest, filters: Query[ProductListQuery]) -> dict[str, Any]:
    """Products and services, active ones unless ``include_inactive``."""
    actor = current_user(request)
    queryset = selectors.product_list(actor=actor, filters=selectors.ProductFilters(
        search=filters.search, category=filters.category, recurrence=filters.recurrence or "",
        pricing_strategy=filters.pricing_strategy or "", include_inactive=filters.include_inactive, sort=filters.sort,
    ))
    products, meta = paginate(queryset, filters)
    show_cost = may_see_costs(actor)
    return {**meta, "items": [product_out(product, show_cost=show_cost) for product in products]}


@router.post("/products", response={201: ProductOut, **error_responses(CREATE_ERRORS)}, exclude_unset=True)
def create_product(request: HttpRequest, payload: ProductCreateIn) -> Status[dict[str, Any]]:
    actor = current_user(request)
    data = payload.model_dump()
    if data["unit_cost"] is None:
        del data["unit_cost"]
    product = services.product_create(actor=actor, data=data)
    return Status(201, product_out(product, show_cost=may_see_costs(actor)))


@router.get("/products/{product_id}", response={200: ProductOut, **error_responses(DETAIL_ERRORS)}, exclude_unset=True)
def get_product(request: HttpRequest, product_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    actor = current_user(request)
    return product_out(selectors.product_get(actor=actor, product_id=product_id), show_cost=may_see_costs(actor))


@router.patch("/products/{product_id}", response={200: ProductOut, **error_responses(UPDATE_ERRORS)}, exclude_unset=True)
def update_product(request: HttpRequest, payload: ProductUpdateIn, product_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    actor = current_user(request)
    product = selectors.product_get(actor=actor, product_id=product_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    product = services.product_update(actor=actor, product=product, data=changes, expected_version=version)
    return product_out(product, show_cost=may_see_costs(actor))


@router.delete("/products/{product_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_product(request: HttpRequest, query: Query[VersionQuery], product_id: int = Path(..., ge=1, le=MAX_ID)) -> Status[None]:
    """Delete a product that is on no opportunity or quote line (else 422: deactivate it)."""
    actor = current_user(request)
    product = selectors.product_get(actor=actor, product_id=product_id)
    services.product_delete(actor=actor, product=product, expected_version=query.version)
    return Status(204, None)


# --- Price lists -------------------------------------------------------------------------------


@router.get("/price-lists", response={200: PriceListPage, **error_responses(LIST_ERRORS)})
def list_price_lists(request: HttpRequest, filters: Query[PageParams]) -> dict[str, Any]:
    price_lists, meta = paginate(selectors.price_list_list(actor=current_user(request)), filters)
    return {**meta, "items": [price_list_out(row) for row in price_lists]}


@router.post("/price-lists", response={201: PriceListOut, **error_responses(CREATE_ERRORS)})
def create_price_list(request: HttpRequest, payload: PriceListCreateIn) -> Status[dict[str, Any]]:
    price_list = services.price_list_create(actor=current_user(request), data=payload.model_dump())
    return Status(201, price_list_out(price_list, items=[]))


@router.get("/price-lists/{price_list_id}", response={200: PriceListOut, **error_responses(DETAIL_ERRORS)})
def get_price_list(request: HttpRequest, price_list_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """A price list with its items (the product and its unit price in the list's currency)."""
    actor = current_user(request)
    price_list = selectors.price_list_get(actor=actor, price_list_id=price_list_id)
    return price_list_out(price_list, items=list(selectors.price_list_items(actor=actor, price_list=price_list)))


@router.patch("/price-lists/{price_list_id}", response={200: PriceListOut, **error_responses(UPDATE_ERRORS)})
def update_price_list(request: HttpRequest, payload: PriceListUpdateIn, price_list_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    actor = current_user(request)
    price_list = selectors.price_list_get(actor=actor, price_list_id=price_list_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    price_list = services.price_list_update(actor=actor, price_list=price_list, data=changes, expected_version=version)
    return price_list_out(price_list, items=list(selectors.price_list_items(actor=actor, price_list=price_list)))


@router.delete("/price-lists/{price_list_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_price_list(request: HttpRequest, query: Query[VersionQuery], price_list_id: int = Path(..., ge=1, le=MAX_ID)) -> Status[None]:
    actor = current_user(request)
    price_list = selectors.price_list_get(actor=actor, price_list_id=price_list_id)
    services.price_list_delete(actor=actor, price_list=price_list, expected_version=query.version)
    return Status(204, None)


@router.post("/price-lists/{price_list_id}/items", response={201: PriceListItemOut, **error_responses(UPDATE_ERRORS)})  # 404: the path's object
def create_price_list_item(request: HttpRequest, payload: PriceListItemCreateIn, price_list_id: int = Path(..., ge=1, le=MAX_ID)) -> Status[dict[str, Any]]:
    """Price a product in this list (one item per product)."""
    actor = current_user(request)
    price_list = selectors.price_list_get(actor=actor, price_list_id=price_list_id)
    product = _product_ref(actor, payload.product_id)
    with renamed_fields(FIELDS):
        item = services.price_list_item_create(
            actor=actor, price_list=price_list, data={"product": product, "unit_price": payload.unit_price}
        )
    return Status(201, price_list_item_out(item))


@router.patch("/price-list-items/{price_list_item_id}", response={200: PriceListItemOut, **error_responses(UPDATE_ERRORS)})
def update_price_list_item(request: HttpRequest, payload: PriceListItemUpdateIn, price_list_item_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    actor = current_user(request)
    item = selectors.price_list_item_get(actor=actor, price_list_item_id=price_list_item_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return price_list_item_out(services.price_list_item_update(actor=actor, item=item, data=changes, expected_version=version))


@router.delete("/price-list-items/{price_list_item_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_price_list_item(request: HttpRequest, query: Query[VersionQuery], price_list_item_id: int = Path(..., ge=1, le=MAX_ID)) -> Status[None]:
    actor = current_user(request)
    item = selectors.price_list_item_get(actor=actor, price_list_item_id=price_list_item_id)
    services.price_list_item_delete(actor=actor, item=item, expected_version=query.version)
    return Status(204, None)


# --- Rate cards --------------------------------------------------------------------------------


@router.get("/rate-cards", response={200: RateCardPage, **error_responses(LIST_ERRORS)})
def list_rate_cards(request: HttpRequest, filters: Query[PageParams]) -> dict[str, Any]:
    cards, meta = paginate(selectors.rate_card_list(actor=current_user(request)), filters)
    return {**meta, "items": [rate_card_out(card) for card in cards]}


@router.post("/rate-cards", response={201: RateCardOut, **error_responses(CREATE_ERRORS)})
def create_rate_card(request: HttpRequest, payload: RateCardCreateIn) -> Status[dict[str, Any]]:
    card = services.rate_card_create(actor=current_user(request), data=payload.model_dump())
    return Status(201, rate_card_out(card, lines=[]))


@router.get("/rate-cards/{rate_card_id}", response={200: RateCardOut, **error_responses(DETAIL_ERRORS)})
def get_rate_card(request: HttpRequest, rate_card_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """A rate card with its lines (hourly rates by role or person)."""
    actor = current_user(request)
    card = selectors.rate_card_get(actor=actor, rate_card_id=rate_card_id)
    return rate_card_out(card, lines=list(selectors.rate_card_lines(actor=actor, rate_card=card)), actor=actor)


@router.patch("/rate-cards/{rate_card_id}", response={200: RateCardOut, **error_responses(UPDATE_ERRORS)})
def update_rate_card(request: HttpRequest, payload: RateCardUpdateIn, rate_card_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """Change a card; ``is_default: true`` takes the mark off the previous default."""
    actor = current_user(request)
    card = selectors.rate_card_get(actor=actor, rate_card_id=rate_card_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    card = services.rate_card_update(actor=actor, rate_card=card, data=changes, expected_version=version)
    return rate_card_out(card, lines=list(selectors.rate_card_lines(actor=actor, rate_card=card)), actor=actor)


@router.delete("/rate-cards/{rate_card_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_rate_card(request: HttpRequest, query: Query[VersionQuery], rate_card_id: int = Path(..., ge=1, le=MAX_ID)) -> Status[None]:
    actor = current_user(request)
    card = selectors.rate_card_get(actor=actor, rate_card_id=rate_card_id)
    services.rate_card_delete(actor=actor, rate_card=card, expected_version=query.version)
    return Status(204, None)


@router.post("/rate-cards/{rate_card_id}/lines", response={201: RateCardLineOut, **error_responses(UPDATE_ERRORS)})  # 404: the path's object
def create_rate_card_line(request: HttpRequest, payload: RateCardLineCreateIn, rate_card_id: int = Path(..., ge=1, le=MAX_ID)) -> Status[dict[str, Any]]:
    """An hourly rate for a role (``role_name``) or a person (``user_id``)."""
    actor = current_user(request)
    card = selectors.rate_card_get(actor=actor, rate_card_id=rate_card_id)
    person = user_reference("user_id", actor, payload.user_id)
    data = {"role_name": payload.role_name, "person": person, "hourly_rate": payload.hourly_rate}
    with renamed_fields(FIELDS):
        line = services.rate_card_line_create(actor=actor, rate_card=card, data=data)
    return Status(201, rate_card_line_out(line, actor=actor))


@router.patch("/rate-card-lines/{rate_card_line_id}", response={200: RateCardLineOut, **error_responses(UPDATE_ERRORS)})
def update_rate_card_line(request: HttpRequest, payload: RateCardLineUpdateIn, rate_card_line_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    actor = current_user(request)
    line = selectors.rate_card_line_get(actor=actor, rate_card_line_id=rate_card_line_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    with renamed_fields(FIELDS):
        line = services.rate_card_line_update(actor=actor, line=line, data=changes, expected_version=version)
    return rate_card_line_out(line, actor=actor)


@router.delete("/rate-card-lines/{rate_card_line_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_rate_card_line(request: HttpRequest, query: Query[VersionQuery], rate_card_line_id: int = Path(..., ge=1, le=MAX_ID)) -> Status[None]:
    actor = current_user(request)
    line = selectors.rate_card_line_get(actor=actor, rate_card_line_id=rate_card_line_id)
    services.rate_card_line_delete(actor=actor, line=line, expected_version=query.version)
    return Status(204, None)


# --- Exchange rates ----------------------------------------------------------------------------


@router.get("/exchange-rates", response={200: ExchangeRatePage, **error_responses(LIST_ERRORS)})
def list_exchange_rates(request: HttpRequest, filters: Query[ExchangeRateListQuery]) -> dict[str, Any]:
    """Rates by currency, newest first; ``base_currency`` is what they convert to."""
    rates, meta = paginate(selectors.exchange_rate_list(actor=current_user(request), currency=filters.currency or ""), filters)
    return {**meta, "base_currency": base_currency(), "items": [exchange_rate_out(rate) for rate in rates]}


@router.post("/exchange-rates", response={201: ExchangeRateOut, **error_responses(CREATE_ERRORS)})
def create_exchange_rate(request: HttpRequest, payload: ExchangeRateCreateIn) -> Status[dict[str, Any]]:
    rate = services.exchange_rate_create(actor=current_user(request), data=payload.model_dump())
    return Status(201, exchange_rate_out(rate))


@router.get("/exchange-rates/{exchange_rate_id}", response={200: ExchangeRateOut, **error_responses(DETAIL_ERRORS)})
def get_exchange_rate(request: HttpRequest, exchange_rate_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    return exchange_rate_out(selectors.exchange_rate_get(actor=current_user(request), exchange_rate_id=exchange_rate_id))


@router.patch("/exchange-rates/{exchange_rate_id}", response={200: ExchangeRateOut, **error_responses(UPDATE_ERRORS)})
def update_exchange_rate(request: HttpRequest, payload: ExchangeRateUpdateIn, exchange_rate_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    actor = current_user(request)
    rate = selectors.exchange_rate_get(actor=actor, exchange_rate_id=exchange_rate_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return exchange_rate_out(services.exchange_rate_update(actor=actor, exchange_rate=rate, data=changes, expected_version=version))


@router.delete("/exchange-rates/{exchange_rate_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_exchange_rate(request: HttpRequest, query: Query[VersionQuery], exchange_rate_id: int = Path(..., ge=1, le=MAX_ID)) -> Status[None]:
    actor = current_user(request)
    rate = selectors.exchange_rate_get(actor=actor, exchange_rate_id=exchange_rate_id)
    services.exchange_rate_delete(actor=actor, exchange_rate=rate, expected_version=query.version)
    return Status(204, None)


# --- An account's pricing ----------------------------------------------------------------------


@router.get("/accounts/{account_id}/pricing", response={200: AccountPricingOut, **error_responses(DETAIL_ERRORS)})
def get_account_pricing(request: HttpRequest, account_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """The account's terms (the defaults, ``version`` null, until first set)."""
    actor = current_user(request)
    account = account_get(actor=actor, account_id=account_id)
    return account_pricing_out(account, selectors.account_pricing_get(actor=actor, account=account))


@router.patch("/accounts/{account_id}/pricing", response={200: AccountPricingOut, **error_responses(UPDATE_ERRORS)})
def update_account_pricing(request: HttpRequest, payload: AccountPricingIn, account_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """Set the account's price list, rate card, account-wide discount, pricing strategy,
    payment terms (created the first time; ``version`` checked when sent)."""
    actor = current_user(request)
    account = account_get(actor=actor, account_id=account_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    if "price_list_id" in changes:
        wanted = changes.pop("price_list_id")
        changes["price_list"] = None if wanted is None else resolve_reference(
            "price_list_id", lambda: selectors.price_list_get(actor=actor, price_list_id=wanted))
    if "rate_card_id" in changes:
        wanted_card = changes.pop("rate_card_id")
        changes["rate_card"] = None if wanted_card is None else resolve_reference(
            "rate_card_id", lambda: selectors.rate_card_get(actor=actor, rate_card_id=wanted_card))
    with renamed_fields(FIELDS):
        terms = services.account_pricing_update(actor=actor, account=account, data=changes, expected_version=version)
    return account_pricing_out(account, selectors.account_pricing_get(actor=actor, account=terms.account))


@router.get("/accounts/{account_id}/prices", response={200: AccountPricePage, **error_responses(DETAIL_ERRORS)})
def list_account_prices(request: HttpRequest, filters: Query[PageParams], account_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """The prices and discounts negotiated with the account, by product."""
    actor = current_user(request)
    account = account_get(actor=actor, account_id=account_id)
    prices, meta = paginate(selectors.account_price_list(actor=actor, account=account).select_related("account"), filters)
    return {**meta, "items": [account_price_out(price) for price in prices]}


@router.post("/accounts/{account_id}/prices", response={201: AccountPriceOut, **error_responses(UPDATE_ERRORS)})  # 404: the path's object
def create_account_price(request: HttpRequest, payload: AccountPriceCreateIn, account_id: int = Path(..., ge=1, le=MAX_ID)) -> Status[dict[str, Any]]:
    actor = current_user(request)
    account = account_get(actor=actor, account_id=account_id)
    data = payload.model_dump(exclude={"product_id"})
    data["product"] = _product_ref(actor, payload.product_id)
    if data["currency"] is None:
        del data["currency"]
    with renamed_fields(FIELDS):
        price = services.account_price_create(actor=actor, account=account, data=data)
    return Status(201, account_price_out(price))


@router.get("/accounts/{account_id}/prices/{product_id}", response={200: AppliedPriceOut, **error_responses(DETAIL_ERRORS)})
def get_applied_price(
    request: HttpRequest, query: Query[AppliedPriceQuery],
    account_id: int = Path(..., ge=1, le=MAX_ID), product_id: int = Path(..., ge=1, le=MAX_ID),
) -> dict[str, Any]:
    """The price of the product for the account on ``on`` (default today): its
    negotiated price, else its price list's, else the list price; then its discount;
    ``rule`` says which applied."""
    actor = current_user(request)
    account = account_get(actor=actor, account_id=account_id)
    product = selectors.product_get(actor=actor, product_id=product_id)
    on = query.on or timezone.localdate()
    return applied_price_out(account, product, pricing.price_for(account=account, product=product, on=on), on)


@router.patch("/account-prices/{account_price_id}", response={200: AccountPriceOut, **error_responses(UPDATE_ERRORS)})
def update_account_price(request: HttpRequest, payload: AccountPriceUpdateIn, account_price_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    actor = current_user(request)
    price = selectors.account_price_get(actor=actor, account_price_id=account_price_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return account_price_out(services.account_price_update(actor=actor, account_price=price, data=changes, expected_version=version))


@router.delete("/account-prices/{account_price_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_account_price(request: HttpRequest, query: Query[VersionQuery], account_price_id: int = Path(..., ge=1, le=MAX_ID)) -> Status[None]:
    actor = current_user(request)
    price = selectors.account_price_get(actor=actor, account_price_id=account_price_id)
    services.account_price_delete(actor=actor, account_price=price, expected_version=query.version)
    return Status(204, None)
