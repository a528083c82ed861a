"""The README's screenshots, taken by ``make screenshots`` with the browser-test set-up.

Not a test module (its name does not start with ``test_``): the suites never collect it,
``make screenshots`` runs it by path. It loads the demo organisation at the scale
``make run`` loads (``SCREENSHOT_SCALE``), logs in as each demo login that has a story
to show, and writes PNG files at 1,280 and 390 px wide into ``docs/screenshots/``
(``TANDEM_SCREENSHOTS_DIR`` points elsewhere).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page

from tandem.core.demo import DEMO_LOGINS, SCALES, run_demo
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SCREENSHOT_SCALE = SCALES["small"]
WIDTHS = {"desktop": 1280, "phone": 390}
OUT = Path(os.environ.get("TANDEM_SCREENSHOTS_DIR", Path(settings.BASE_DIR) / "docs" / "screenshots"))


@pytest.fixture
def demo_data(transactional_db: None) -> dict[str, str]:
    """The demo organisation as ``make run`` loads it (overrides the tiny browser-test one)."""
    result = run_demo(scale=SCREENSHOT_SCALE)
    assert result.created
    return {login.role: login.email for login in DEMO_LOGINS}


def _shoot(page: Page, name: str) -> list[Path]:
    """One PNG per width of the page now open; returns the files written."""
    written = []
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_load_state("networkidle")
        path = OUT / f"{name}-{label}.png"
        page.screenshot(path=str(path))
        written.append(path)
    return written


def test_screenshots(page: Page, demo_data: dict[str, str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    log_in(page, demo_data["account_manager"])
    page.goto("/")
    written += _shoot(page, "home-account-manager")
    page.goto("/clients/accounts/")
    written += _shoot(page, "accounts")
    page.locator("[data-testid=list-table] tbody a").first.click()
    page.wait_for_load_state()
    written += _shoot(page, "account")
    page.goto("/sales/pipeline/")
    written += _shoot(page, "pipeline")
    page.goto("/sales/forecast/")
    written += _shoot(page, "forecast")

    page.context.clear_cookies()
    log_in(page, demo_data["project_manager"])
    page.goto("/")
    written += _shoot(page, "home-project-manager")
    page.goto("/delivery/projects/?manager=me&status=active")
    project = str(page.locator("[data-testid=list-table] tbody a").first.get_attribute("href")).rstrip("/")
    page.goto(f"{project}/")
    written += _shoot(page, "project")
    for tab in ("gantt", "budget", "resources"):
        page.goto(f"{project}/{tab}/")
        written += _shoot(page, f"project-{tab}")
    page.goto("/delivery/capacity/")
    written += _shoot(page, "capacity")
    project_id = project.rstrip("/").rsplit("/", 1)[-1]
    for tab in ("status", "meetings", "risks", "raci", "stakeholders", "activity"):
        page.goto(f"/governance/projects/{project_id}/{tab}/")
        written += _shoot(page, f"project-{tab}")
    page.goto("/governance/status-reports/")
    written += _shoot(page, "status-reports")
    page.goto("/governance/meetings/")
    written += _shoot(page, "meetings")

    page.context.clear_cookies()
    log_in(page, demo_data["member"])
    page.goto("/")
    written += _shoot(page, "home-member")
    page.goto("/delivery/timesheet/")
    written += _shoot(page, "timesheet")
    page.goto("/governance/my-responsibilities/")
    written += _shoot(page, "my-responsibilities")

    page.context.clear_cookies()
    log_in(page, demo_data["executive"])
    page.goto("/")
    written += _shoot(page, "home-executive")

    for path in written:
        assert path.stat().st_size > 10_000, f"{path} looks empty"
