"""The contract pages in Chromium at 1,280 and 390 px: no serious or critical axe
violation, no sideways scroll on a phone; recording a proposal and accepting it moves
the contract's value; milestones added and edited in place; the project request page and
list (screenshots in ``TANDEM_SCREENSHOTS`` when set)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tandem.clients.models import Account
from tandem.commercial import services
from tandem.commercial.models import Contract
from tandem.core.demo import DEMO_LOGINS
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import BLOCKING_IMPACTS, RUN_AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _account_manager_login() -> tuple[str, object]:
    from tandem.people.models import User

    email = next(login.email for login in DEMO_LOGINS if login.role == "account_manager")
    return email, User.objects.get(email=email)


def _check(page: Page, url: str, axe_source: str, name: str) -> None:
    shots = os.environ.get("TANDEM_SCREENSHOTS")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.evaluate(axe_source)
        violations = page.evaluate(RUN_AXE, list(BLOCKING_IMPACTS))
        assert violations == [], (url, width, violations)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (url, width, overflow)
        if shots:
            page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"), full_page=True)


def test_contract_pages_in_the_browser(page: Page, axe_source: str) -> None:
    email, manager = _account_manager_login()
    account = Account.objects.filter(owner=manager).order_by("id").first()
    assert account is not None
    contract = services.contract_create(
        actor=manager, account=account,
        data={"title": "Managed analytics", "start_date": dt.date.today(), "end_date": dt.date.today() + dt.timedelta(days=60),
              "value": Decimal("0")},
    )
    services.negotiation_round_create(actor=manager, contract=contract, data={"value": Decimal("24000"), "monthly_amount": Decimal("2000")})
    log_in(page, email)
    detail = reverse("commercial:contract_detail", kwargs={"contract_id": contract.pk})
    _check(page, reverse("commercial:contract_list"), axe_source, "contract-list")
    _check(page, detail, axe_source, "contract-detail")
    _check(page, reverse("commercial:contract_create") + f"?account={account.pk}", axe_source, "contract-new")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(detail)
    page.get_by_label("Answer").select_option("accepted")
    page.get_by_role("button", name="Record the answer").click()
    page.wait_for_load_state()
    assert Contract.objects.get(pk=contract.pk).value == Decimal("24000.00")
    assert page.get_by_text("The answer has been recorded.").is_visible()


def test_milestones_in_place_and_the_project_request_pages(page: Page, axe_source: str) -> None:
    email, manager = _account_manager_login()
    account = Account.objects.filter(owner=manager).order_by("id").first()
    assert account is not None
    won = services.opportunity_create(
        actor=manager, account=account,
        data={"name": "Warehouse analytics rollout", "amount": Decimal("36000"), "expected_close_date": dt.date.today()},
    )
    services.opportunity_mark_won(actor=manager, opportunity=won, closed_on=dt.date.today())
    result = services.opportunity_convert(actor=manager, opportunity=won)
    assert result.contract is not None and result.project_request is not None
    log_in(page, email)
    detail = reverse("commercial:contract_detail", kwargs={"contract_id": result.contract.pk})
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(detail)
    section = page.get_by_test_id("milestones-section")
    section.get_by_text("Add a milestone").click()
    section.get_by_label("Milestone").fill("Go-live")
    section.get_by_label("Due").fill("2031-06-30")
    section.get_by_label("Amount").fill("12000")
    section.get_by_role("button", name="Add the milestone").click()
    page.get_by_test_id("milestone").filter(has_text="Go-live").wait_for()
    page.get_by_test_id("milestone-edit").first.click()
    row = page.get_by_test_id("milestone-edit-row")
    row.get_by_label("Amount").fill("12500")
    row.get_by_role("button", name="Save the milestone").click()
    page.get_by_text("Billed 0.00 of 12,500.00").wait_for()
    milestone = result.contract.milestones.get()
    assert (milestone.name, milestone.amount, milestone.version) == ("Go-live", Decimal("12500.00"), 2)
    _check(page, detail, axe_source, "contract-milestones")
    request_url = reverse("commercial:project_request_detail", kwargs={"project_request_id": result.project_request.pk})
    _check(page, request_url, axe_source, "project-request")
    _check(page, reverse("commercial:project_request_list"), axe_source, "project-request-list")
