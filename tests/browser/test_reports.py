"""Status reports in Chromium at 1,280 and 390 px: the project manager writes this
period's report from the Status tab, sees its facts linked, changes a RAG, publishes it
after a confirmation naming the recipient, and the RAG strip shows it; the portfolio
lists the project; no serious or critical axe violation, no sideways scroll on a phone
(screenshots in ``TANDEM_SCREENSHOTS`` when set)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.delivery.models import Project
from tandem.governance.models import Stakeholder, StatusReport
from tests.browser.conftest import log_in
from tests.browser.test_delivery_pages import _check, _login
from tests.factories import make_user
from tests.governance.factories_reports import report_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_write_and_publish_a_status_report(page: Page, axe_source: str) -> None:
    pm_email, pm = _login("project_manager")
    world = report_project(start_date=dt.date.today() - dt.timedelta(days=60))
    project = world["project"]
    Project.objects.filter(pk=project.pk).update(manager=pm, status="active")
    Stakeholder.objects.create(project=project, user=make_user(full_name="Sam Sponsor"))
    log_in(page, pm_email)
    status_url = reverse("governance:project_status", kwargs={"project_id": project.pk})
    _check(page, status_url, axe_source, "governance-status-empty")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(status_url)
    page.get_by_test_id("report-write").click()
    expect(page.get_by_test_id("facts").first).to_be_visible()
    expect(page.get_by_role("link", name="1 task blocked: Build.")).to_have_attribute(
        "href", f"/delivery/projects/{project.pk}/board/?status=blocked")
    expect(page.get_by_test_id("recipients")).to_have_text("Publishing sends it to Sam Sponsor.")
    report = StatusReport.objects.get(project=project)
    _check(page, reverse("governance:status_report_detail", kwargs={"status_report_id": report.pk}), axe_source,
           "governance-report-draft")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Overall").select_option("amber")
    page.get_by_label("Summary").fill("Recovering after the vendor delay.")
    page.get_by_test_id("report-save").click()
    expect(page.locator("#toasts")).to_contain_text("Report saved.")
    dialogs: list[str] = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_test_id("report-publish").click()
    expect(page.locator("#toasts")).to_contain_text("Report published and sent.")
    assert dialogs == ["Publish this report and send it to Sam Sponsor?"]
    report.refresh_from_db()
    assert (report.status, report.overall_rag) == ("published", "amber")
    _check(page, status_url, axe_source, "governance-status")
    expect(page.get_by_test_id("rag-trend-row").filter(has_text="Overall")).to_contain_text("Amber")
    _check(page, reverse("governance:report_list"), axe_source, "governance-report-list")
    expect(page.get_by_test_id("portfolio-row").filter(has_text=project.code)).to_contain_text("Amber")
