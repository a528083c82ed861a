"""The risk register in Chromium at 1,280 and 390 px: the Risks tab (heat map, exposure
chart drawn under the CSP, its table one click away) and a risk's page pass axe; the
project manager marks a risk occurred with "Turn the contingency plan into tasks"
checked, sees the tasks linked on the risk, and finds them in the project's plan."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.delivery import services
from tandem.governance.services.risks import risk_create
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import BLOCKING_IMPACTS, RUN_AXE
from tests.browser.test_delivery_pages import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page: Page, url: str, axe_source: str, name: str, chart: bool = False) -> None:
    shots = os.environ.get("TANDEM_SCREENSHOTS")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        if chart:
            page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('exposure-chart'))")
        page.evaluate(axe_source)
        violations = page.evaluate(RUN_AXE, list(BLOCKING_IMPACTS))
        if violations:
            pytest.fail(f"{url} at {width} px: {json.dumps(violations, indent=1)}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (url, width, overflow)
        if shots:
            page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"), full_page=True)


def test_occurred_risk_contingency_becomes_tasks_in_the_plan(page: Page, axe_source: str) -> None:
    pm_email, manager = _login("project_manager")
    project = services.project_create(actor=manager, data={
        "code": "RSK-1", "name": "Warehouse roll-out", "manager": manager, "start_date": dt.date.today()})
    risk = risk_create(actor=manager, project=project, data={
        "title": "Scanner supplier misses delivery", "probability": 4, "impact": 4, "owner": manager,
        "trigger": "No shipping notice two weeks before go-live",
        "contingency_plan": "- Rent scanners from the local reseller\n\n- Phase the go-live by site\n"})
    log_in(page, pm_email)
    _check(page, reverse("governance:project_risks", kwargs={"project_id": project.pk}), axe_source,
           "governance-risks", chart=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("tab", name="Table").click()
    expect(page.get_by_test_id("exposure-table")).to_contain_text("16")
    expect(page.get_by_test_id("heat-cell-4-4")).to_have_text("1")
    page.get_by_test_id("heat-cell-4-4").get_by_role("link").click()
    expect(page.get_by_test_id("risk-row")).to_have_count(1)
    page.get_by_role("link", name="Scanner supplier misses delivery").click()
    _check(page, reverse("governance:risk_detail", kwargs={"risk_id": risk.pk}), axe_source, "governance-risk")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_label("Turn the contingency plan into tasks")).to_be_checked()
    page.get_by_role("button", name="Mark occurred").click()
    expect(page.get_by_test_id("risk-status")).to_have_text("Occurred")
    tasks = page.get_by_test_id("contingency-tasks")
    expect(tasks).to_contain_text("Rent scanners from the local reseller")
    expect(tasks).to_contain_text("Phase the go-live by site")
    page.get_by_role("link", name="Contingency: Scanner supplier misses delivery").click()
    expect(page.get_by_text("Contingency: Scanner supplier misses delivery").first).to_be_visible()
    expect(page.get_by_text("Rent scanners from the local reseller").first).to_be_visible()
    expect(page.get_by_text("Phase the go-live by site").first).to_be_visible()


def test_add_form_opens_in_place_and_adds_a_risk(page: Page, axe_source: str) -> None:
    """"Add a risk" fetches its form when opened (HTMX), the form passes axe, and a risk
    added through it opens its page; without the fetch, its link opens the form in place."""
    pm_email, manager = _login("project_manager")
    project = services.project_create(actor=manager, data={
        "code": "RSK-2", "name": "Data migration", "manager": manager, "start_date": dt.date.today()})
    url = reverse("governance:project_risks", kwargs={"project_id": project.pk})
    log_in(page, pm_email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    expect(page.get_by_test_id("risk-form")).to_have_count(0)
    page.get_by_test_id("add-risk-details").locator("summary").click()
    form = page.get_by_test_id("risk-form")
    expect(form).to_be_visible()
    page.evaluate(axe_source)
    violations = page.evaluate(RUN_AXE, list(BLOCKING_IMPACTS))
    assert not violations, json.dumps(violations, indent=1)
    form.get_by_label("Risk").fill("Legacy data has no owner")
    form.get_by_label("Probability").select_option("4")
    form.get_by_label("Impact").select_option("3")
    form.get_by_role("button", name="Add the risk").click()
    expect(page.get_by_test_id("risk-title")).to_have_text("Legacy data has no owner")
    page.goto(url)
    page.get_by_role("link", name="Add a risk").click()
    expect(page.get_by_test_id("risk-form")).to_be_visible()
    expect(page.get_by_test_id("risk-row")).to_have_count(1)


def test_swot_quadrants_in_place_and_a_threat_made_a_risk(page: Page, axe_source: str) -> None:
    from tandem.governance.services.swot import swot_analysis_create

    pm_email, manager = _login("project_manager")
    project = services.project_create(actor=manager, data={
        "code": "SWT-1", "name": "Portal relaunch", "manager": manager, "start_date": dt.date.today()})
    analysis = swot_analysis_create(actor=manager, project=project, data={"title": "Mid-project review"})
    url = reverse("governance:swot_detail", kwargs={"swot_analysis_id": analysis.pk})
    log_in(page, pm_email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    for text in ("Design system reused", "Fast feedback from users"):
        page.get_by_label("New item in Strengths").fill(text)
        page.get_by_test_id("quadrant-strength").get_by_role("button", name="Add").click()
        expect(page.get_by_test_id("quadrant-strength")).to_contain_text(text)
    page.get_by_role("button", name="Move “Fast feedback from users” up").click()
    expect(page.get_by_test_id("quadrant-strength").get_by_test_id("swot-item").first).to_contain_text(
        "Fast feedback from users")
    page.get_by_label("New item in Threats").fill("Vendor ends support for the CMS")
    page.get_by_test_id("quadrant-threat").get_by_role("button", name="Add").click()
    expect(page.get_by_test_id("quadrant-threat")).to_contain_text("Vendor ends support for the CMS")
    _check(page, url, axe_source, "governance-swot")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_test_id("quadrant-threat").get_by_role("button", name="Make it a risk").click()
    expect(page.get_by_test_id("risk-title")).to_have_text("Vendor ends support for the CMS")
    expect(page.locator("#edit-risk")).to_have_attribute("open", "")
    expect(page.get_by_test_id("risk-edit-form")).to_be_visible()
    _check(page, reverse("governance:swot_print", kwargs={"swot_analysis_id": analysis.pk}), axe_source,
           "governance-swot-print")
