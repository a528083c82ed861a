"""Calendar feeds: parsed with icalendar, series expanded with recurring_ical_events."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from django.test import Client

from tandem.delivery.models import ProjectMember
from tandem.governance.models import Meeting
from tandem.governance.services import meetings as services
from tandem.integrations.feeds import calendar_feed_create, calendar_feed_revoke, token_hash
from tandem.integrations.models import CalendarFeed
from tests.delivery.factories import make_project
from tests.governance.factories_meetings import make_meeting, setup_world

pytestmark = pytest.mark.django_db
UTC = dt.UTC
PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2027, 3, 10, tzinfo=UTC)


def _get(token: str) -> icalendar.Calendar:
    response = Client().get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


@pytest.fixture
def w() -> dict:
    world = setup_world()
    ProjectMember.objects.get_or_create(project=world["project"], user=world["member"])
    series = services.meeting_series_create(
        actor=world["pm"], project=world["project"], users=[world["pm"], world["member"]], now=NOW,
        data={"title": "Weekly status", "first_starts_at": dt.datetime(2027, 3, 15, 9, 30, tzinfo=PARIS),
              "time_zone": "Europe/Paris", "recurrence": "weekly", "duration_minutes": 30})
    occurrences = list(series.meetings.order_by("starts_at"))
    services.meeting_cancel(actor=world["pm"], meeting=occurrences[1])  # 22 March
    moved = occurrences[2]  # 29 March, after the change to summer time: moved to 14:00
    services.meeting_update(actor=world["pm"], meeting=moved, data={
        "starts_at": dt.datetime(2027, 3, 29, 14, 0, tzinfo=PARIS)})
    world.update(series=series, occurrences=occurrences)
    return world


def test_token_is_stored_hashed_and_shown_once(w: dict) -> None:
    feed, token = calendar_feed_create(actor=w["member"])
    assert len(token) >= 43
    assert feed.token_hash == token_hash(token) and token not in feed.token_hash
    assert CalendarFeed.objects.filter(token_hash=token).count() == 0


def test_person_feed_expands_the_series(w: dict) -> None:
    _, token = calendar_feed_create(actor=w["member"])
    calendar = _get(token)
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    masters = [e for e in calendar.walk("VEVENT") if "RRULE" in e]
    assert len(masters) == 1
    master = masters[0]
    assert master["DTSTART"].params["TZID"] == "Europe/Paris"
    assert [c["TZID"] for c in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert all("DTSTAMP" in e and "UID" in e for e in calendar.walk("VEVENT"))
    starts = [e["DTSTART"].dt for e in recurring_ical_events.of(calendar).between(
        dt.datetime(2027, 3, 14, tzinfo=UTC), dt.datetime(2027, 4, 13, tzinfo=UTC))]
    local = sorted((s.astimezone(PARIS).date(), s.astimezone(PARIS).strftime("%H:%M")) for s in starts)
    assert local == [
        (dt.date(2027, 3, 15), "09:30"),
        (dt.date(2027, 3, 29), "14:00"),  # moved (override with RECURRENCE-ID); 22 March is an EXDATE
        (dt.date(2027, 4, 5), "09:30"),
        (dt.date(2027, 4, 12), "09:30"),
    ]


def test_uids_are_stable(w: dict) -> None:
    _, token = calendar_feed_create(actor=w["member"])
    first = sorted(str(e["UID"]) for e in _get(token).walk("VEVENT"))
    second = sorted(str(e["UID"]) for e in _get(token).walk("VEVENT"))
    assert first == second
    assert f"series-{w['series'].pk}@tandem" in first


def test_tasks_and_milestones_are_all_day(w: dict) -> None:
    from tests.delivery.factories import make_task

    milestone = make_task(project=w["project"], name="Go-live", is_milestone=True, due_date=dt.date(2027, 4, 30))
    _, token = calendar_feed_create(actor=w["member"])
    events = {str(e["UID"]): e for e in _get(token).walk("VEVENT")}
    event = events[f"task-{milestone.pk}@tandem"]
    assert event["DTSTART"].dt == dt.date(2027, 4, 30)
    assert event["DTSTART"].params.get("VALUE") == "DATE"
    assert event["DTEND"].dt == dt.date(2027, 5, 1)


def test_feed_does_not_leak_other_meetings(w: dict) -> None:
    other = make_meeting(actor=w["pm"], project=w["project"], title="Private planning")  # member not invited
    outsider_project = make_project()
    make_meeting(actor=outsider_project.manager, project=outsider_project, title="Elsewhere",
                 users=[outsider_project.manager])
    _, token = calendar_feed_create(actor=w["member"])
    summaries = {str(e["SUMMARY"]) for e in _get(token).walk("VEVENT")}
    assert "Private planning" not in summaries and "Elsewhere" not in summaries
    _, project_token = calendar_feed_create(actor=w["member"], project=w["project"])
    uids = {str(e["UID"]) for e in _get(project_token).walk("VEVENT")}
    assert f"meeting-{other.pk}@tandem" in uids


def test_lost_permission_empties_project_feed(w: dict) -> None:
    make_meeting(actor=w["pm"], project=w["project"], title="Kickoff")
    _, token = calendar_feed_create(actor=w["member"], project=w["project"])
    assert len(_get(token).walk("VEVENT")) > 0
    ProjectMember.objects.filter(project=w["project"], user=w["member"]).delete()
    Meeting.users.through.objects.filter(user=w["member"]).delete()
    assert _get(token).walk("VEVENT") == []


def test_revoked_and_unknown_tokens_are_404(w: dict) -> None:
    feed, token = calendar_feed_create(actor=w["member"])
    calendar_feed_revoke(actor=w["member"], feed=feed)
    assert Client().get(f"/calendar/{token}.ics").status_code == 404
    assert Client().get("/calendar/not-a-token.ics").status_code == 404


def test_last_used_at_once_an_hour(w: dict) -> None:
    feed, token = calendar_feed_create(actor=w["member"])
    _get(token)
    first = CalendarFeed.objects.get(pk=feed.pk).last_used_at
    assert first is not None
    _get(token)
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at == first


def test_api_create_list_revoke(w: dict) -> None:
    client = Client()
    client.force_login(w["member"])
    response = client.post("/api/v1/calendar-feeds", data={}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"].startswith("http://testserver/calendar/") and body["url"].endswith(".ics")
    listed = client.get("/api/v1/calendar-feeds").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]] and "url" not in listed["items"][0]
    assert client.delete(f"/api/v1/calendar-feeds/{body['id']}").status_code == 204
    token = body["url"].rsplit("/", 1)[1][:-4]
    assert Client().get(f"/calendar/{token}.ics").status_code == 404


def test_management_page_shows_link_once(w: dict) -> None:
    client = Client()
    client.force_login(w["member"])
    response = client.post("/calendar-feeds/", data={})
    assert response.status_code == 200
    assert b"Copy this link now" in response.content
    again = client.get("/calendar-feeds/")
    assert b"Copy this link now" not in again.content and b"My calendar" in again.content
