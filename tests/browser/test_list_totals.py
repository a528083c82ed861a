"""A list's totals beyond the count cap in a real Chromium: the revenue list offers
"Work out the totals", and the button swaps the exact total in place (HTMX) without
leaving the page; the block has no accessibility violation at 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tandem.commercial.currency import base_currency
from tandem.commercial.selectors.revenue import revenue_list, revenue_total
from tandem.commercial.views.common import money
from tandem.core import pagination
from tandem.core.roles import Role
from tandem.people.models import User
from tests.browser.conftest import log_in
from tests.browser.test_account_page import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_work_out_the_totals_in_place(
    page: Page, demo_data: dict[str, str], axe_source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    executive = User.objects.get(email=demo_data[Role.EXECUTIVE])
    rows = revenue_list(actor=executive)
    assert rows.count() > 3
    base = base_currency()
    expected = money(revenue_total(rows, base=base), base)
    monkeypatch.setattr(pagination, "PAGE_COUNT_CAP", 3)  # the live server runs in this process
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, executive.email)
    page.goto("/sales/revenue/")
    expect(page.get_by_test_id("list-total")).to_have_text("3+ revenue entries")
    expect(page.get_by_test_id("totals-deferred")).to_contain_text(
        "Totals of more than 3 revenue entries are worked out when you ask."
    )
    expect(page.get_by_test_id("revenue-total")).to_have_count(0)
    assert axe_violations(page, axe_source) == []
    page.get_by_role("link", name="Work out the totals").click()
    expect(page.get_by_test_id("revenue-total")).to_contain_text(
        f"Total of these entries: {expected}"
    )
    expect(page.get_by_test_id("totals-deferred")).to_have_count(0)
    assert page.url.endswith("/sales/revenue/")  # swapped in place: the page's address is unchanged
    expect(page.get_by_test_id("list-row").first).to_be_visible()
