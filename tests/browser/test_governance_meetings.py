"""Meetings in Chromium: the project manager plans a status meeting for a project from
the meeting form, opens it, edits the agenda in place, adds an action item with an owner
and a due date in place (HTMX: the section redrawn, no reload), makes it a task and
follows the link to the task in the project's plan. The meeting list and the meeting's
page and the project's meetings tab pass axe (no serious or critical violation) with no
sideways scroll at 1,280 and 390 px."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tandem.delivery import services
from tandem.governance.models import ActionItem, Meeting
from tests.browser.conftest import log_in
from tests.browser.test_delivery_pages import _check, _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_status_meeting_planned_its_action_item_made_a_task_in_the_plan(page: Page, axe_source: str) -> None:
    pm_email, manager = _login("project_manager")
    _member_email, member = _login("member")
    project = services.project_create(actor=manager, data={
        "code": "MTG-1", "name": "Warehouse roll-out", "manager": manager, "start_date": dt.date.today()})
    services.project_member_add(actor=manager, project=project, user=member, role="Developer")
    log_in(page, pm_email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(reverse("governance:meeting_list"))
    page.get_by_role("link", name="New meeting").click()
    page.get_by_label("Title").fill("Weekly status: warehouse")
    page.get_by_label("Kind").select_option("status")
    page.get_by_label("Project").select_option(str(project.pk))
    starts = timezone.localtime() + dt.timedelta(days=2)
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("People attending").select_option([str(manager.pk), str(member.pk)])
    page.get_by_role("button", name="Plan the meeting").click()
    meeting = Meeting.objects.get(title="Weekly status: warehouse")
    detail_url = reverse("governance:meeting_detail", kwargs={"meeting_id": meeting.pk})
    expect(page).to_have_url(f"{page.url.split('/governance/')[0]}{detail_url}")
    assert (meeting.project_id, meeting.kind) == (project.pk, "status")

    _check(page, reverse("governance:meeting_list"), axe_source, "governance-meetings")
    # The project's own meetings tab: its two buttons wrap under the heading on a phone.
    _check(page, reverse("governance:project_meetings", kwargs={"project_id": project.pk}), axe_source,
           "governance-project-meetings")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Weekly status: warehouse").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Weekly status: warehouse")

    agenda = page.get_by_test_id("meeting-agenda")
    agenda.get_by_label("Agenda").fill("1. Scanner delivery\n2. Go-live date")
    agenda.get_by_role("button", name="Save agenda").click()
    expect(page.get_by_test_id("meeting-agenda").get_by_role("status")).to_have_text("Saved.")
    assert Meeting.objects.get(pk=meeting.pk).agenda == "1. Scanner delivery\n2. Go-live date"

    section = page.get_by_test_id("action-items-section")
    description = page.get_by_label("Action item", exact=True)
    description.fill("   ")  # blank for the server: refused in place (422 swapped), the field focused
    section.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Say what is to be done.")).to_be_visible()
    expect(description).to_be_focused()
    expect(description).to_have_attribute("aria-invalid", "true")
    assert not ActionItem.objects.filter(meeting=meeting).exists()
    page.get_by_label("Action item", exact=True).fill("Confirm the scanner shipping date")
    page.get_by_label("Owner").select_option(label=member.full_name)
    due = dt.date.today() + dt.timedelta(days=7)
    page.get_by_label("Due").fill(due.isoformat())
    page.get_by_label("Due").press("Enter")
    expect(page.get_by_test_id("items-message")).to_have_text("Added \u201cConfirm the scanner shipping date\u201d.")
    expect(page.get_by_label("Action item", exact=True)).to_be_focused()
    expect(page.get_by_label("Action item", exact=True)).to_have_value("")
    item_row = page.get_by_test_id("action-item")
    expect(item_row).to_have_count(1)
    expect(item_row).to_contain_text(f"{member.full_name} · due {due.day} {due:%b %Y}")
    assert page.url.endswith(detail_url)  # in place, no reload
    _check(page, detail_url, axe_source, "governance-meeting")

    page.set_viewport_size({"width": 1280, "height": 900})
    item_row.get_by_role("button", name="Make it a task").click()
    link = page.get_by_test_id("item-task-link")
    expect(link).to_have_text("Task: Confirm the scanner shipping date")
    expect(link).to_be_focused()
    item = ActionItem.objects.select_related("task").get(meeting=meeting)
    assert item.task is not None and item.task.project_id == project.pk
    assert list(item.task.assignments.values_list("user_id", flat=True)) == [member.pk]
    assert timezone.localtime(item.task.deadline).date() == due
    link.click()
    expect(page).to_have_url(f"{page.url.split('/delivery/')[0]}/delivery/projects/{project.pk}/#task-{item.task_id}")
    expect(page.locator(f"#task-{item.task_id}")).to_contain_text("Confirm the scanner shipping date")
