"""Editing the plan in Chromium: edit mode at 1,280 and 390 px, indenting from the
keyboard keeps the focus on the button, editing a task in its row, the board's "Move to"
and the new-project page; no serious or critical axe violation and no sideways scroll
(screenshots in ``TANDEM_SCREENSHOTS`` when set)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.delivery.models import Task
from tandem.delivery.views.projects import plan_clock
from tests.browser.conftest import log_in
from tests.browser.test_delivery_pages import _check, _login, _project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editing_the_plan_the_board_and_a_new_project(page: Page, axe_source: str) -> None:
    pm_email, manager = _login("project_manager")
    _member_email, member = _login("member")
    project = _project(manager, member)
    log_in(page, pm_email)
    detail = reverse("delivery:project_detail", kwargs={"project_id": project.pk})
    _check(page, f"{detail}?edit=1", axe_source, "delivery-plan-edit")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{detail}?edit=1#plan")
    live = Task.objects.get(project=project, name="Go-live")
    # Indent "Go-live" from the keyboard: it goes under the phase, the focus stays put.
    indent = page.get_by_role("button", name="Indent Go-live")
    indent.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("plan-message")).to_have_text("Go-live is now 1.3.")
    expect(page.get_by_role("button", name="Indent Go-live")).to_be_focused()
    assert Task.objects.get(pk=live.pk).wbs == "1.3"
    # Edit a task in its row.
    page.get_by_role("button", name="Edit Build").click()
    row = page.get_by_test_id("plan-edit-row")
    row.get_by_label("Name").fill("Build the site")
    row.get_by_label("Duration (days)").fill("4")
    page.get_by_role("button", name="Save Build").click()
    expect(page.get_by_test_id("plan-message")).to_have_text("Build the site saved.")
    per_day = plan_clock(project).minutes_per_day  # type: ignore[arg-type]
    assert Task.objects.get(project=project, name="Build the site").duration_minutes == 4 * per_day
    # The board: "Move to" with the keyboard-friendly form.
    board = reverse("delivery:project_board", kwargs={"project_id": project.pk})
    _check(page, board, axe_source, "delivery-board")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(board)
    page.get_by_label("Move Build the site to").select_option("in_progress")
    page.get_by_role("button", name="Move Build the site").click()
    expect(page.locator('[data-status="in_progress"] [data-testid=board-card]')).to_contain_text("Build the site")
    assert Task.objects.get(project=project, name="Build the site").status == "in_progress"
    _check(page, reverse("delivery:project_create"), axe_source, "delivery-project-new")
