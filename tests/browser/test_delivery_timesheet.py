"""The timesheet in Chromium: a member fills a row with the keyboard only (type, arrow
right, type, arrow right, type, Enter) and sees the row's, the days' and the week's
totals and the saved rows; the week is submitted and shows up on the project manager's
approvals page. Both pages at 1,280 and 390 px without a serious or critical axe
violation and without sideways scroll (screenshots in ``TANDEM_SCREENSHOTS`` when set)."""

from __future__ import annotations

import datetime as dt
import re
import time
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tandem.delivery import services
from tandem.delivery.models import TimeEntry
from tandem.delivery.services import time as time_services
from tandem.delivery.services.time import week_start
from tests.browser.conftest import log_in
from tests.browser.test_delivery_pages import _check, _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_timesheet_row_filled_with_the_keyboard(page: Page, axe_source: str) -> None:
    pm_email, manager = _login("project_manager")
    member_email, member = _login("member")
    project = services.project_create(actor=manager, data={
        "code": "TS-WEB", "name": "Timesheet website", "manager": manager, "start_date": dt.date.today(),
    })
    services.project_member_add(actor=manager, project=project, user=member, role="Developer")
    week = week_start(timezone.localdate()) + dt.timedelta(days=7 * 100)  # a week nobody has time in
    log_in(page, member_email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{reverse('delivery:timesheet')}?week={week.isoformat()}&add={project.pk}")
    key = f"{project.pk}-0"
    page.locator(f"#cell-{key}-0-input").focus()
    # Each cell saves as the focus leaves it; the row's total says when it has, before
    # the next one is typed (a loaded machine answers slower than a person types).
    page.keyboard.type("7.5")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#row-total-{key}")).to_have_text("7.5 h")
    page.keyboard.type("8")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#row-total-{key}")).to_have_text("15.5 h")
    page.keyboard.type("6")
    page.keyboard.press("Enter")
    expect(page.locator(f"#row-total-{key}")).to_have_text("21.5 h")
    expect(page.locator("#week-total")).to_have_text("21.5 h")
    expect(page.locator("#day-total-1")).to_have_text("8 h")
    # A 25-hour day is refused on the cell, with its message.
    page.locator(f"#cell-{key}-3-input").focus()
    page.keyboard.type("25")
    page.keyboard.press("Tab")
    expect(page.locator(f"#cell-{key}-3-input")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#cell-{key}-3-error")).to_have_text("Enter between 0 and 24 hours.")
    rows = list(TimeEntry.objects.filter(user=member, date__gte=week).order_by("date")
                .values_list("date", "hours", "status"))
    assert rows == [
        (week, Decimal("7.50"), "draft"),
        (week + dt.timedelta(days=1), Decimal("8.00"), "draft"),
        (week + dt.timedelta(days=2), Decimal("6.00"), "draft"),
    ]
    url = f"{reverse('delivery:timesheet')}?week={week.isoformat()}"
    _check(page, url, axe_source, "delivery-timesheet")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    page.get_by_test_id("submit-week").click()
    expect(page.get_by_test_id("week-state")).to_have_text("Submitted")
    page.context.clear_cookies()
    log_in(page, pm_email)
    _check(page, reverse("delivery:approvals"), axe_source, "delivery-approvals")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(reverse("delivery:approvals"))
    expect(page.get_by_test_id("approval-group").filter(has_text="TS-WEB")).to_contain_text("21.5 h")


def test_typing_ahead_while_saves_answer_slowly_keeps_every_value(page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each cell's save answers late (the service slowed down to 1.2 s): the member types
    on into the next cell and back into cells whose saves have not answered yet, without
    waiting for them; no keystroke is lost and every value is saved."""
    _pm_email, manager = _login("project_manager")
    member_email, member = _login("member")
    project = services.project_create(actor=manager, data={
        "code": "TS-FAST", "name": "Fast typist", "manager": manager, "start_date": dt.date.today(),
    })
    services.project_member_add(actor=manager, project=project, user=member, role="Developer")
    save = time_services.time_entry_save

    def slow_save(**kwargs: Any) -> Any:
        time.sleep(1.2)
        return save(**kwargs)

    monkeypatch.setattr(time_services, "time_entry_save", slow_save)
    week = week_start(timezone.localdate()) + dt.timedelta(days=7 * 101)
    log_in(page, member_email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{reverse('delivery:timesheet')}?week={week.isoformat()}&add={project.pk}")
    key = f"{project.pk}-0"
    monday = page.locator(f"#cell-{key}-0-input")
    monday.focus()
    page.keyboard.type("1")
    page.keyboard.press("Tab")  # Monday's save goes
    page.keyboard.type("2.5")
    page.keyboard.press("Shift+Tab")  # Tuesday's save goes; back on Monday, still saving
    page.keyboard.type("7")
    # Monday's first save answers (its cell is swapped) while the member is still in it.
    expect(monday).to_have_attribute("hx-vals", re.compile(r'"version": "\d+"'), timeout=10_000)
    expect(monday).to_be_focused()
    page.keyboard.type(".5")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.type("4")
    page.keyboard.press("Tab")  # Wednesday's save goes
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("6")  # typed over, and left, before that save answers
    page.keyboard.press("Tab")
    expect(page.locator(f"#row-total-{key}")).to_have_text("16.5 h", timeout=20_000)
    expect(page.locator("#week-total")).to_have_text("16.5 h")
    assert [page.locator(f"#cell-{key}-{col}-input").input_value() for col in range(3)] == ["7.5", "3", "6"]

    def saved() -> list[tuple[dt.date, Decimal]]:
        return list(TimeEntry.objects.filter(user=member, date__gte=week).order_by("date").values_list("date", "hours"))

    assert saved() == [
        (week, Decimal("7.50")), (week + dt.timedelta(days=1), Decimal("3.00")), (week + dt.timedelta(days=2), Decimal("6.00")),
    ]
    page.reload()
    assert [page.locator(f"#cell-{key}-{col}-input").input_value() for col in range(3)] == ["7.5", "3", "6"]
