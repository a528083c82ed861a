"""Meeting pages and API: bounded queries, in-place edits, action item buttons."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from tandem.governance.models import ActionItem, Meeting
from tandem.governance.services import meetings as services
from tests.governance.factories_meetings import make_meeting, setup_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> dict:
    return setup_world()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _many(w: dict, count: int) -> None:
    start = timezone.now() + dt.timedelta(days=1)
    for index in range(count):
        make_meeting(actor=w["pm"], project=w["project"], account=w["account"], title=f"Meeting {index}",
                     starts_at=start + dt.timedelta(hours=index))


def _queries(django_assert_max_num_queries, client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_meeting_list_queries_same_at_1_and_60(w: dict, django_assert_max_num_queries) -> None:
    client = _client(w["pm"])
    _many(w, 1)
    one = _queries(django_assert_max_num_queries, client, "/governance/meetings/")
    _many(w, 59)
    sixty = _queries(django_assert_max_num_queries, client, "/governance/meetings/")
    assert (one, sixty) == (6, 6)
    response = client.get("/governance/meetings/")
    assert response.content.count(b'data-testid="meeting-row"') == 50
    assert b"1\xe2\x80\x9350 of 60" in response.content
    # The page size the reader asks for is kept by the page links; the count stays capped.
    small = client.get("/governance/meetings/?per_page=25&page=2").content.decode()
    assert small.count('data-testid="meeting-row"') == 25 and "26\u201350 of 60" in small
    assert "per_page=25&amp;page=3" in small or "page=3&amp;per_page=25" in small


def test_meeting_page_queries_same_at_1_and_15_items(w: dict) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"], account=w["account"], users=[w["member"]],
                           contacts=[w["contact"]], video_link="https://acme.zoom.us/j/1")
    client = _client(w["pm"])
    services.action_item_create(actor=w["pm"], meeting=meeting, description="First", owner=w["member"])
    url = f"/governance/meetings/{meeting.pk}/"
    one = _queries(None, client, url)
    for index in range(14):
        services.action_item_create(actor=w["pm"], meeting=meeting, description=f"Item {index}", owner=w["member"])
    fifteen = _queries(None, client, url)
    assert (one, fifteen) == (9, 9)  # the page, and its comment thread (1; its mentions once there are comments)
    body = client.get(url).content.decode()
    assert body.count('data-testid="action-item"') == 15
    assert "Join (Zoom)" in body and "{# comments #}" not in body


def test_notes_edited_in_place_and_stale_refused(w: dict) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"])
    client = _client(w["pm"])
    url = f"/governance/meetings/{meeting.pk}/"
    response = client.post(url, {"action": "notes", "notes": "Agreed scope", "version": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"Saved." in response.content
    assert Meeting.objects.get().notes == "Agreed scope"
    stale = client.post(url, {"action": "notes", "notes": "Other", "version": "1"}, HTTP_HX_REQUEST="true")
    assert b"Someone changed this meeting meanwhile" in stale.content
    assert Meeting.objects.get().notes == "Agreed scope"


def test_add_item_and_make_it_a_task_from_the_page(w: dict) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"], users=[w["member"]])
    client = _client(w["pm"])
    url = f"/governance/meetings/{meeting.pk}/"
    client.post(url, {"action": "add_item", "description": "Write the plan", "owner": str(w["member"].pk),
                      "due_date": "2027-04-01"})
    item = ActionItem.objects.get()
    assert (item.owner_id, item.due_date) == (w["member"].pk, dt.date(2027, 4, 1))
    client.post(url, {"action": "task", "item": str(item.pk)})
    item.refresh_from_db()
    assert item.task is not None and item.task.name == "Write the plan"


def test_create_form_makes_a_series(w: dict) -> None:
    client = _client(w["pm"])
    response = client.post("/governance/meetings/new/", {
        "title": "Weekly status", "kind": "status", "project": str(w["project"].pk), "account": "",
        "starts_at": (timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT09:30"), "duration": "30",
        "recurrence": "weekly", "rrule": "", "location": "", "video_link": "", "agenda": ""})
    assert response.status_code == 302
    assert Meeting.objects.filter(series__isnull=False).count() > 10
    bad = client.post("/governance/meetings/new/", {
        "title": "X", "kind": "status", "project": str(w["project"].pk), "starts_at": "2027-04-01T09:00",
        "duration": "30", "recurrence": "custom", "rrule": "FREQ=SOMETIMES"})
    assert bad.status_code == 422 and b"Repeat daily, weekly, monthly or yearly." in bad.content


def test_home_cards_numbers_match_lists(w: dict) -> None:
    # "This week" ends on Sunday night: a Wednesday noon keeps "in half an hour" inside it
    # whenever the suite runs (it once ran at 23:40 on a Sunday).
    wednesday_noon = dt.datetime(2027, 3, 10, 12, 0, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=wednesday_noon):
        meeting = make_meeting(actor=w["pm"], project=w["project"], users=[w["member"]],
                               starts_at=wednesday_noon + dt.timedelta(minutes=30))
        services.action_item_create(actor=w["pm"], meeting=meeting, description="Do it", owner=w["member"])
        client = _client(w["member"])
        home = client.get("/").content.decode()
        assert "My meetings" in home and "My action items" in home
        listed = client.get("/governance/meetings/?when=upcoming&mine=1&range=week").content.decode()
        assert listed.count('data-testid="meeting-row"') == 1
        mine = client.get("/governance/action-items/mine/").content.decode()
        assert mine.count('data-testid="my-action-item"') == 1


def test_api_meeting_roundtrip(w: dict) -> None:
    client = _client(w["am"])
    response = client.post("/api/v1/meetings", data={
        "title": "Kickoff", "kind": "kickoff", "starts_at": "2027-04-01T09:00:00Z", "ends_at": "2027-04-01T10:00:00Z",
        "project_id": w["project"].pk, "account_id": w["account"].pk, "contact_ids": [w["contact"].pk]},
        content_type="application/json")
    assert response.status_code == 201, response.content
    meeting_id = response.json()["id"]
    bad = client.post("/api/v1/meetings", data={
        "title": "X", "starts_at": "2027-04-01T09:00:00Z", "ends_at": "2027-04-01T10:00:00Z",
        "account_id": w["account"].pk, "contact_ids": [w["foreign_contact"].pk]}, content_type="application/json")
    assert bad.status_code == 422 and "contacts" in bad.content.decode()
    patched = client.patch(f"/api/v1/meetings/{meeting_id}", data={"version": 1, "agenda": "Intro"},
                           content_type="application/json")
    assert patched.status_code == 200 and patched.json()["version"] == 2
    stale = client.patch(f"/api/v1/meetings/{meeting_id}", data={"version": 1, "agenda": "X"},
                         content_type="application/json")
    assert stale.status_code == 409
    held = client.post(f"/api/v1/meetings/{meeting_id}/held", data={"notes": "Good start"},
                       content_type="application/json")
    assert held.status_code == 200 and held.json()["interaction_id"] is not None
    item = client.post(f"/api/v1/meetings/{meeting_id}/action-items", data={
        "description": "Send minutes", "owner_id": w["am"].pk, "due_date": "2027-04-03"},
        content_type="application/json")
    assert item.status_code == 201
    item_id = item.json()["id"]
    assert client.post(f"/api/v1/action-items/{item_id}/task").status_code == 403  # not the project's manager
    pm = _client(w["pm"])
    assert pm.post(f"/api/v1/action-items/{item_id}/task").json()["task_id"] is not None
    assert pm.post(f"/api/v1/action-items/{item_id}/task").status_code == 422
    listed = client.get("/api/v1/meetings?when=all&project_id=" + str(w["project"].pk)).json()
    assert [row["id"] for row in listed["items"]] == [meeting_id]
    series = pm.post("/api/v1/meeting-series", data={
        "title": "Weekly", "first_starts_at": "2027-04-05T09:30:00+02:00", "time_zone": "Europe/Paris",
        "recurrence": "weekly", "project_id": w["project"].pk}, content_type="application/json")
    assert series.status_code == 201 and series.json()["rrule"] == "FREQ=WEEKLY;BYDAY=MO"
    hidden = _client(w["member"]).get(f"/api/v1/meetings/{meeting_id}")
    assert hidden.status_code == 404


def test_edit_this_occurrence_or_the_whole_series(w: dict) -> None:
    start = (timezone.now() + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    series = services.meeting_series_create(actor=w["pm"], project=w["project"], data={
        "title": "Weekly", "first_starts_at": start, "time_zone": "UTC", "recurrence": "weekly"})
    first, second = list(series.meetings.order_by("starts_at")[:2])
    client = _client(w["pm"])
    page = client.get(f"/governance/meetings/{first.pk}/").content.decode()
    assert "Edit the series" in page
    response = client.post(f"/governance/meetings/{first.pk}/edit/", {
        "version": str(first.version), "scope": "this", "title": "Weekly (moved)", "kind": "status",
        "starts_at": (first.starts_at + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "duration": "30",
        "location": "", "video_link": "", "rrule": series.rrule, "users": [str(w["pm"].pk)]})
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.title, first.starts_at - first.recurrence_id) == ("Weekly (moved)", dt.timedelta(hours=2))
    assert Meeting.objects.get(pk=second.pk).title == "Weekly"
    count = series.meetings.count()
    response = client.post(f"/governance/meetings/{second.pk}/edit/", {
        "scope": "series", "title": "Weekly sync", "kind": "status",
        "starts_at": second.starts_at.strftime("%Y-%m-%dT%H:%M"), "duration": "45", "location": "", "video_link": "",
        "rrule": series.rrule, "users": [str(w["pm"].pk)]})
    assert response.status_code == 302
    titles = set(series.meetings.exclude(pk=first.pk).values_list("title", flat=True))
    assert titles == {"Weekly sync"}
    assert series.meetings.count() == count
    assert Meeting.objects.get(pk=first.pk).title == "Weekly (moved)"  # edited on its own: kept


def test_project_tab_and_account_section(w: dict) -> None:
    make_meeting(actor=w["pm"], project=w["project"], account=w["account"], title="Kickoff with the client",
                 starts_at=timezone.now() + dt.timedelta(days=2))
    tab = _client(w["pm"]).get(f"/governance/projects/{w['project'].pk}/meetings/").content.decode()
    assert "Kickoff with the client" in tab and "New meeting" in tab
    section = _client(w["am"]).get(f"/governance/accounts/{w['account'].pk}/").content.decode()  # the Relationship tab
    assert 'data-testid="account-meetings"' in section and "Kickoff with the client" in section
