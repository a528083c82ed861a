"""Profitability, expenses and the account page's commercial sections in a real
Chromium, at 1,280 and 390 px: axe finds no serious or critical violation on the page's
content, and nothing scrolls sideways on a phone (UI.md, "Checks")."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tandem.commercial.currency import base_currency
from tandem.core.roles import Role
from tandem.people.models import User
from tests.browser.conftest import log_in
from tests.browser.test_account_page import axe_violations
from tests.clients.factories import make_account
from tests.commercial.factories import (
    make_expense,
    make_line,
    make_opportunity,
    make_product,
    make_revenue,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The test ids of the tables whose frame scrolls sideways (wider content than frame).
TABLES_SCROLLING_SIDEWAYS = """[...document.querySelectorAll('.table-responsive')]
    .filter((frame) => frame.scrollWidth > frame.clientWidth + 1)
    .map((frame) => (frame.querySelector('table') || frame).dataset.testid || frame.className)"""
SHOTS = Path(os.environ.get("TANDEM_SCREENSHOT_DIR", "/tmp/profit-screenshots"))


def test_profit_pages_on_desktop_and_phone(page: Page, demo_data: dict[str, str], axe_source: str) -> None:
    manager = User.objects.get(email=demo_data[Role.ACCOUNT_MANAGER])
    today = timezone.localdate()
    base = base_currency()  # the demo's: no exchange rate is needed
    account = make_account(owner=manager, name="Quasar Profit Test Ltd", industry="Aviation", tier="key", currency=base)
    make_revenue(account=account, month=today.replace(day=1), amount=Decimal("12500.00"), currency=base)
    make_expense(account=account, date=today, amount=Decimal("2300.00"), currency=base, description="Subcontractor, long description of the work")
    training = make_product(name="Flight operations training")
    for number in range(2):
        peer = make_account(owner=manager, name=f"Aviation peer {number}", industry="Aviation", tier="standard")
        make_line(opportunity=make_opportunity(account=peer, stage_name="Closed won", expected_close_date=today - dt.timedelta(days=30)),
                  product=training, description=training.name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, manager.email)
    pages = {
        "account": f"/sales/accounts/{account.pk}/",  # the account's Sales tab
        "account-projects": f"/delivery/accounts/{account.pk}/",  # its Projects tab: cross-sell ideas
        "profitability": f"/sales/profitability/?account={account.pk}",
        "profitability-all": "/sales/profitability/",
        "expenses": "/sales/expenses/",
        "expense-new": f"/sales/accounts/{account.pk}/expenses/new/",
    }
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            assert axe_violations(page, axe_source) == [], (name, width)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
            if width == 390:
                # The tables themselves stack into cards on a phone: none scrolls sideways
                # inside its frame either.
                wide = page.evaluate(TABLES_SCROLLING_SIDEWAYS)
                assert wide == [], f"{name}: tables scroll sideways at 390px: {wide}"
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.goto(pages["account"])
    expect(page.get_by_test_id("revenue-pipeline")).to_contain_text(f"10,200.00 {base}")  # margin this year
    # The demo's key accounts are similar too (same tier) and buy more than these two peers,
    # so the top five ideas are the demo's; the method itself is pinned in
    # tests/commercial/test_cross_sell.py.
    page.goto(pages["account-projects"])
    expect(page.get_by_test_id("cross-sell")).to_contain_text("similar accounts")
