"""The Budget tab in Chromium at 1,280 and 390 px: the burn chart drawn (Chart.js under
the CSP), its table one click away, an expense recorded with a PNG receipt through the
form and its receipt opened; no serious or critical axe violation, no sideways scroll on
a phone; a member sees no actual cost (screenshots in ``TANDEM_SCREENSHOTS`` when set)."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.core.services import model_create
from tandem.delivery import services
from tandem.delivery.models import Baseline, BaselineTask, Project, ProjectExpense, TimeEntry
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import BLOCKING_IMPACTS, RUN_AXE
from tests.browser.test_delivery_pages import _login
from tests.delivery.test_budget_expenses import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _project(manager, member) -> Project:
    today = dt.date.today()
    start = today - dt.timedelta(days=7 * 8)
    project = services.project_create(actor=manager, data={
        "code": "BUD-1", "name": "Intranet migration", "manager": manager, "start_date": start,
        "due_date": today + dt.timedelta(days=7 * 6), "budget": Decimal("120000"), "currency": "EUR"})
    services.project_member_add(actor=manager, project=project, user=member, role="Developer")
    baseline = model_create(actor=None, model=Baseline, data={"project": project, "name": "Signed off"})
    moment = dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC)
    for index, (name, weeks, percent) in enumerate((("Discovery", 3, 100), ("Build", 6, 60), ("Migration", 3, 0),
                                                    ("Training", 2, 0))):
        task = services.task_create(actor=manager, project=project, data={
            "name": name, "work_minutes": weeks * 2400, "duration_minutes": weeks * 2400, "percent_complete": percent})
        finish = moment + dt.timedelta(weeks=weeks)
        BaselineTask.objects.create(baseline=baseline, task=task, start=moment, finish=finish,
                                    work_minutes=task.work_minutes, duration_minutes=task.duration_minutes)
        moment = finish if index != 1 else moment
    for week in range(8):
        TimeEntry.objects.create(project=project, user=member, date=start + dt.timedelta(days=7 * week + 1),
                                 hours=Decimal("20"), status="approved", cost_rate=Decimal("450"), cost_currency="EUR")
    for week, (label, amount) in enumerate((("Workshop travel", "1840.00"), ("Test licences", "2400.00"))):
        model_create(actor=manager, model=ProjectExpense, data={
            "project": project, "date": start + dt.timedelta(days=10 + 14 * week), "description": label,
            "category": "Travel" if week == 0 else "Software", "amount": Decimal(amount), "spent_by": member})
    return project


def _check(page: Page, url: str, axe_source: str, name: str) -> None:
    shots = os.environ.get("TANDEM_SCREENSHOTS")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('burn-chart'))")
        page.evaluate(axe_source)
        violations = page.evaluate(RUN_AXE, list(BLOCKING_IMPACTS))
        if violations:
            pytest.fail(f"{url} at {width} px: {json.dumps(violations, indent=1)}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (url, width, overflow)
        if shots:
            page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"), full_page=True)


def test_the_budget_tab_in_the_browser(page: Page, axe_source: str, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    pm_email, manager = _login("project_manager")
    member_email, member = _login("member")
    project = _project(manager, member)
    url = reverse("delivery:project_budget", kwargs={"project_id": project.pk})
    log_in(page, pm_email)
    _check(page, url, axe_source, "delivery-budget")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    expect(page.get_by_test_id("fact-spent")).to_contain_text("76,240.00 EUR")
    datasets = page.evaluate("() => Chart.getChart(document.getElementById('burn-chart')).data.datasets.map(d => d.label)")
    assert datasets == ["Budget (BAC)", "Planned value (PV)", "Actual cost (AC)"]
    page.get_by_role("tab", name="Table").click()
    expect(page.get_by_test_id("burn-table")).to_be_visible()
    # Record an expense with a receipt, through the form.
    page.get_by_label("What for").fill("Hotel for the cut-over")
    page.get_by_label("Amount").fill("310.50")
    page.get_by_label("Receipt").set_input_files({"name": "hotel.png", "mimeType": "image/png", "buffer": PNG})
    page.get_by_role("button", name="Add the expense").click()
    row = page.get_by_test_id("expense-row").filter(has_text="Hotel for the cut-over")
    expect(row).to_contain_text("310.50 EUR")
    with page.expect_response(lambda response: "/receipt/" in response.url) as receipt:
        page.evaluate("url => fetch(url)", row.get_by_test_id("receipt-link").get_attribute("href"))
    assert receipt.value.status == 200 and receipt.value.headers["content-type"] == "image/png"
    # A member: no actual cost, no form.
    page.context.clear_cookies()
    log_in(page, member_email)
    _check(page, url, axe_source, "delivery-budget-member")
    expect(page.get_by_test_id("costs-hidden")).to_be_visible()
    assert page.get_by_test_id("fact-spent").count() == 0
    assert page.get_by_test_id("expense-form").count() == 0
