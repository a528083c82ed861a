"""The resources pages in Chromium at 1,280 and 390 px: the capacity grid (its person
column stays in view while the weeks scroll sideways inside the grid, never the page),
a project's Resources tab and the "who has room" panel, where assigning a person swaps
the panel in place (HTMX). No serious or critical axe violation (screenshots in
``TANDEM_SCREENSHOTS`` when set)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tandem.core.demo import DEMO_LOGINS
from tandem.delivery import services
from tandem.delivery.models import TaskAssignment
from tandem.people.models import Holiday, TimeOff, User
from tandem.people.selectors import calendar_get
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import BLOCKING_IMPACTS, RUN_AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(role: str) -> tuple[str, User]:
    email = next(login.email for login in DEMO_LOGINS if login.role == role)
    return email, User.objects.get(email=email)


def _check(page: Page, url: str, axe_source: str, name: str) -> None:
    shots = os.environ.get("TANDEM_SCREENSHOTS")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        if shots:
            page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"), full_page=True)
        page.evaluate(axe_source)
        violations = page.evaluate(RUN_AXE, list(BLOCKING_IMPACTS))
        assert violations == [], (url, width, violations)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className)""")
        assert overflow <= 0, (url, width, overflow, wide)


def test_resources_pages_in_the_browser(page: Page, axe_source: str) -> None:
    pm_email, manager = _login("project_manager")
    _, member = _login("member")
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    project = services.project_create(actor=manager, data={
        "code": "CAP-1", "name": "Capacity check", "manager": manager, "start_date": monday})
    services.project_member_add(actor=manager, project=project, user=member, role="Developer")
    task = services.task_create(actor=manager, project=project, data={"name": "Design the grid", "duration_minutes": 2400})
    services.allocation_create(actor=manager, project=project, data={
        "user": member, "start_date": monday, "end_date": monday + dt.timedelta(weeks=6), "hours_per_week": Decimal(30)})
    services.allocation_create(actor=manager, project=project, data={
        "user": manager, "start_date": monday, "end_date": monday + dt.timedelta(weeks=3), "hours_per_week": Decimal(10)})
    Holiday.objects.get_or_create(calendar=calendar_get(), date=monday + dt.timedelta(weeks=1), defaults={"name": "Spring"})
    TimeOff.objects.create(person=member.person, start_date=monday + dt.timedelta(weeks=1, days=1),
                           end_date=monday + dt.timedelta(weeks=1, days=2))
    log_in(page, pm_email)

    _check(page, reverse("delivery:capacity"), axe_source, "resources-capacity")
    # On a phone the grid scrolls inside its card and the person's column stays in view.
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(reverse("delivery:capacity"))
    grid = page.locator(".capacity-scroll")
    assert grid.evaluate("element => element.scrollWidth > element.clientWidth")
    grid.evaluate("element => element.scrollBy(400, 0)")
    person = page.locator("tbody .capacity-person").first
    assert person.evaluate("element => element.getBoundingClientRect().left") >= 0
    expect(page.get_by_test_id("capacity-cell").first).to_be_visible()

    tab = reverse("delivery:project_resources", kwargs={"project_id": project.pk})
    _check(page, tab, axe_source, "resources-tab")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(tab)
    expect(page.get_by_test_id("allocation-row")).to_have_count(2)

    url = reverse("delivery:task_assign", kwargs={"task_id": task.pk})
    _check(page, url, axe_source, "resources-assign")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    name = member.full_name or member.email
    page.get_by_test_id("room-team").get_by_role("button", name=f"Assign {name}").click()
    expect(page.get_by_test_id("assign-notice")).to_have_text(f"{name} is assigned to Design the grid.")
    expect(page.get_by_test_id("assignees")).to_contain_text(name)
    assert page.url.endswith(url)  # swapped in place, no navigation
    assert TaskAssignment.objects.filter(task=task, user=member).exists()
