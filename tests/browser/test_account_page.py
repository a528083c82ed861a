"""The account manager's daily move, in a real Chromium: open an account, log an
interaction from the account page in two clicks, and see it at the top of the timeline
without a full page reload; axe-core finds no serious or critical violation on the
account page, with and without the inline form open."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tandem.clients import services
from tandem.core.roles import Role
from tandem.people.models import User
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import BLOCKING_IMPACTS, RUN_AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The account page's own content: the layout around it (top bar, navigation) is checked
# on every page by the walk in test_accessibility.py.
RUN_AXE_ON_MAIN = RUN_AXE.replace("axe.run(document,", 'axe.run("#main",')


def axe_violations(page: Page, axe_source: str) -> list[dict[str, object]]:
    page.evaluate(axe_source)
    return list(page.evaluate(RUN_AXE_ON_MAIN, list(BLOCKING_IMPACTS)))


def test_log_interaction_from_the_account_page(page: Page, demo_data: dict[str, str], axe_source: str) -> None:
    manager = User.objects.get(email=demo_data[Role.ACCOUNT_MANAGER])
    account = services.account_create(
        actor=manager, data={"name": "Zephyr Browser Test Ltd", "tier": "key", "industry": "Aviation"},
        lifecycle="active", lifecycle_at=timezone.now() - dt.timedelta(days=40),
    )
    services.contact_create(actor=manager, account=account, data={"first_name": "Dana", "last_name": "Decider"})
    services.interaction_create(
        actor=manager, account=account, data={"kind": "email", "subject": "Earlier e-mail",
                                              "occurred_at": timezone.now() - dt.timedelta(days=35)},
    )
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"{message.text} {message.location.get('url')}") if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"uncaught {error}"))

    log_in(page, manager.email)
    page.goto(f"/clients/accounts/{account.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zephyr Browser Test Ltd")
    expect(page.get_by_test_id("overdue")).to_be_visible()  # 35 days since contact, key tier: 30
    assert axe_violations(page, axe_source) == []
    page.evaluate("window.tandemNoReload = true")  # gone if the page reloads

    # Click 1: the form appears in place, the first field focused.
    page.get_by_role("link", name="Log interaction").click()
    form = page.locator("#interaction-form")
    expect(form).to_be_visible()
    expect(page.locator("#interaction_kind")).to_be_focused()
    form.get_by_label("Kind").select_option("video")
    form.get_by_label("Subject").fill("Kick-off video call")
    form.get_by_label("Summary").fill("Agreed the plan for the pilot.")
    form.get_by_label("Meeting link").fill("https://meet.example/zephyr")
    # tom-select: type part of the name, pick the option.
    participants = form.get_by_role("combobox", name="Client participants")
    participants.fill("Dan")
    page.get_by_role("listbox", name="Client participants").get_by_role("option", name="Dana Decider").click()
    assert axe_violations(page, axe_source) == []

    # Click 2: saved, the timeline refreshed in place with the new entry at the top.
    form.get_by_role("button", name="Save interaction").click()
    expect(page.locator("#account-status")).to_have_text("Logged “Kick-off video call”.")
    entries = page.locator("#timeline [data-testid=timeline-entry]")
    expect(entries.first.get_by_role("heading")).to_have_text("Video call: Kick-off video call")
    expect(entries.first).to_contain_text("with Dana Decider")
    expect(entries.first.get_by_role("link", name="Meeting link")).to_have_attribute("href", "https://meet.example/zephyr")
    expect(entries.nth(1).get_by_role("heading")).to_have_text("E-mail: Earlier e-mail")
    expect(page.locator("#interaction-form")).to_have_count(0)
    expect(page.get_by_test_id("last-contact")).to_have_text(re.compile(r"^\s*Today\s+· check-in every 30 days\s*$"))
    expect(page.get_by_test_id("overdue")).to_have_count(0)
    assert page.evaluate("window.tandemNoReload") is True
    assert axe_violations(page, axe_source) == []
    # The browser asks for /favicon.ico by itself; the layout does not name one (yet).
    assert [problem for problem in problems if not problem.endswith("/favicon.ico")] == []


def test_validation_errors_appear_next_to_the_field_without_reload(page: Page, demo_data: dict[str, str]) -> None:
    manager = User.objects.get(email=demo_data[Role.ACCOUNT_MANAGER])
    account = services.account_create(actor=manager, data={"name": "Zephyr Errors Ltd"}, lifecycle="active")
    log_in(page, manager.email)
    page.goto(f"/clients/accounts/{account.pk}/")
    page.evaluate("window.tandemNoReload = true")
    page.get_by_role("link", name="Log interaction").click()
    form = page.locator("#interaction-form")
    form.get_by_role("button", name="Save interaction").click()
    expect(page.locator("#interaction_subject_error")).to_have_text("This field is required.")
    expect(page.locator("#interaction_subject")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#interaction_subject")).to_be_focused()
    assert page.evaluate("window.tandemNoReload") is True
    assert not account.interactions.exists()
