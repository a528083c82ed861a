"""Meetings, series and action items: the services' rules, refusals change nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from tandem.clients.models import FollowUp, Interaction
from tandem.core import events as core_events
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.delivery.models import Task
from tandem.governance.models import ActionItem, Meeting, MeetingSeries
from tandem.governance.services import meetings as services
from tests.governance.factories_meetings import make_meeting, setup_world

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def w() -> dict:
    return setup_world()


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list:
    seen: list = []
    monkeypatch.setattr(core_events, "_SINKS", [*core_events._SINKS, seen.append])
    return seen


def test_meeting_needs_project_or_account(w: dict) -> None:
    with pytest.raises(ValidationError) as exc:
        make_meeting(actor=w["pm"])
    assert exc.value.message_dict == {"project": ["Link the meeting to a project or an account (or both)."]}
    assert Meeting.objects.count() == 0


def test_video_link_must_be_https(w: dict) -> None:
    with pytest.raises(ValidationError) as exc:
        make_meeting(actor=w["pm"], project=w["project"], video_link="http://zoom.us/j/1")
    assert list(exc.value.message_dict) == ["video_link"]
    meeting = make_meeting(actor=w["pm"], project=w["project"], video_link="https://acme.zoom.us/j/123")
    assert services.video_provider(meeting.video_link) == "Zoom"
    assert services.video_provider("https://teams.microsoft.com/l/meetup-join/x") == "Teams"


def test_contacts_only_of_the_account(w: dict) -> None:
    with pytest.raises(ValidationError) as exc:
        make_meeting(actor=w["pm"], project=w["project"], account=w["account"], contacts=[w["foreign_contact"]])
    assert list(exc.value.message_dict) == ["contacts"]
    assert Meeting.objects.count() == 0


def test_member_may_not_plan_and_nothing_is_written(w: dict) -> None:
    with pytest.raises(PermissionDeniedError):
        make_meeting(actor=w["member"], project=w["project"])
    assert Meeting.objects.count() == 0


def test_meeting_scheduled_event(w: dict, published: list) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"])
    [event] = [e for e in published if e.type == "meeting.scheduled"]
    assert event.data["meeting_id"] == meeting.pk
    assert event.project_id == w["project"].pk


def test_stale_update_is_a_conflict(w: dict) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"])
    services.meeting_update(actor=w["pm"], meeting=meeting, data={"agenda": "One"}, expected_version=1)
    stale = Meeting.objects.get(pk=meeting.pk)
    with pytest.raises(ConflictError):
        services.meeting_update(actor=w["pm"], meeting=stale, data={"agenda": "Two"}, expected_version=1)
    assert Meeting.objects.get(pk=meeting.pk).agenda == "One"


def test_held_with_contacts_makes_one_interaction(w: dict) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"], account=w["account"], contacts=[w["contact"]],
                           kind="qbr", users=[w["pm"]])
    held = services.meeting_mark_held(actor=w["pm"], meeting=meeting, notes="Renewal looks good")
    interaction = Interaction.objects.get()
    assert held.interaction_id == interaction.pk
    assert (interaction.kind, interaction.account_id, interaction.subject) == ("qbr", w["account"].pk, "Status meeting")
    assert list(interaction.contacts.all()) == [w["contact"]]
    assert interaction.occurred_at == meeting.starts_at
    w["account"].refresh_from_db()
    assert w["account"].last_contact_at == meeting.starts_at
    services.meeting_mark_held(actor=w["pm"], meeting=Meeting.objects.get(pk=meeting.pk), notes="again")
    assert Interaction.objects.count() == 1


def test_held_with_video_link_is_a_video_interaction(w: dict) -> None:
    meeting = make_meeting(actor=w["am"], account=w["account"], contacts=[w["contact"]],
                           video_link="https://teams.microsoft.com/l/x")
    services.meeting_mark_held(actor=w["am"], meeting=meeting)
    assert Interaction.objects.get().kind == "video"


def test_held_without_contacts_makes_no_interaction(w: dict) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"], account=w["account"])
    services.meeting_mark_held(actor=w["pm"], meeting=meeting)
    assert Interaction.objects.count() == 0


def test_cancelled_meeting_cannot_be_held(w: dict) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"])
    meeting = services.meeting_cancel(actor=w["pm"], meeting=meeting)
    with pytest.raises(ValidationError):
        services.meeting_mark_held(actor=w["pm"], meeting=meeting)
    assert Meeting.objects.get().status == "cancelled"


def test_series_keeps_wall_clock_across_dst(w: dict) -> None:
    paris = ZoneInfo("Europe/Paris")
    first = dt.datetime(2027, 3, 15, 9, 30, tzinfo=paris)  # CET; DST starts 28 March 2027
    series = services.meeting_series_create(
        actor=w["pm"], project=w["project"], now=dt.datetime(2027, 3, 10, tzinfo=UTC),
        data={"title": "Weekly status", "first_starts_at": first, "time_zone": "Europe/Paris",
              "recurrence": "weekly", "duration_minutes": 30})
    assert series.rrule == "FREQ=WEEKLY;BYDAY=MO"
    starts = list(series.meetings.order_by("starts_at").values_list("starts_at", flat=True))
    local = [s.astimezone(paris) for s in starts]
    assert all((m.hour, m.minute, m.weekday()) == (9, 30, 0) for m in local)
    assert [s.astimezone(UTC).hour for s in starts[:3]] == [8, 8, 7]
    # horizon: 120 days after 10 March 2027 is 8 July 2027
    assert local[0].date() == dt.date(2027, 3, 15)
    assert local[-1].date() == dt.date(2027, 7, 5)
    assert len(starts) == 17


def test_series_caps_at_sixty(w: dict) -> None:
    series = services.meeting_series_create(
        actor=w["pm"], project=w["project"], now=dt.datetime(2027, 3, 1, tzinfo=UTC),
        data={"title": "Daily stand-up", "first_starts_at": dt.datetime(2027, 3, 1, 9, tzinfo=UTC),
              "time_zone": "UTC", "rrule": "FREQ=DAILY"})
    assert series.meetings.count() == 60


def test_bad_rule_is_refused(w: dict) -> None:
    for rule in ("FREQ=SOMETIMES", "NONSENSE", "FREQ=WEEKLY;BYDAY=XX"):
        with pytest.raises(ValidationError) as exc:
            services.meeting_series_create(
                actor=w["pm"], project=w["project"], data={
                    "title": "X", "first_starts_at": dt.datetime(2027, 3, 1, 9, tzinfo=UTC), "rrule": rule})
        assert list(exc.value.message_dict) == ["rrule"]
    assert MeetingSeries.objects.count() == 0


def test_whole_series_edit_regenerates_future_keeps_past(w: dict) -> None:
    now = dt.datetime(2027, 3, 1, tzinfo=UTC)
    series = services.meeting_series_create(
        actor=w["pm"], project=w["project"], now=now,
        data={"title": "Weekly", "first_starts_at": dt.datetime(2027, 3, 1, 9, tzinfo=UTC), "time_zone": "UTC",
              "recurrence": "weekly"})
    first = series.meetings.order_by("starts_at").first()
    services.meeting_mark_held(actor=w["pm"], meeting=first, notes="kept")
    later = now + dt.timedelta(days=3)
    series = services.meeting_series_update(actor=w["pm"], series=series, data={"rrule": "FREQ=WEEKLY;BYDAY=TU",
                                                                                "title": "Weekly (Tue)"}, now=later)
    rows = list(series.meetings.order_by("starts_at"))
    assert rows[0].pk == first.pk and rows[0].notes == "kept" and rows[0].title == "Weekly"
    assert {m.starts_at.weekday() for m in rows[1:]} == {1}
    assert {m.title for m in rows[1:]} == {"Weekly (Tue)"}


def test_series_stop_cancels_later_occurrences(w: dict) -> None:
    series = services.meeting_series_create(
        actor=w["pm"], project=w["project"], now=dt.datetime(2027, 3, 1, tzinfo=UTC),
        data={"title": "Weekly", "first_starts_at": dt.datetime(2027, 3, 1, 9, tzinfo=UTC), "time_zone": "UTC",
              "recurrence": "weekly"})
    services.meeting_series_stop(actor=w["pm"], series=series, ends_on=dt.date(2027, 3, 20))
    assert series.meetings.exclude(status="cancelled").count() == 3
    assert services.meeting_series_extend_all(now=dt.datetime(2027, 4, 1, tzinfo=UTC)) == 0


def test_daily_job_extends_the_horizon(w: dict) -> None:
    series = services.meeting_series_create(
        actor=w["pm"], project=w["project"], now=dt.datetime(2027, 3, 1, tzinfo=UTC),
        data={"title": "Weekly", "first_starts_at": dt.datetime(2027, 3, 1, 9, tzinfo=UTC), "time_zone": "UTC",
              "recurrence": "weekly"})
    before = series.meetings.count()
    assert services.meeting_series_extend_all(now=dt.datetime(2027, 3, 15, tzinfo=UTC)) == 2
    assert series.meetings.count() == before + 2
    assert services.meeting_series_extend_all(now=dt.datetime(2027, 3, 15, tzinfo=UTC)) == 0


def test_action_item_to_task_once(w: dict, published: list) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"], users=[w["member"]])
    item = services.action_item_create(actor=w["pm"], meeting=meeting, description="Draft the test plan",
                                       owner=w["member"], due_date=dt.date(2027, 3, 10))
    assert [e.data["action_item_id"] for e in published if e.type == "action_item.assigned"] == [item.pk]
    item = services.action_item_to_task(actor=w["pm"], action_item=item)
    task = Task.objects.get(pk=item.task_id)
    assert (task.name, task.project_id, task.constraint_type) == ("Draft the test plan", w["project"].pk, "fnlt")
    assert task.deadline.date() == dt.date(2027, 3, 10)
    assert list(task.assignees.all()) == [w["member"]]
    with pytest.raises(ValidationError) as exc:
        services.action_item_to_task(actor=w["pm"], action_item=item)
    assert list(exc.value.message_dict) == ["task"]
    assert Task.objects.filter(project=w["project"]).count() == 1


def test_action_item_to_follow_up_once_and_refusals(w: dict) -> None:
    project_only = make_meeting(actor=w["pm"], project=w["project"])
    item = services.action_item_create(actor=w["pm"], meeting=project_only, description="Call back")
    with pytest.raises(ValidationError) as exc:
        services.action_item_to_follow_up(actor=w["pm"], action_item=item)
    assert list(exc.value.message_dict) == ["follow_up"]
    account_only = make_meeting(actor=w["am"], account=w["account"])
    item = services.action_item_create(actor=w["am"], meeting=account_only, description="Send the proposal",
                                       owner=w["am"], due_date=dt.date(2027, 3, 5))
    with pytest.raises(ValidationError) as exc:
        services.action_item_to_task(actor=w["am"], action_item=item)
    assert list(exc.value.message_dict) == ["task"]
    item = services.action_item_to_follow_up(actor=w["am"], action_item=item)
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner_id, follow_up.due_date, follow_up.description) == (
        w["am"].pk, dt.date(2027, 3, 5), "Send the proposal")
    assert item.follow_up_id == follow_up.pk
    with pytest.raises(ValidationError):
        services.action_item_to_follow_up(actor=w["am"], action_item=item)
    assert FollowUp.objects.count() == 1


def test_action_item_complete_reopen_and_owner_may_close(w: dict) -> None:
    meeting = make_meeting(actor=w["pm"], project=w["project"])
    item = services.action_item_create(actor=w["pm"], meeting=meeting, description="Fix it", owner=w["member"])
    item = services.action_item_complete(actor=w["member"], action_item=item)
    assert item.status == "done" and item.done_at is not None
    item = services.action_item_reopen(actor=w["member"], action_item=item)
    assert (item.status, item.done_at) == ("open", None)
    with pytest.raises(ValidationError):
        services.action_item_create(actor=w["pm"], meeting=meeting, description="  ")
    assert ActionItem.objects.count() == 1
