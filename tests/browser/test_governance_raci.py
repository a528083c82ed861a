"""The RACI grid and the stakeholder register in Chromium: the project manager fills a
row with the keyboard only (focus a cell, type A, arrow right, type A), sees "Only one
person can be Accountable: now 2", fixes it (type R) and sees the row complete; both
pages at 1,280 and 390 px without a serious or critical axe violation and without
sideways scroll (screenshots in ``TANDEM_SCREENSHOTS`` when set)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.delivery import services
from tandem.governance.models import RaciCell
from tandem.governance.services.raci import raci_row_add, stakeholder_add
from tests.browser.conftest import log_in
from tests.browser.test_delivery_pages import _check, _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_raci_row_filled_with_the_keyboard(page: Page, axe_source: str) -> None:
    pm_email, manager = _login("project_manager")
    _member_email, member = _login("member")
    project = services.project_create(actor=manager, data={
        "code": "RACI-1", "name": "Intranet relaunch", "manager": manager, "start_date": dt.date.today()})
    services.project_member_add(actor=manager, project=project, user=member, role="Developer")
    task = services.task_create(actor=manager, project=project, parent=None, data={
        "name": "Design the home page", "duration_minutes": 480})
    row = raci_row_add(actor=manager, project=project, kind="task", task=task)
    raci_row_add(actor=manager, project=project, kind="activity", activity="Steering committee")
    stakeholder_add(actor=manager, project=project, user=member, data={"role": "End user", "influence": 2, "interest": 5})
    log_in(page, pm_email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(reverse("governance:project_raci", kwargs={"project_id": project.pk}))
    check = page.locator(f"#raci-check-{row.pk}")
    expect(check).to_contain_text("Give this row one Accountable person")
    page.locator(f"#raci-{row.pk}-user\\:{manager.pk}").focus()
    page.keyboard.press("a")
    expect(check).not_to_contain_text("Give this row one Accountable person")
    expect(page.locator(f"#raci-{row.pk}-user\\:{manager.pk}")).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("a")
    expect(check).to_contain_text("Only one person can be Accountable: now 2")
    expect(page.locator("#raci-summary")).to_contain_text("2 rows need attention")
    # The focus stayed on the cell: R fixes it.
    expect(page.locator(f"#raci-{row.pk}-user\\:{member.pk}")).to_be_focused()
    page.keyboard.press("r")
    expect(check).to_have_text("Complete")
    expect(page.locator("#raci-summary")).to_contain_text("1 row needs attention")
    expect(page.locator(f"#raci-{row.pk}-user\\:{member.pk}")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("c")
    steering = page.locator("tbody tr").nth(1)
    expect(steering.locator("select").nth(1)).to_have_value("C")
    expect(steering.locator('[data-testid="raci-check"]')).not_to_contain_text("Nobody is on this row yet")
    page.keyboard.press("Delete")
    expect(steering.locator('[data-testid="raci-check"]')).to_contain_text("Nobody is on this row yet")
    expect(steering.locator("select").nth(1)).to_have_value("")
    assert sorted(RaciCell.objects.filter(row=row).values_list("user_id", "letter")) == sorted(
        [(manager.pk, "A"), (member.pk, "R")])
    assert RaciCell.objects.filter(row__project=project).count() == 2
    _check(page, reverse("governance:project_raci", kwargs={"project_id": project.pk}), axe_source, "raci")
    _check(page, reverse("governance:project_stakeholders", kwargs={"project_id": project.pk}), axe_source,
           "stakeholders")
    _check(page, reverse("governance:my_responsibilities"), axe_source, "my-responsibilities")


def test_a_refused_stakeholder_edit_shows_its_reason_in_place(page: Page) -> None:
    """The Stakeholders tab's in-place edit: a save the server refuses (422) swaps the edit
    row back with the reason, on the tab, and nothing is saved; a valid one redraws the row."""
    pm_email, manager = _login("project_manager")
    _member_email, member = _login("member")
    project = services.project_create(actor=manager, data={
        "code": "RACI-2", "name": "Billing revamp", "manager": manager, "start_date": dt.date.today()})
    item = stakeholder_add(actor=manager, project=project, user=member,
                           data={"role": "End user", "influence": 2, "interest": 5})
    url = reverse("governance:project_stakeholders", kwargs={"project_id": project.pk})
    log_in(page, pm_email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    page.locator(f"#stakeholder-{item.pk}").get_by_role("link", name="Edit").click()
    influence = page.locator(f"#e-influence-{item.pk}")
    expect(influence).to_be_visible()
    # An out-of-range value the browser lets through (its own check switched off).
    influence.evaluate("input => { input.removeAttribute('max'); input.form.noValidate = true; }")
    influence.fill("9")
    page.locator("#stakeholder-edit-row").get_by_role("button", name="Save").click()
    expect(page.locator("#stakeholder-edit-row [role=alert]")).to_have_text("Give the influence from 1 (low) to 5 (high).")
    assert page.url.endswith(url)
    expect(page.locator("#htmx-alerts")).not_to_contain_text("Something went wrong")
    item.refresh_from_db()
    assert item.influence == 2
    page.locator(f"#e-influence-{item.pk}").fill("4")
    page.locator("#stakeholder-edit-row").get_by_role("button", name="Save").click()
    expect(page.locator(f"#stakeholder-{item.pk}")).to_contain_text("Saved")
    item.refresh_from_db()
    assert item.influence == 4
