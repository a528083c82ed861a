"""The Gantt tab in Chromium: the project manager drags a task's bar three days later and
its finish-to-start successor's bar moves once the server has rescheduled (and the
database says so); a member sees the same chart without handles; no serious or
critical axe violation and no sideways scroll of the page at 1,280 and 390 px
(screenshots in ``TANDEM_SCREENSHOTS`` when set)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.core.demo import DEMO_LOGINS
from tandem.delivery import services
from tandem.delivery.models import Baseline, BaselineTask, Project, Task
from tandem.people.models import User
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import BLOCKING_IMPACTS, RUN_AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(role: str) -> tuple[str, User]:
    email = next(login.email for login in DEMO_LOGINS if login.role == role)
    return email, User.objects.get(email=email)


def _plan(manager: User, member: User) -> dict[str, Any]:
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    project = services.project_create(actor=manager, data={
        "code": "GANTT-1", "name": "Office move", "manager": manager, "start_date": monday,
    })
    services.project_member_add(actor=manager, project=project, user=member, role="Mover")
    phase = services.task_create(actor=manager, project=project, data={"name": "Preparation"})
    survey = services.task_create(actor=manager, project=project, parent=phase,
                                  data={"name": "Survey the new office", "duration_minutes": 960})
    pack = services.task_create(actor=manager, project=project, parent=phase,
                                data={"name": "Pack the archive", "duration_minutes": 1440})
    move = services.task_create(actor=manager, project=project, data={"name": "Moving day", "is_milestone": True})
    services.dependency_create(actor=manager, predecessor=survey, successor=pack)
    services.dependency_create(actor=manager, predecessor=pack, successor=move)
    baseline = Baseline.objects.create(project=project, name="Kick-off plan", saved_by=manager)
    for task in Task.objects.filter(project=project):
        BaselineTask.objects.create(baseline=baseline, task=task, start=task.early_start, finish=task.early_finish)
    return {"project": project, "survey": survey, "pack": pack, "move": move}


def _bar(page: Page, task: Task) -> Any:
    return page.locator(f'.bar-wrapper[data-id="{task.pk}"] .bar')


def _x(page: Page, task: Task) -> float:
    return float(_bar(page, task).get_attribute("x") or "nan")


def _day(page: Page, task: Task) -> str:
    return page.locator(f'.bar-wrapper[data-id="{task.pk}"]').get_attribute("data-start") or ""


def _check(page: Page, url: str, axe_source: str, name: str, rows: str = "Rows 1–4 of 4 shown") -> None:
    shots = os.environ.get("TANDEM_SCREENSHOTS")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        expect(page.get_by_test_id("gantt-status")).to_contain_text(rows)
        page.evaluate(axe_source)
        violations = page.evaluate(RUN_AXE, list(BLOCKING_IMPACTS))
        assert violations == [], (url, width, violations)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (url, width, overflow)
        if shots:
            page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"), full_page=True)


def test_dragging_a_bar_moves_its_successor(page: Page, axe_source: str) -> None:
    pm_email, manager = _login("project_manager")
    member_email, member = _login("member")
    plan = _plan(manager, member)
    survey, pack = plan["survey"], plan["pack"]
    url = reverse("delivery:project_gantt", kwargs={"project_id": plan["project"].pk})
    log_in(page, pm_email)
    _check(page, url, axe_source, "delivery-gantt")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    expect(page.get_by_test_id("gantt-status")).to_contain_text("Rows 1–4 of 4 shown")
    expect(page.get_by_test_id("gantt-legend")).to_contain_text("Critical")
    expect(page.get_by_test_id("gantt-baseline-name")).to_have_text("Baseline “Kick-off plan”")
    assert page.locator(".gantt-baseline").count() == 4
    assert page.locator(".gantt-diamond").count() == 1
    assert page.locator(".bar-wrapper.gantt-critical").count() == 4
    survey_before, pack_before = _day(page, survey), _day(page, pack)
    pack_start = Task.objects.get(pk=pack.pk).early_start
    box = _bar(page, survey).bounding_box()
    assert box is not None
    page.wait_for_timeout(1000)  # frappe-gantt grows the bars from nothing when it draws
    box = _bar(page, survey).bounding_box()
    assert box is not None
    column = box["width"] / 2  # the survey covers two days
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(box["x"] + box["width"] / 2 + column * 3 * step / 20, box["y"] + box["height"] / 2)
    page.mouse.up()
    expect(page.locator('#gantt[data-answered="1"]')).to_have_count(1, timeout=60_000)
    expect(page.get_by_test_id("gantt-alert")).to_be_hidden()
    expect(page.get_by_test_id("gantt-status")).to_contain_text("Rows 1–4 of 4 shown")
    # The chart starts at its earliest bar, so positions are read as days: the bars'
    # own days, and the pack's offset from the survey, which now ends later.
    survey_day, pack_day = _day(page, survey), _day(page, pack)
    assert survey_day == (dt.date.fromisoformat(survey_before) + dt.timedelta(days=3)).isoformat()
    assert pack_day >= (dt.date.fromisoformat(pack_before) + dt.timedelta(days=3)).isoformat()
    assert _x(page, pack) - _x(page, survey) == pytest.approx(column * (
        dt.date.fromisoformat(pack_day) - dt.date.fromisoformat(survey_day)).days)
    survey_row = Task.objects.get(pk=survey.pk)
    assert (survey_row.constraint_type, survey_row.version) == ("snet", 2)
    assert Task.objects.get(pk=pack.pk).early_start >= pack_start + dt.timedelta(days=3)  # type: ignore[operator]
    # A project of the demo, as pm@ sees it.
    demo = Project.objects.filter(manager=manager, is_template=False).exclude(pk=plan["project"].pk).order_by("pk").first()
    if demo is not None:
        _check(page, reverse("delivery:project_gantt", kwargs={"project_id": demo.pk}), axe_source,
               "delivery-gantt-demo", rows="Rows 1–")
    # A member reads the same chart, without drag handles.
    page.context.clear_cookies()
    log_in(page, member_email)
    page.goto(url)
    expect(page.get_by_test_id("gantt-status")).to_contain_text("Rows 1–4 of 4 shown")
    assert page.locator(".bar-wrapper .handle").count() == 0
    # Folding the summary hides its tasks.
    page.get_by_role("button", name="Hide the tasks of Preparation").click()
    expect(page.get_by_test_id("gantt-status")).to_contain_text("Rows 1–2 of 2 shown")
    expect(page.get_by_role("button", name="Show the tasks of Preparation")).to_be_focused()
