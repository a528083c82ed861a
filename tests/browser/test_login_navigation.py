"""Each demo role logs in through the login page, sees its sidebar, opens the people
list and logs out from the user menu, in a real Chromium; on a phone the sidebar is a
drawer opened by a button; at 1,280 px nothing in the top bar wraps."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.core.roles import Role
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The sidebar each role sees, in order (registered by each app's navigation.py).
# Written out rather than computed from the registry so that a change to who sees what
# is a deliberate edit here too. Later capabilities add their entries to both.
# Delivery's time and capacity entries, between "My tasks" and "People", by who records,
# approves and plans time.
RECORDS = ["Projects", "My tasks", "Timesheet", "People", "Teams"]
PLANS = ["Projects", "My tasks", "Timesheet", "Time approvals", "Capacity", "People", "Teams"]
READS = ["Projects", "My tasks", "Capacity", "People", "Teams"]
CLIENT_DESK = ["Accounts", "Contacts", "Interactions", "Inquiries", "Follow-ups", "Needs attention"]
SALES_DESK = ["Pipeline", "Opportunities", "Quotes", "Contracts", "Forecast", "Revenue", "Budgets", "Profitability", "Expenses", "Catalog"]
SALES_SETTINGS = ["Exchange rates", "Price lists", "Rate cards"]
# Governance: the portfolio of status reports for those who plan or read projects; meetings,
# one's RACI rows and the risk list for everyone. Settings: the outbound set-up (admins; chat
# channels for project managers too).
GOVERNS = ["Status reports", "Meetings", "My responsibilities", "Risks"]
TAKES_PART = ["Meetings", "My responsibilities", "Risks"]
OUTBOUND_SETTINGS = ["Webhooks", "Chat channels", "Delivery failures"]
EXPECTED_NAVIGATION = {
    Role.ADMIN: ["Home", *CLIENT_DESK, "Imports", *SALES_DESK, *PLANS, *GOVERNS, "Working calendar", "Service levels",
                 "Sign-in activity", "Pipeline stages", *SALES_SETTINGS, *OUTBOUND_SETTINGS, "Admin"],
    Role.EXECUTIVE: ["Home", *CLIENT_DESK, *SALES_DESK, *READS, *GOVERNS, "Working calendar", "Service levels",
                     *SALES_SETTINGS],
    Role.ACCOUNT_MANAGER: ["Home", *CLIENT_DESK, "Imports", *SALES_DESK, *RECORDS, *TAKES_PART, "Working calendar",
                           "Service levels", *SALES_SETTINGS],
    Role.PROJECT_MANAGER: ["Home", "Inquiries", "Follow-ups", "Catalog", *PLANS, *GOVERNS, "Working calendar",
                           "Chat channels"],
    Role.MEMBER: ["Home", "Inquiries", "Follow-ups", "Catalog", *RECORDS, *TAKES_PART, "Working calendar"],
}


def test_every_role_has_a_navigation_expectation() -> None:
    assert set(EXPECTED_NAVIGATION) == set(Role.values)


@pytest.mark.parametrize("role", list(Role.values))
def test_role_logs_in_sees_navigation_opens_people_and_logs_out(
    page: Page, demo_data: dict[str, str], role: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, demo_data[role])

    expect(page).to_have_url(re.compile(r"/$"))
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.locator(".sidebar-link")).to_have_text(EXPECTED_NAVIGATION[role])
    expect(navigation.get_by_role("link", name="Home", exact=True)).to_have_attribute("aria-current", "page")

    # One line at 1,280 px: the top bar keeps its height and the user's name its line.
    assert page.locator(".app-topbar").evaluate("e => e.getBoundingClientRect().height") <= 57
    name = page.get_by_test_id("current-user")
    assert name.evaluate("e => e.getClientRects().length") == 1

    people_url = reverse("people:user_list")
    navigation.get_by_role("link", name="People", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(people_url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    expect(page.get_by_role("cell", name=demo_data[Role.MEMBER], exact=True)).to_be_visible()
    expect(navigation.get_by_role("link", name="People", exact=True)).to_have_attribute("aria-current", "page")

    page.locator("#user-menu-button").click()
    menu = page.locator(".user-menu .dropdown-menu")
    expect(menu.locator(".dropdown-item")).to_have_text(["Profile", "API tokens", "Change password", "Calendar feeds", "Log out"])
    menu.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("login"))))
    page.goto(people_url)
    expect(page).to_have_url(re.compile(re.escape(f"{reverse('login')}?next={people_url}") + "$"))


def test_phone_opens_the_sidebar_as_a_drawer(page: Page, demo_data: dict[str, str]) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo_data[Role.ACCOUNT_MANAGER])
    drawer = page.locator("#sidebar")
    expect(drawer).to_be_hidden()
    page.get_by_role("button", name="Open the navigation").click()
    dialog = page.get_by_role("dialog", name="Navigation")
    expect(dialog).to_be_visible()
    dialog.get_by_role("link", name="Accounts", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("clients:account_list"))))
    expect(drawer).to_be_hidden()
    expect(drawer.locator('[aria-current="page"]')).to_have_text("Accounts")
    page.get_by_role("button", name="Open the navigation").click()
    expect(dialog).to_be_visible()
    expect(drawer).to_have_class(re.compile(r"(^| )show( |$)"))  # opened, not still sliding in
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()


def test_user_menu_profile_is_the_users_own_page(page: Page, demo_data: dict[str, str]) -> None:
    log_in(page, demo_data[Role.MEMBER])
    page.locator("#user-menu-button").click()
    page.get_by_role("link", name="Profile").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(page.get_by_test_id("current-user").inner_text())


def test_wrong_password_stays_on_login_page_with_one_message(
    page: Page, demo_data: dict[str, str]
) -> None:
    log_in(page, demo_data[Role.MEMBER], password="not-the-password")

    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_text("E-mail or password is not correct")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_text(["Tandem"])
