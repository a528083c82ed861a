"""The Baselines and Forecast tabs in Chromium at 1,280 and 390 px: the project manager
saves a baseline through the form, the plan moves, the variance shows the slip; the
forecast draws its chart; no serious or critical axe violation, no sideways scroll on a
phone (screenshots in ``TANDEM_SCREENSHOTS`` when set)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.delivery import services
from tandem.delivery.models import Project
from tandem.people.models import User
from tests.browser.test_delivery_pages import _check, _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _plan(manager: User) -> tuple[Project, object]:
    project = services.project_create(actor=manager, data={
        "code": "BASE-1", "name": "Intranet migration", "manager": manager, "start_date": dt.date(2027, 1, 4),
        "due_date": dt.date(2027, 1, 22), "budget": Decimal("12000"), "currency": "EUR"})
    previous = None
    first = None
    for number, (name, days, work) in enumerate((("Discovery workshops", 2, 24), ("Content audit", 3, 40),
                                                  ("Migration scripts", 4, 60), ("User training", 2, 16))):
        task = services.task_create(actor=manager, project=project, parent=None, data={
            "name": name, "duration_minutes": days * 480, "work_minutes": work * 60,
            "optimistic_minutes": days * 360, "likely_minutes": days * 480, "pessimistic_minutes": days * 480 * 2 + number * 240})
        if previous is not None:
            services.dependency_create(actor=manager, predecessor=previous, successor=task)
        first = first or task
        previous = task
    project.refresh_from_db()
    return project, first


def test_baselines_and_forecast_tabs(page: Page, axe_source: str) -> None:
    email, manager = _login("project_manager")
    project, first = _plan(manager)
    from tests.browser.conftest import log_in

    log_in(page, email)
    url = reverse("delivery:project_baselines", kwargs={"project_id": project.pk})
    page.goto(url)
    page.get_by_label("Name").fill("Signed off")
    page.get_by_role("button", name="Save baseline").click()
    expect(page.get_by_test_id("baseline-item")).to_have_count(1)
    first.refresh_from_db()  # type: ignore[attr-defined]
    services.task_update(actor=manager, task=first, data={"duration_minutes": 1440, "work_minutes": 1800},
                         expected_version=first.version)  # type: ignore[attr-defined]
    page.goto(url + "?order=slipping")
    expect(page.get_by_test_id("project-finish-variance")).to_contain_text("days late")
    _check(page, url + "?order=slipping", axe_source, "delivery-baselines")
    forecast = reverse("delivery:project_forecast", kwargs={"project_id": project.pk})
    page.goto(forecast)
    expect(page.get_by_test_id("criticality-row")).to_have_count(4)
    assert page.evaluate("!!window.Chart && !!window.Chart.getChart(document.getElementById('finish-chart'))")
    _check(page, forecast, axe_source, "delivery-forecast")
