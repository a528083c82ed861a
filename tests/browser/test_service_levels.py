"""The service levels page in a real Chromium: an administrator changes an SLA target
in place (HTMX swaps the cell for a form and back, no page load) and a cadence without
JavaScript's help being needed; axe-core finds no serious or critical violation on the
page, with a cell's form open, nor on the contact move page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tandem.clients.models import Account, Contact, SlaRule
from tandem.core.roles import Role
from tests.browser.conftest import log_in
from tests.browser.test_account_page import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_changes_an_sla_target_in_place(page: Page, demo_data: dict[str, str], axe_source: str) -> None:
    rule = SlaRule.objects.get(tier="key", priority="high")
    log_in(page, demo_data[Role.ADMIN])
    page.goto("/clients/settings/service-levels/")
    assert axe_violations(page, axe_source) == []
    page.evaluate("window.__sameDocument = true")
    cell = page.locator(f"#sla-rule-{rule.pk}")
    cell.get_by_role("link", name="Edit").click()
    field = page.get_by_label("Business hours to first response")
    expect(field).to_have_value("8.00")
    assert axe_violations(page, axe_source) == []
    field.fill("6")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(f"#sla-rule-{rule.pk} [data-testid=rule-value]")).to_have_text("6 h")
    expect(page.locator(f"#sla-rule-{rule.pk}")).to_contain_text("Saved")
    assert page.evaluate("window.__sameDocument") is True  # swapped in place, no page load
    rule.refresh_from_db()
    assert (rule.response_hours, rule.version) == (Decimal("6.00"), 2)


def test_contact_move_page_is_accessible(page: Page, demo_data: dict[str, str], axe_source: str) -> None:
    contact = Contact.objects.filter(account__owner__email=demo_data[Role.ACCOUNT_MANAGER]).order_by("pk").first()
    assert contact is not None
    log_in(page, demo_data[Role.ACCOUNT_MANAGER])
    page.goto(f"/clients/contacts/{contact.pk}/")
    page.get_by_role("link", name="Move to another account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("to another account")
    assert page.get_by_test_id("move-candidate").count() >= 1
    assert axe_violations(page, axe_source) == []
    target = Account.objects.get(name=page.get_by_test_id("move-candidate").first.locator("label").inner_text().split(" · ")[0])
    page.get_by_test_id("move-candidate").first.locator("input").check()
    page.get_by_role("button", name=f"Move {contact.full_name}").click()
    expect(page.locator("body")).to_contain_text(f"has moved from {contact.account.name} to {target.name}")
    contact.refresh_from_db()
    assert contact.account_id == target.pk
