"""The pipeline board in a real Chromium: a card dragged to another column moves the
opportunity (a versioned POST), the keyboard "Move to" select does the same, the page
passes axe, a long column scrolls inside the board on a wide screen, and at 390 px the
board stacks its columns without sideways scroll."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from tandem.clients import services as client_services
from tandem.commercial import services
from tandem.commercial.currency import base_currency
from tandem.commercial.models import Opportunity, Stage
from tandem.core.roles import Role
from tandem.people.models import User
from tests.browser.conftest import TIMEOUT_MS, log_in
from tests.browser.test_account_page import axe_violations
from tests.commercial.factories import seed_stages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _deal(manager: User, name: str) -> Opportunity:
    seed_stages()
    account = client_services.account_create(actor=manager, data={"name": f"{name} Ltd", "tier": "key"})
    return services.opportunity_create(
        actor=manager, account=account,
        data={"name": name, "amount": Decimal("12000.00"), "currency": base_currency(), "expected_close_date": dt.date(2031, 3, 31)},
    )


def test_drag_a_card_to_another_stage(page: Page, demo_data: dict[str, str], axe_source: str) -> None:
    manager = User.objects.get(email=demo_data[Role.ACCOUNT_MANAGER])
    opportunity = _deal(manager, "Zz Board Browser Deal")
    proposal = Stage.objects.get(name="Proposal")
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"uncaught {error}"))
    log_in(page, manager.email)
    page.goto(f"/sales/pipeline/?owner=me&q={opportunity.name}")
    card = page.locator(f"#opportunity-card-{opportunity.pk}")
    expect(card).to_be_visible()
    assert axe_violations(page, axe_source) == []

    target = page.locator(f".pipeline-column[data-stage-id='{proposal.pk}'] .pipeline-cards")
    card.drag_to(target)
    moved = page.locator(f".pipeline-column[data-stage-id='{proposal.pk}'] #opportunity-card-{opportunity.pk}")
    expect(moved).to_be_visible(timeout=TIMEOUT_MS)
    opportunity.refresh_from_db()
    assert (opportunity.stage_id, opportunity.probability, opportunity.version) == (proposal.pk, proposal.probability, 2)

    # The keyboard way: the card's "Move to" select and its button.
    negotiation = Stage.objects.get(name="Negotiation")
    page.get_by_label(f"Move {opportunity.name} to").select_option(str(negotiation.pk))
    page.get_by_role("button", name=f"Move {opportunity.name}").click()
    expect(page.locator(f".pipeline-column[data-stage-id='{negotiation.pk}'] #opportunity-card-{opportunity.pk}")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    opportunity.refresh_from_db()
    assert (opportunity.stage_id, opportunity.version) == (negotiation.pk, 3)
    assert problems == []


def test_the_board_fits_a_phone(browser: Browser, live_server: object, demo_data: dict[str, str]) -> None:
    manager = User.objects.get(email=demo_data[Role.ACCOUNT_MANAGER])
    _deal(manager, "Zz Phone Deal")
    context = browser.new_context(base_url=str(live_server), locale="en-GB", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        log_in(page, manager.email)
        for url in ("/sales/pipeline/", "/sales/opportunities/"):
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    finally:
        context.close()


def test_a_long_column_scrolls_inside_the_board(page: Page, demo_data: dict[str, str]) -> None:
    """On a wide screen each column's cards scroll inside the column: a stage with many
    deals keeps the board within about a window's height, its head and totals in sight."""
    manager = User.objects.get(email=demo_data[Role.ACCOUNT_MANAGER])
    for number in range(16):
        _deal(manager, f"Zz Long Column {number:02d}")
    qualification = Stage.objects.get(name="Qualification")
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, manager.email)
    page.goto("/sales/pipeline/?owner=me&q=Zz Long Column")
    cards = page.locator(f".pipeline-column[data-stage-id='{qualification.pk}'] .pipeline-card")
    expect(cards).to_have_count(16)
    column = page.locator(f".pipeline-column[data-stage-id='{qualification.pk}'] .pipeline-cards")
    assert column.evaluate("list => list.scrollHeight > list.clientHeight + 100")
    assert page.evaluate("document.documentElement.scrollHeight") < 2 * 800
    cards.last.scroll_into_view_if_needed()
    expect(cards.last).to_be_in_viewport()
