""""My day" in a real Chromium: each demo role logs in, and every number on its home
page's cards leads to a list whose total is that number."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.core.roles import Role
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTIFICATIONS_PER_PAGE = 50  # the notification list's page size (TANDEM_PAGE_SIZE)


def shown_total(page: Page, href: str) -> str:
    """The total the list at ``href`` shows, as written ("12", "1,000+"): the toolbar's
    number, "0" on the empty state; the notification list has no toolbar, so its rows
    are counted page by page."""
    if href.startswith(reverse("core:notifications")):
        rows = 0
        for number in range(1, 40):
            page.goto(f"{href}&page={number}")
            on_page = page.get_by_test_id("notification").count()
            rows += on_page
            if on_page < NOTIFICATIONS_PER_PAGE:
                break
        return f"{rows:,}"
    page.goto(href)
    total = page.get_by_test_id("list-total")
    if total.count() == 0:
        expect(page.get_by_test_id("empty-state")).to_be_visible()
        return "0"
    return total.inner_text().split(" ")[0]


@pytest.mark.parametrize("role", list(Role.values))
def test_every_card_number_equals_the_list_it_links_to(page: Page, demo_data: dict[str, str], role: str) -> None:
    log_in(page, demo_data[role])
    expect(page.get_by_role("heading", level=1)).to_contain_text(",")
    numbers = page.get_by_test_id("card-number")
    found = [
        (link.get_attribute("href") or "", link.inner_text().split("\n")[0].split(" ")[0].strip())
        for link in numbers.all()
    ]
    if role in (Role.ACCOUNT_MANAGER, Role.EXECUTIVE, Role.ADMIN):
        assert len(found) >= 5, found  # their book (or the organisation's) always shows
    for href, number in found:
        assert href.startswith("/"), href
        assert shown_total(page, href) == number, f"{role}: {href}"
    if not found:
        expect(page.get_by_test_id("home-empty")).to_be_visible()
