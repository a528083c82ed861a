"""The catalog, pricing and exchange-rate pages in Chromium: axe-core finds no serious or
critical violation, at 1,280 and at 390 px, and no page scrolls sideways on a phone."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page

from tandem.clients.models import Account
from tandem.commercial import services
from tandem.core.roles import Role
from tests.browser.conftest import log_in
from tests.browser.test_account_page import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _catalog() -> dict[str, Any]:
    product = services.product_create(actor=None, data={
        "name": "Advisory day with a rather long name for narrow screens", "code": "ADV-D", "category": "Consulting",
        "list_price": Decimal("1200.00"), "unit_cost": Decimal("700.00"),
    })
    price_list = services.price_list_create(actor=None, data={"name": "Public sector 2031", "currency": "EUR"})
    services.price_list_item_create(actor=None, price_list=price_list, data={"product": product, "unit_price": Decimal("1000")})
    card = services.rate_card_create(actor=None, data={"name": "Browser test rates"})  # the demo has the default card
    services.rate_card_line_create(actor=None, rate_card=card, data={"role_name": "Senior consultant", "hourly_rate": Decimal("150")})
    services.exchange_rate_create(actor=None, data={"date": dt.date(2031, 1, 1), "currency": "USD", "rate": Decimal("0.9215")})
    return {"product": product, "price_list": price_list, "rate_card": card}


def test_catalog_pages_are_accessible_and_fit_a_phone(page: Page, demo_data: dict[str, str], axe_source: str) -> None:
    ids = _catalog()
    account = Account.objects.filter(owner__email=demo_data[Role.ACCOUNT_MANAGER]).order_by("pk").first()
    assert account is not None
    product = ids["product"].pk
    services.account_pricing_update(actor=None, account=account, data={"price_list": ids["price_list"], "discount_percent": Decimal("5")})
    services.account_price_create(actor=None, account=account, data={"product": ids["product"], "unit_price": Decimal("980")})
    urls = [
        "/sales/catalog/", "/sales/catalog/new/", f"/sales/catalog/{product}/",
        "/sales/settings/price-lists/", f"/sales/settings/price-lists/{ids['price_list'].pk}/",
        "/sales/settings/rate-cards/", f"/sales/settings/rate-cards/{ids['rate_card'].pk}/",
        "/sales/settings/exchange-rates/", f"/sales/accounts/{account.pk}/pricing/",
    ]
    log_in(page, demo_data[Role.ADMIN])
    problems: list[str] = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            for violation in axe_violations(page, axe_source):
                problems.append(f"{width}px {url}: {violation}")
            if os.environ.get("TANDEM_SCREENSHOT_DIR"):  # to look at the pages (UI.md, "Checks")
                name = url.strip("/").replace("/", "_") or "root"
                page.screenshot(path=f"{os.environ['TANDEM_SCREENSHOT_DIR']}/{width}-{name}.png", full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                problems.append(f"{width}px {url}: scrolls sideways by {overflow}px")
    assert problems == []
