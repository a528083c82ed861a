"""The delivery pages in Chromium at 1,280 and 390 px: the project list, the project page
with its plan, "My tasks" and the account page's projects; no serious or critical axe
violation, no sideways scroll on a phone (the plan's rows stack); "My tasks" opens from
its home card (screenshots in ``TANDEM_SCREENSHOTS`` when set)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.clients.models import Account
from tandem.core.demo import DEMO_LOGINS
from tandem.delivery import services
from tandem.delivery.models import Deliverable, Objective
from tandem.delivery.selectors import my_task_list
from tandem.people.models import User
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
        page.evaluate(axe_source)
        violations = page.evaluate(RUN_AXE, list(BLOCKING_IMPACTS))
        assert violations == [], (url, width, violations)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (url, width, overflow)
        if shots:
            page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"), full_page=True)


def _project(manager: User, member: User) -> object:
    account = Account.objects.order_by("id").first()
    project = services.project_create(actor=manager, data={
        "code": "WEB-1", "name": "Website rebuild with a rather long name to wrap", "manager": manager,
        "account": account, "start_date": dt.date.today(), "due_date": dt.date.today() + dt.timedelta(days=30),
        "scope_statement": "A new public website.", "in_scope": "Design, build, launch", "out_of_scope": "Hosting",
    })
    services.project_member_add(actor=manager, project=project, user=member, role="Developer")
    phase = services.task_create(actor=manager, project=project, parent=None, data={"name": "Discovery and design", "duration_minutes": 480})
    design = services.task_create(actor=manager, project=project, parent=phase, data={"name": "Wireframes for every template", "duration_minutes": 960})
    build = services.task_create(actor=manager, project=project, parent=phase, data={"name": "Build", "duration_minutes": 1440})
    live = services.task_create(actor=manager, project=project, parent=None, data={"name": "Go-live", "is_milestone": True, "duration_minutes": 0})
    services.dependency_create(actor=manager, predecessor=design, successor=build, kind="FS", lag_minutes=0)
    services.dependency_create(actor=manager, predecessor=build, successor=live, kind="FS", lag_minutes=0)
    services.task_assign(actor=manager, task=build, user=member)
    Objective.objects.create(project=project, title="Page load", unit="s", baseline_value=Decimal(8),
                             target_value=Decimal(2), current_value=Decimal(5))
    Deliverable.objects.create(project=project, name="Design pack", acceptance_state="submitted", task=design)
    return project


def test_delivery_pages_in_the_browser(page: Page, axe_source: str) -> None:
    pm_email, manager = _login("project_manager")
    member_email, member = _login("member")
    project = _project(manager, member)
    log_in(page, pm_email)
    _check(page, reverse("delivery:project_list"), axe_source, "delivery-project-list")
    _check(page, reverse("delivery:project_detail", kwargs={"project_id": project.pk}), axe_source, "delivery-project")
    # On a phone the project's tab strip scrolls sideways: the open tab is brought on screen.
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(reverse("delivery:project_resources", kwargs={"project_id": project.pk}))
    strip = page.get_by_test_id("project-tabs")
    placement = strip.evaluate(
        "s => { const e = s.querySelector('.nav-link.active'); const a = e.getBoundingClientRect();"
        " const b = s.getBoundingClientRect();"
        " return [s.scrollWidth > s.clientWidth, a.left >= b.left - 1 && a.right <= b.right + 1, e.textContent.trim()]; }")
    assert placement[:2] == [True, True], placement
    if project.account_id:  # type: ignore[attr-defined]
        executive_email, _ = _login("executive")
        page.context.clear_cookies()
        log_in(page, executive_email)
        _check(page, reverse("delivery:account_projects", kwargs={"account_id": project.account_id}), axe_source,  # type: ignore[attr-defined]
               "delivery-account-projects")
    page.context.clear_cookies()
    log_in(page, member_email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    card = page.locator('[data-card="my_tasks"]')
    card.get_by_test_id("card-number").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My tasks")
    # The demo's tasks for the member login and the one assigned here.
    total = my_task_list(actor=member).count()
    expect(page.get_by_test_id("list-total")).to_have_text(f"{total} task" if total == 1 else f"{total} tasks")
    _check(page, reverse("delivery:my_tasks"), axe_source, "delivery-my-tasks")
