"""List pages in a real Chromium: a saved view is created in place and reopened; the
bulk bar appears when rows are selected and reassigns their owner; at 390 px the
account list folds its filters and has no sideways scroll."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tandem.clients import services
from tandem.clients.models import Account
from tandem.core.models import SavedView
from tandem.core.roles import Role
from tandem.people.models import User
from tests.browser.conftest import TIMEOUT_MS, log_in
from tests.browser.test_account_page import axe_violations
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def manager_of(demo_data: dict[str, str]) -> User:
    return User.objects.select_related("person").get(email=demo_data[Role.ACCOUNT_MANAGER])


def test_save_a_view_and_reopen_it(page: Page, demo_data: dict[str, str], axe_source: str) -> None:
    manager = manager_of(demo_data)
    for name, tier in (("Aaa Key Browser Ltd", "key"), ("Aaa Standard Browser Ltd", "standard")):
        services.account_create(actor=manager, data={"name": name, "tier": tier})
    log_in(page, manager.email)
    page.goto("/clients/accounts/")
    tabs = page.get_by_test_id("view-tab")
    expect(tabs.first).to_have_text("My accounts")
    expect(tabs.first).to_have_attribute("aria-current", "page")
    page.get_by_label("Tier").select_option("key")  # HTMX swaps the results, the URL follows
    expect(page).to_have_url(re.compile(r"tier=key"))
    page.get_by_test_id("save-view").locator("summary").click()
    page.get_by_label("Name").fill("My key accounts")
    page.get_by_label("My team").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("save-view-done")).to_have_text("View “My key accounts” saved.")
    saved = SavedView.objects.get()
    assert (saved.name, saved.visibility, saved.query) == ("My key accounts", "team", f"owner={manager.pk}&tier=key")
    assert axe_violations(page, axe_source) == []

    page.goto("/clients/accounts/?view=all")
    page.get_by_test_id("view-tab").filter(has_text="My key accounts").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("view-tab").filter(has_text="My key accounts")).to_have_attribute("aria-current", "page")
    expect(page.get_by_label("Tier")).to_have_value("key")
    names = page.get_by_test_id("list-row").locator("td:nth-child(2) a").all_inner_texts()
    assert "Aaa Key Browser Ltd" in names and "Aaa Standard Browser Ltd" not in names


def test_bulk_reassign_selected_accounts(page: Page, demo_data: dict[str, str]) -> None:
    manager = manager_of(demo_data)
    mate = make_user(role=Role.ACCOUNT_MANAGER, full_name="Aaron Aardvark", team=manager.person.team)
    made = [
        services.account_create(actor=manager, data={"name": f"Aaa Bulk {number}", "owner": manager})
        for number in range(3)
    ]
    log_in(page, manager.email)
    page.goto("/clients/accounts/?q=Aaa+Bulk")
    bar = page.get_by_test_id("bulk-bar")
    expect(bar).to_be_hidden()  # nothing selected yet
    page.get_by_label("Select Aaa Bulk 0").check()
    page.get_by_label("Select Aaa Bulk 2").check()
    expect(bar).to_be_visible()
    expect(bar.locator("[data-bulk-count]")).to_have_text("2 selected")
    bar.get_by_label("New account manager").select_option(label="Aaron Aardvark")
    bar.get_by_role("button", name="Reassign owner").click()
    page.wait_for_load_state()
    expect(page.get_by_text("2 accounts reassigned to Aaron Aardvark.")).to_be_visible()
    owners = dict(Account.objects.filter(pk__in=[a.pk for a in made]).values_list("name", "owner_id"))
    assert owners == {"Aaa Bulk 0": mate.pk, "Aaa Bulk 1": manager.pk, "Aaa Bulk 2": mate.pk}


def test_phone_width_folds_filters_without_sideways_scroll(browser: Browser, live_server: object, demo_data: dict[str, str]) -> None:
    manager = manager_of(demo_data)
    context = browser.new_context(base_url=str(live_server), locale="en-GB", viewport={"width": 390, "height": 844})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        log_in(page, manager.email)
        for url in ("/clients/accounts/", "/clients/accounts/?view=all"):
            page.goto(url)
            expect(page.get_by_test_id("list-row").first).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        expect(page.get_by_label("Tier")).to_be_hidden()
        page.get_by_test_id("filters-toggle").click()
        expect(page.get_by_label("Tier")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # Stacked rows: the last-contact column is left out on phones.
        expect(page.get_by_test_id("list-row").first.locator("td").nth(5)).to_be_hidden()
    finally:
        context.close()


def test_sort_then_filter_keeps_the_sort(page: Page, demo_data: dict[str, str]) -> None:
    manager = manager_of(demo_data)
    log_in(page, manager.email)
    page.goto("/clients/accounts/?view=all")
    page.get_by_role("link", name=re.compile(r"^Name")).click()  # name, descending
    expect(page).to_have_url(re.compile(r"sort=-name"))
    page.get_by_label("Tier").select_option("key")
    expect(page).to_have_url(re.compile(r"tier=key"))
    expect(page).to_have_url(re.compile(r"sort=-name"))
