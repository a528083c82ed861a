"""The forecast, revenue and budget pages in Chromium: the Chart.js chart draws (served
from node_modules, no CSP refusal), its table is one click away, the view switch works,
no sideways scroll at 390 px, and axe finds no serious or critical violation."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from tandem.clients import services as clients_services
from tandem.clients.models import Account
from tandem.commercial import services
from tandem.commercial.currency import base_currency
from tandem.commercial.models import Stage
from tandem.core.roles import Role
from tandem.core.services import model_create
from tandem.people.models import User
from tests.browser.conftest import log_in
from tests.browser.test_account_page import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("TANDEM_SCREENSHOT_DIR", "")


def _book(manager: User) -> Account:
    from tandem.commercial.models import Contract

    # An account of its own: the demo's deals and contracts are in the forecast too.
    account = clients_services.account_create(actor=None, data={"name": "Browser Forecast Ltd", "owner": manager}, lifecycle="active")
    base = base_currency()
    today = timezone.localdate()
    model_create(actor=None, model=Contract, data={
        "account": account, "number": "C-BROWSER-1", "title": "Browser retainer", "status": "active",
        "monthly_amount": Decimal("2500.00"), "currency": base, "start_date": today.replace(day=1),
        "end_date": None, "owner": manager,
    })
    stage = Stage.objects.filter(outcome="open").order_by("order").first()
    services.opportunity_create(
        actor=manager, account=account, stage=stage,
        data={"name": "Browser upsell", "amount": Decimal("12000"), "currency": base,
              "expected_close_date": today + dt.timedelta(days=40), "probability": 50, "forecast_category": "commit"},
    )
    services.revenue_entry_create(actor=manager, account=account, data={"month": today, "amount": Decimal("900"), "currency": base})
    if not account.budgets.filter(year=today.year).exists():
        services.budget_create(actor=manager, account=account, data={"year": today.year, "amount": Decimal("60000"), "currency": base})
    return account


def _axe_clean(page: Page, axe_source: str, where: str) -> None:
    violations = axe_violations(page, axe_source)
    assert violations == [], f"{where}: {violations}"


def _no_sideways_scroll(page: Page) -> None:
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1"
        ").slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), f"{page.url}: {wide}"


def test_forecast_chart_table_and_views(page: Page, demo_data: dict[str, str], axe_source: str) -> None:
    manager = User.objects.get(email=demo_data[Role.ACCOUNT_MANAGER])
    account = _book(manager)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    _ = ConsoleMessage
    log_in(page, demo_data[Role.ACCOUNT_MANAGER])
    page.goto("/sales/forecast/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Revenue forecast")
    assert page.evaluate("typeof window.Chart") == "function", problems
    assert page.get_by_test_id("rate-error").count() == 0, page.get_by_test_id("rate-error").inner_text()
    page.wait_for_load_state("load")
    assert page.locator("#forecast-data").count() == 1, problems
    assert page.evaluate("!!window.Chart.getChart(document.getElementById('forecast-chart'))"), problems
    _axe_clean(page, axe_source, page.url)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/forecast-1280.png", full_page=True)
    # A breakdown loads when it is opened.
    assert page.get_by_test_id("by-owner").count() == 0
    page.get_by_text("By account manager", exact=True).click()
    expect(page.get_by_test_id("by-owner")).to_be_visible()
    expect(page.get_by_test_id("by-owner")).to_contain_text(manager.full_name or manager.email)
    _axe_clean(page, axe_source, page.url + " (by account manager open)")
    # The account filter searches the accounts as you type.
    combo = page.get_by_role("combobox", name="Account", exact=True)
    combo.click()
    combo.fill("Browser Fore")
    page.get_by_role("option", name="Browser Forecast Ltd").click()
    _axe_clean(page, axe_source, page.url + " (account chosen)")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revenue forecast for Browser Forecast Ltd")
    assert f"account={account.pk}" in page.url
    page.goto(f"/sales/forecast/?account={account.pk}")
    page.get_by_role("tab", name="Table").click()
    table = page.get_by_test_id("forecast-table")
    expect(table).to_be_visible()
    expect(table).to_contain_text("2,500.00")
    _axe_clean(page, axe_source, page.url)
    page.get_by_role("link", name="Best case").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Best case")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/sales/forecast/")
    _no_sideways_scroll(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/forecast-390.png", full_page=True)
    for url in ("/sales/revenue/", "/sales/budgets/", f"/sales/accounts/{account.pk}/budgets/", "/sales/revenue/new/"):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(url)
        _axe_clean(page, axe_source, url)
        name = url.strip("/").replace("/", "-")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{name}-1280.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(url)
        _no_sideways_scroll(page)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{name}-390.png", full_page=True)
    assert problems == []
