"""Schemathesis over the catalog part of the OpenAPI schema (products, price lists, rate
cards, exchange rates, an account's pricing and prices; see tests/api_schema.py): no
server errors, every answer as documented, schema-invalid input refused (QUALITY R1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tandem.commercial import services
from tandem.core.roles import Role
from tests.api_schema import fuzz_token, schema_conformance_test
from tests.clients.factories import make_account
from tests.factories import make_user

CATALOG_PATHS = r"^/api/v1/(products|price-lists|price-list-items|rate-cards|rate-card-lines|exchange-rates|account-prices|accounts/\{account_id\}/(pricing|prices))"
# The ids of the rows built for the current test, read when a case is made.
REAL_IDS: dict[str, int] = {}


@pytest.fixture
def fuzz_world(db, settings) -> dict[str, Any]:
    _, secret = fuzz_token(settings)
    manager = make_user(role=Role.ACCOUNT_MANAGER, email="fuzz-am@example.test")
    account = make_account(owner=manager, name="Fuzz Ltd")
    product = services.product_create(actor=None, data={"name": "Fuzz day", "list_price": Decimal("100")})
    price_list = services.price_list_create(actor=None, data={"name": "Fuzz list"})
    item = services.price_list_item_create(actor=None, price_list=price_list, data={"product": product, "unit_price": Decimal("90")})
    card = services.rate_card_create(actor=None, data={"name": "Fuzz card", "is_default": True})
    line = services.rate_card_line_create(actor=None, rate_card=card, data={"role_name": "Consultant", "hourly_rate": Decimal("100")})
    rate = services.exchange_rate_create(actor=None, data={"date": dt.date(2031, 1, 1), "currency": "USD", "rate": Decimal("0.9")})
    price = services.account_price_create(actor=None, account=account, data={"product": product, "discount_percent": Decimal("5")})
    REAL_IDS.clear()
    REAL_IDS.update({
        "account_id": account.pk, "product_id": product.pk, "price_list_id": price_list.pk,
        "price_list_item_id": item.pk, "rate_card_id": card.pk, "rate_card_line_id": line.pk,
        "exchange_rate_id": rate.pk, "account_price_id": price.pk, "user_id": manager.pk,
    })
    return {"token": secret}


test_catalog_api_conforms_to_its_schema = schema_conformance_test(CATALOG_PATHS, REAL_IDS)
