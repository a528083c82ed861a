"""Quotes in a real Chromium: an account manager marks a quote sent, records the client's
acceptance, and the quote page shows its opportunity won; the printable page prints on
A4 without the app around it; axe-core finds no serious or critical violation on the
quote page and the printable page, and neither scrolls sideways at 390 px."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tandem.clients import services as clients
from tandem.commercial import services
from tandem.commercial.models import Opportunity, Quote
from tandem.core.roles import Role
from tandem.people.models import User
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import BLOCKING_IMPACTS, RUN_AXE
from tests.browser.test_account_page import axe_violations
from tests.commercial.factories import make_product, seed_stages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _quote(manager: User) -> Quote:
    seed_stages()
    account = clients.account_create(
        actor=manager, data={"name": "Quotable Browser Ltd", "tier": "key", "currency": "EUR"}, lifecycle="active"
    )
    opportunity = services.opportunity_create(
        actor=manager, account=account,
        data={"name": "Browser rollout", "expected_close_date": dt.date.today() + dt.timedelta(days=20)},
    )
    product = make_product(name="Onboarding days", unit="day", list_price=Decimal("900.00"))
    services.opportunity_line_create(
        actor=manager, opportunity=opportunity,
        data={"product": product, "quantity": Decimal("4"), "unit_price": Decimal("900.00"), "discount_percent": Decimal("5")},
    )
    return services.quote_create(
        actor=manager, opportunity=Opportunity.objects.get(pk=opportunity.pk),
        valid_until=dt.date.today() + dt.timedelta(days=30), terms="Payment within 30 days of invoice.",
    )


def _no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_accepting_a_quote_wins_the_opportunity(page: Page, demo_data: dict[str, str], axe_source: str) -> None:
    manager = User.objects.get(email=demo_data[Role.ACCOUNT_MANAGER])
    quote = _quote(manager)
    log_in(page, manager.email)
    page.goto(f"/sales/quotes/{quote.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(quote.number)
    expect(page.get_by_test_id("quote-total")).to_have_text("EUR 3,420.00")
    expect(page.get_by_test_id("opportunity-status")).to_have_text("Open")
    assert axe_violations(page, axe_source) == []

    page.get_by_role("button", name="Mark sent").click()
    expect(page.get_by_test_id("quote-status")).to_have_text("Sent")
    page.get_by_label("Accepted by").fill("Dana Decider")
    page.get_by_role("button", name="Mark accepted").click()

    expect(page.get_by_test_id("quote-status")).to_have_text("Accepted")
    expect(page.get_by_test_id("opportunity-status")).to_have_text("Won")
    expect(page.get_by_test_id("accepted-note")).to_contain_text("Accepted by Dana Decider")
    opportunity = Opportunity.objects.get(pk=quote.opportunity_id)
    assert (opportunity.status, opportunity.stage.name) == ("won", "Closed won")
    assert axe_violations(page, axe_source) == []

    page.set_viewport_size({"width": 390, "height": 844})
    assert _no_sideways_scroll(page)


def test_printable_quote_prints_without_the_app(page: Page, demo_data: dict[str, str], axe_source: str) -> None:
    manager = User.objects.get(email=demo_data[Role.ACCOUNT_MANAGER])
    quote = _quote(manager)
    log_in(page, manager.email)
    page.goto(f"/sales/quotes/{quote.pk}/")
    page.get_by_test_id("print-quote").click()
    expect(page.get_by_test_id("print-number")).to_have_text(quote.number)
    expect(page.get_by_test_id("print-total")).to_have_text("EUR 3,420.00")
    assert page.locator(".app-sidebar, .app-topbar").count() == 0
    page.evaluate(axe_source)
    assert list(page.evaluate(RUN_AXE, list(BLOCKING_IMPACTS))) == []
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 390, "height": 844})
    assert _no_sideways_scroll(page)


def test_quote_list_and_forms_are_accessible(page: Page, demo_data: dict[str, str], axe_source: str) -> None:
    manager = User.objects.get(email=demo_data[Role.ACCOUNT_MANAGER])
    quote = _quote(manager)
    log_in(page, manager.email)
    for url in ("/sales/quotes/", f"/sales/opportunities/{quote.opportunity_id}/quotes/new/", f"/sales/quotes/{quote.pk}/revise/"):
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(url)
        assert axe_violations(page, axe_source) == [], url
        page.set_viewport_size({"width": 390, "height": 844})
        assert _no_sideways_scroll(page), url
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/sales/quotes/{quote.pk}/revise/")
    page.get_by_label("Terms").fill("Payment within 45 days.")
    page.get_by_role("button", name="Create revision 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{quote.number} rev. 2")
    expect(page.get_by_text("Payment within 45 days.", exact=True)).to_be_visible()


def test_opportunity_page_with_lines_fits_a_phone(page: Page, demo_data: dict[str, str]) -> None:
    """The lines table scrolls inside its card; the screen-reader texts of its row
    actions (absolutely positioned) stay inside it instead of widening the page."""
    manager = User.objects.get(email=demo_data[Role.ACCOUNT_MANAGER])
    quote = _quote(manager)
    log_in(page, manager.email)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/sales/opportunities/{quote.opportunity_id}/")
    expect(page.get_by_role("cell", name="Onboarding days").first).to_be_visible()
    assert page.locator(".table-responsive .visually-hidden").count() > 0
    assert _no_sideways_scroll(page)
