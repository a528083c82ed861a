"""Moving a deliverable's acceptance state on the project page in Chromium, with the
keyboard only: the section is redrawn in place (HTMX) with its message and badge."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tandem.delivery.models import Deliverable
from tests.browser.conftest import log_in
from tests.browser.test_delivery_pages import _login, _project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manager_accepts_a_deliverable_with_the_keyboard(page: Page) -> None:
    pm_email, manager = _login("project_manager")
    _member_email, member = _login("member")
    project = _project(manager, member)
    deliverable = Deliverable.objects.get(project=project, name="Design pack")
    log_in(page, pm_email)
    page.goto(reverse("delivery:project_detail", kwargs={"project_id": project.pk}))
    section = page.get_by_test_id("deliverables-section")
    state = section.get_by_label("Acceptance of Design pack")
    state.focus()
    state.select_option("accepted")
    page.keyboard.press("Tab")
    page.keyboard.type("Ann Client")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("deliverables-message")).to_have_text("Design pack is now accepted.")
    expect(page.get_by_test_id("deliverables-section").get_by_test_id("deliverable").first).to_contain_text(
        "by Ann Client")
    deliverable.refresh_from_db()
    assert (deliverable.acceptance_state, deliverable.accepted_on, deliverable.accepted_by) == (
        "accepted", timezone.localdate(), "Ann Client")
    assert page.url.endswith(f"/delivery/projects/{project.pk}/")  # in place, no reload
