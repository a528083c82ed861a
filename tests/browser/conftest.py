"""Browser tests: Playwright's sync API driving Debian's Chromium against ``live_server``.

Run them with ``make test-browser`` (``pytest tests/browser -m browser``); the unit suites
leave this folder out. Every test here needs ``transactional_db``: the live server
thread reads what the test wrote, so the data must be committed.

The data is the demo organisation (``tandem.core.demo.run_demo``, the code behind
``tandem demo``) at a tiny scale, so the browser sees what ``make run`` shows and every
later app's demo step adds objects for the accessibility walk without touching this
file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import Browser, Page, sync_playwright

from tandem.core.demo import DEMO_LOGINS, DEMO_PASSWORD, run_demo
from tests.clients.factories import seed_service_rules
from tests.commercial.factories import seed_stages

CHROMIUM = Path(os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# Large enough for one of everything a demo step makes, small enough to build in a moment.
DEMO_SCALE = 0.01
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_calls_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an asyncio loop in the test's thread, which makes
    Django refuse ORM calls from the test (seeding data) as "async unsafe". The calls
    are synchronous in fact, so the refusal is lifted for the browser tests only."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
            "(.ci/run does) or set TANDEM_CHROMIUM to its path."
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


# The database as the first test's demo left it, copied back for each later test.
_demo_snapshot: list[sqlite3.Connection] = []


@pytest.fixture
def demo_data(transactional_db: None) -> dict[str, str]:
    """The demo organisation; returns the demo logins as ``{role: e-mail}``. The rules a
    migration seeds come first, as on a fresh database (an earlier test's flush removed them).

    On SQLite the demo is built once per session: the first build is copied into memory
    with SQLite's backup API and copied back into the emptied database of each later test
    (milliseconds instead of the demo's half-minute). A test whose own fixtures wrote rows
    first gets a demo built on top of them, as before."""
    from tandem.people.models import User

    empty = connection.vendor == "sqlite" and not User.objects.exists()
    if empty and _demo_snapshot:
        connection.ensure_connection()
        _demo_snapshot[0].backup(connection.connection)
        return _logins()
    seed_service_rules()
    seed_stages()
    result = run_demo(scale=DEMO_SCALE)
    assert result.created
    if empty and not _demo_snapshot:
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.ensure_connection()
        connection.connection.backup(copy)
        _demo_snapshot.append(copy)
    return _logins()


def _logins() -> dict[str, str]:
    return {login.role: login.email for login in DEMO_LOGINS}


@pytest.fixture
def page(browser: Browser, live_server: object, demo_data: dict[str, str]) -> Iterator[Page]:
    context = browser.new_context(base_url=str(live_server), locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


def log_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page, as a person would."""
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


@pytest.fixture
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci` (make test-browser does).")
    return AXE_SCRIPT.read_text(encoding="utf-8")
