"""Each demo role logs in through the login page, sees its navigation, opens the people
list and logs out, in a real Chromium."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.core.roles import Role
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The main navigation each role sees, in order (tandem/core/context_processors.py).
# Written out rather than computed from NAVIGATION so that a change to who sees what
# is a deliberate edit here too. Later capabilities add their sections to both.
COMMON_NAVIGATION = ["People", "Teams", "Calendar", "API tokens"]
CLIENT_DESK = ["Accounts", "Contacts", "Interactions", "Inquiries", "Needs attention"]
EXPECTED_NAVIGATION = {
    Role.ADMIN: ["Home", *CLIENT_DESK, "Import", *COMMON_NAVIGATION, "Admin"],
    Role.EXECUTIVE: ["Home", *CLIENT_DESK, *COMMON_NAVIGATION],
    Role.ACCOUNT_MANAGER: ["Home", *CLIENT_DESK, "Import", *COMMON_NAVIGATION],
    Role.PROJECT_MANAGER: ["Home", "Inquiries", *COMMON_NAVIGATION],
    Role.MEMBER: ["Home", "Inquiries", *COMMON_NAVIGATION],
}


def test_every_role_has_a_navigation_expectation() -> None:
    assert set(EXPECTED_NAVIGATION) == set(Role.values)


@pytest.mark.parametrize("role", list(Role.values))
def test_role_logs_in_sees_navigation_opens_people_and_logs_out(
    page: Page, demo_data: dict[str, str], role: str
) -> None:
    log_in(page, demo_data[role])

    expect(page).to_have_url(re.compile(r"/$"))
    navigation = page.get_by_role("navigation", name="Main")
    links = navigation.locator("#main-nav .navbar-nav").get_by_role("link")
    expect(links).to_have_text(EXPECTED_NAVIGATION[role])

    people_url = reverse("people:user_list")
    navigation.get_by_role("link", name="People", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(people_url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    expect(page.get_by_role("cell", name=demo_data[Role.MEMBER], exact=True)).to_be_visible()

    navigation.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("login"))))
    page.goto(people_url)
    expect(page).to_have_url(re.compile(re.escape(f"{reverse('login')}?next={people_url}") + "$"))


def test_wrong_password_stays_on_login_page_with_one_message(
    page: Page, demo_data: dict[str, str]
) -> None:
    log_in(page, demo_data[Role.MEMBER], password="not-the-password")

    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_text("E-mail or password is not correct")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_text(["Tandem"])
