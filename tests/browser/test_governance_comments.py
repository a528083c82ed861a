"""Comments in Chromium: the project's Activity tab and a person's activity at 1,280
and 390 px with no serious or critical axe violation and no sideways scroll; the
mention picker used with the keyboard only ("@mel", arrow, Enter) posts a comment whose
mention links to the person (screenshots in ``TANDEM_SCREENSHOTS`` when set)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tandem.delivery.models import Project, ProjectMember
from tandem.governance.models import Comment
from tests.browser.conftest import log_in
from tests.browser.test_delivery_pages import _check, _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_activity_tab_and_mention_picker(page: Page, axe_source: str) -> None:
    pm_email, pm = _login("project_manager")
    _member_email, member = _login("member")
    project = Project.objects.filter(manager=pm, members__user=member).order_by("pk").first()
    if project is None:
        project = Project.objects.filter(manager=pm).order_by("pk").first()
        assert project is not None
        ProjectMember.objects.create(project=project, user=member)
    url = reverse("governance:project_activity", kwargs={"project_id": project.pk})
    log_in(page, pm_email)
    _check(page, url, axe_source, "governance-activity")
    _check(page, reverse("governance:person_activity", kwargs={"user_id": member.pk}), axe_source,
           "governance-person-activity")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    box = page.get_by_label("Add a comment")
    box.click()
    first_name = member.full_name.split()[0]
    box.press_sequentially(f"Please review @{first_name[:3]}")
    option = page.get_by_role("option", name=member.full_name)
    expect(option).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value(f"Please review @[{member.full_name}](user:{member.pk}) ")
    box.press_sequentially("today")
    page.get_by_role("button", name="Post comment").click()
    newest = page.get_by_test_id("comment").last
    expect(newest.get_by_role("link", name=f"@{member.full_name}")).to_have_attribute(
        "href", reverse("people:user_detail", kwargs={"user_id": member.pk}))
    comment = Comment.objects.filter(project=project).order_by("-id").first()
    assert comment is not None and list(comment.mentions.all()) == [member]
