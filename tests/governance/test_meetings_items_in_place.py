"""The meeting page's action items changed in place (HTMX): the section answered again
(200, or 422 with the reasons in it), the focus on the next sensible control, bounded
queries; the same forms without JavaScript post and redirect."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.governance.models import ActionItem, ActionItemStatus
from tandem.governance.services import meetings as services
from tests.conftest import client_for
from tests.governance.factories_meetings import make_meeting, setup_world

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def w() -> dict:
    return setup_world()




def _url(meeting) -> str:
    return f"/governance/meetings/{meeting.pk}/"


def _section_only(body: str) -> None:
    assert body.lstrip().startswith('<section class="card mb-4" aria-labelledby="items-heading" id="action-items"')
    assert body.rstrip().endswith("</section>")
    assert "<html" not in body and "Agenda" not in body and 'id="comments-' not in body


def test_add_in_place_answers_the_section_with_the_focus_back_on_the_description(w: dict) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"], users=[w["member"]])
    response = client_for(w["pm"]).post(_url(meeting), {
        "action": "add_item", "description": "Write the plan", "owner": str(w["member"].pk),
        "due_date": "2027-04-01"}, **HX)
    assert response.status_code == 200
    body = response.content.decode()
    _section_only(body)
    item = ActionItem.objects.get()
    assert (item.description, item.owner_id, item.due_date) == ("Write the plan", w["member"].pk, dt.date(2027, 4, 1))
    assert '<p class="text-success small mb-0" role="status" data-testid="items-message">Added \u201cWrite the plan\u201d.</p>' in body
    assert 'name="description" maxlength="300" required value="" autofocus>' in body
    assert body.count('data-testid="action-item"') == 1 and "Mo Member · due 1 Apr 2027" in body
    assert '<span class="badge text-bg-secondary" data-testid="open-items">1 open</span>' in body
    assert 'hx-target="#action-items" hx-swap="outerHTML"' in body


def test_a_refused_add_is_422_with_the_reasons_and_the_values_kept(w: dict) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"], users=[w["member"]])
    client = client_for(w["pm"])
    response = client.post(_url(meeting), {"action": "add_item", "description": "  ", "owner": str(w["member"].pk),
                                           "due_date": "2027-04-01"}, **HX)
    assert response.status_code == 422
    body = response.content.decode()
    _section_only(body)
    assert ('<input class="form-control is-invalid" id="item-description" name="description" maxlength="300" '
            'required value="  " aria-invalid="true" aria-describedby="item-description-error" autofocus>') in body
    assert '<div class="invalid-feedback" id="item-description-error">Say what is to be done.</div>' in body
    assert f'<option value="{w["member"].pk}" selected>Mo Member</option>' in body
    assert 'name="due_date" value="2027-04-01">' in body
    bad_date = client.post(_url(meeting), {"action": "add_item", "description": "Plan", "due_date": "soon"}, **HX)
    assert bad_date.status_code == 422
    assert '<div class="invalid-feedback" id="item-due-error">Give the due date as a date.</div>' in (
        bad_date.content.decode())
    stranger = client.post(_url(meeting), {"action": "add_item", "description": "Plan", "owner": str(w["am"].pk)}, **HX)
    assert stranger.status_code == 422 and "Choose the owner among the meeting&#x27;s attendees." in (
        stranger.content.decode())
    assert not ActionItem.objects.exists()


def test_done_reopen_and_task_in_place_move_the_focus(w: dict) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"], users=[w["member"]])
    item = services.action_item_create(actor=w["pm"], meeting=meeting, description="Write the plan",
                                       owner=w["member"], due_date=dt.date(2027, 4, 1))
    client = client_for(w["pm"])
    done = client.post(_url(meeting), {"action": "complete", "item": str(item.pk)}, **HX)
    assert done.status_code == 200
    body = done.content.decode()
    assert "\u201cWrite the plan\u201d is done." in body and "0 open" in body
    assert ('<button class="btn btn-sm btn-outline-secondary" name="action" value="reopen" autofocus>Reopen'
            '<span class="visually-hidden"> Write the plan</span></button>') in body
    reopened = client.post(_url(meeting), {"action": "reopen", "item": str(item.pk)}, **HX)
    assert reopened.status_code == 200 and "is open again." in reopened.content.decode()
    assert ActionItem.objects.get().status == ActionItemStatus.OPEN
    task = client.post(_url(meeting), {"action": "task", "item": str(item.pk)}, **HX)
    assert task.status_code == 200
    item.refresh_from_db()
    assert item.task is not None and item.task.name == "Write the plan"
    body = task.content.decode()
    assert (f'<a href="/delivery/projects/{w["project"].pk}/#task-{item.task_id}" data-testid="item-task-link" '
            f'autofocus>Task: Write the plan</a>') in body
    assert 'value="task">Make it a task' not in body
    again = client.post(_url(meeting), {"action": "task", "item": str(item.pk)}, **HX)
    assert again.status_code == 422
    assert ('role="alert" tabindex="-1" data-testid="items-errors" autofocus>This action item is already a task.'
            '</div>') in again.content.decode()
    assert ActionItem.objects.get().task_id == item.task_id


def test_follow_up_in_place(w: dict) -> None:
    meeting = make_meeting(actor=w["am"], account=w["account"])
    item = services.action_item_create(actor=w["am"], meeting=meeting, description="Send the quote",
                                       due_date=dt.date(2027, 4, 2))
    response = client_for(w["am"]).post(_url(meeting), {"action": "follow_up", "item": str(item.pk)}, **HX)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.follow_up is not None and item.follow_up.due_date == dt.date(2027, 4, 2)
    assert ('data-testid="item-follow-up-link" autofocus>Follow-up due 2 Apr 2027</a>') in response.content.decode()
    assert "\u201cSend the quote\u201d is now a follow-up." in response.content.decode()


# session, user, roles, the meeting, the item; the write (savepoints, its checks, the
# update and its audit entry: 8); then the section: the items with their owners, tasks
# and follow-ups, and the attendees (the owner choices).
ONE_ITEM_QUERIES = 15


def _count(client: Client, url: str, data: dict) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data, **HX)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_section_answer_queries_are_the_same_at_1_and_15_items(w: dict) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"], users=[w["member"]])
    client = client_for(w["pm"])
    item = services.action_item_create(actor=w["pm"], meeting=meeting, description="First", owner=w["member"])
    one = _count(client, _url(meeting), {"action": "complete", "item": str(item.pk)})
    for index in range(14):
        services.action_item_create(actor=w["pm"], meeting=meeting, description=f"Item {index}", owner=w["member"])
    fifteen = _count(client, _url(meeting), {"action": "reopen", "item": str(item.pk)})
    assert (one, fifteen) == (ONE_ITEM_QUERIES, ONE_ITEM_QUERIES)


def test_without_javascript_the_forms_post_and_redirect(w: dict) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"], users=[w["member"]])
    client = client_for(w["pm"])
    response = client.post(_url(meeting), {"action": "add_item", "description": "Write the plan"})
    assert response.status_code == 302 and response["Location"] == f"{_url(meeting)}#action-items"
    item = ActionItem.objects.get()
    done = client.post(_url(meeting), {"action": "complete", "item": str(item.pk)})
    assert done.status_code == 302 and ActionItem.objects.get().status == ActionItemStatus.DONE
    refused = client.post(_url(meeting), {"action": "add_item", "description": ""})
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "<html" in body and 'id="item-description-error">Say what is to be done.</div>' in body
    assert "autofocus" in body  # the full page, the invalid field first
    assert ActionItem.objects.count() == 1


def test_who_may_not_change_the_meeting_gets_403_and_nothing_changes(w: dict) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"], users=[w["member"]])
    item = services.action_item_create(actor=w["pm"], meeting=meeting, description="Write the plan")
    client = client_for(w["member"])
    assert client.post(_url(meeting), {"action": "add_item", "description": "Mine"}, **HX).status_code == 403
    assert client.post(_url(meeting), {"action": "task", "item": str(item.pk)}, **HX).status_code == 403
    assert list(ActionItem.objects.values_list("description", "task_id")) == [("Write the plan", None)]
    page = client.get(_url(meeting)).content.decode()
    assert 'data-testid="add-item"' not in page and 'value="task"' not in page

