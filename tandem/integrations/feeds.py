"""iCalendar feeds (issue 10, point 9; RFC 5545, ``INTEROP.md`` "iCalendar").

A feed is a secret link: :func:`calendar_feed_create` makes a ``secrets.token_urlsafe``
token, keeps only its SHA-256 (``CalendarFeed.token_hash``) and answers the token once.
:func:`calendar_feed_resolve` finds a live feed by the token in the URL; a revoked or
unknown one is ``None`` (the view answers 404).

:func:`feed_calendar` builds the calendar with the ``icalendar`` package, always with
the owner's *current* permissions (scoped selectors, so a permission taken away empties
the feed):

* a person's feed: the meetings they organise or attend; the tasks assigned to them
  with a deadline or a scheduled finish (all-day, on that day); the milestones of the
  projects they see and work on (all-day);
* a project's feed: its meetings, its milestones and its tasks' deadlines.

A meeting series is ONE ``VEVENT`` with its ``RRULE`` (``DTSTART`` with ``TZID`` and a
``VTIMEZONE``); its cancelled occurrences are ``EXDATE``; an occurrence moved or
renamed is an overriding ``VEVENT`` with ``RECURRENCE-ID``. UIDs are stable
(``meeting-<id>@tandem``, ``series-<id>@tandem``, ``task-<id>@tandem``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tandem.core import audit
from tandem.core.permissions import require_change, require_create, scoped
from tandem.core.types import Actor
from tandem.delivery.models import Project, Task
from tandem.governance.models import Meeting, MeetingSeries, MeetingStatus
from tandem.integrations.models import CalendarFeed

PRODID = "-//Tandem//Calendar feed//EN"
UID_DOMAIN = "tandem"
USE_INTERVAL = dt.timedelta(hours=1)
PAST_WINDOW = dt.timedelta(days=180)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, actor: Actor, project: Project | None = None) -> tuple[CalendarFeed, str]:
    """A new feed link for the actor (their own feed, or ``project``'s if they see
    it); answers the feed and its secret token, which is not kept."""
    require_create(actor, CalendarFeed)
    if project is not None and not scoped(actor, Project).filter(pk=project.pk).exists():
        raise ValidationError({"project": "You cannot see that project."})
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(owner=actor, project=project, token_hash=token_hash(token),
                                       token_hint=token[-6:])  # type: ignore[misc]
    audit.record_create(actor=actor, instance=feed)
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, actor: Actor, feed: CalendarFeed) -> CalendarFeed:
    require_change(actor, feed)
    if feed.revoked_at is None:
        before = audit.snapshot(feed)
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        audit.record_update(actor=actor, instance=feed, before=before)
    return feed


def calendar_feed_resolve(token: str, *, now: dt.datetime | None = None) -> CalendarFeed | None:
    """The live feed behind ``token`` (``None`` when unknown or revoked); notes its
    use at most once an hour."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.select_related("owner", "project").filter(
        token_hash=token_hash(token), revoked_at__isnull=True).first()
    if feed is None or not feed.owner.is_active:
        return None
    now = now or timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at >= USE_INTERVAL:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
        feed.last_used_at = now
    return feed


# --- Building ------------------------------------------------------------------------


def _uid(kind: str, pk: int) -> str:
    return f"{kind}-{pk}@{UID_DOMAIN}"


def _all_day(uid: str, day: dt.date, summary: str, stamp: dt.datetime, description: str = "") -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")
    if description:
        event.add("description", description)
    return event


def _meeting_fields(event: icalendar.Event, meeting: Meeting) -> None:
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.video_link:
        event.add("url", meeting.video_link)
    description = "\n\n".join(part for part in (meeting.agenda, meeting.video_link) if part)
    if description:
        event.add("description", description)
    if meeting.status == MeetingStatus.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")


def _meeting_event(meeting: Meeting, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", _uid("meeting", meeting.pk))
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add("summary", meeting.title)
    _meeting_fields(event, meeting)
    return event


def _series_events(series: MeetingSeries, occurrences: list[Meeting], stamp: dt.datetime) -> list[icalendar.Event]:
    zone = ZoneInfo(series.time_zone)
    first_local = series.first_starts_at.astimezone(zone)
    master = icalendar.Event()
    uid = _uid("series", series.pk)
    master.add("uid", uid)
    master.add("dtstamp", stamp)
    master.add("dtstart", first_local)
    master.add("dtend", first_local + dt.timedelta(minutes=series.duration_minutes))
    master.add("summary", series.title)
    rule = icalendar.vRecur.from_ical(series.rrule)
    if series.ends_on is not None:
        rule["UNTIL"] = dt.datetime.combine(series.ends_on, dt.time(23, 59, 59), tzinfo=zone).astimezone(dt.UTC)
    master.add("rrule", rule)
    if series.location:
        master.add("location", series.location)
    if series.video_link:
        master.add("url", series.video_link)
    if series.agenda:
        master.add("description", series.agenda)
    events = [master]
    cancelled = [m.recurrence_id.astimezone(zone) for m in occurrences
                 if m.status == MeetingStatus.CANCELLED and m.recurrence_id is not None]
    if cancelled:
        master.add("exdate", cancelled)
    duration = dt.timedelta(minutes=series.duration_minutes)
    for meeting in occurrences:
        if meeting.recurrence_id is None or meeting.status == MeetingStatus.CANCELLED:
            continue
        moved = (meeting.starts_at != meeting.recurrence_id or meeting.ends_at - meeting.starts_at != duration
                 or meeting.title != series.title or meeting.location != series.location)
        if not moved:
            continue
        override = icalendar.Event()
        override.add("uid", uid)
        override.add("dtstamp", stamp)
        override.add("recurrence-id", meeting.recurrence_id.astimezone(zone))
        override.add("dtstart", meeting.starts_at.astimezone(zone))
        override.add("dtend", meeting.ends_at.astimezone(zone))
        override.add("summary", meeting.title)
        _meeting_fields(override, meeting)
        events.append(override)
    return events


def _meetings_part(meetings: list[Meeting], stamp: dt.datetime) -> list[icalendar.Event]:
    singles = [m for m in meetings if m.series_id is None]
    by_series: dict[int, list[Meeting]] = {}
    series_of: dict[int, MeetingSeries] = {}
    for meeting in meetings:
        if meeting.series_id is not None and meeting.series is not None:
            by_series.setdefault(meeting.series_id, []).append(meeting)
            series_of[meeting.series_id] = meeting.series
    events = [_meeting_event(m, stamp) for m in singles]
    for series_id, occurrences in sorted(by_series.items()):
        events.extend(_series_events(series_of[series_id], occurrences, stamp))
    return events


def _task_day(task: Task, zone: ZoneInfo) -> dt.date | None:
    if task.is_milestone and task.due_date is not None:
        return task.due_date
    moment = task.deadline or task.early_finish
    return moment.astimezone(zone).date() if moment is not None else None


def feed_meetings(*, owner: Any, project: Project | None, since: dt.datetime) -> list[Meeting]:
    queryset = scoped(owner, Meeting).select_related("series")
    if project is not None:
        queryset = queryset.filter(project=project)
    else:
        attending = Meeting.users.through.objects.filter(user=owner.pk).values("meeting_id")
        queryset = queryset.filter(Q(organizer=owner.pk) | Q(pk__in=attending))
    # A series stays whole even when its first occurrences are older than the window.
    return list(queryset.filter(Q(starts_at__gte=since) | Q(series__isnull=False)).order_by("starts_at", "pk"))


def feed_tasks(*, owner: Any, project: Project | None, since: dt.datetime) -> list[Task]:
    visible_projects = scoped(owner, Project)
    queryset = Task.objects.filter(project__in=visible_projects.values("pk"), is_summary=False).select_related("project")
    if project is not None:
        queryset = queryset.filter(project=project).filter(
            Q(is_milestone=True, due_date__isnull=False) | Q(is_milestone=True, early_finish__isnull=False)
            | Q(deadline__isnull=False))
    else:
        from tandem.delivery.models import ProjectMember

        mine = Q(assignments__user=owner.pk) & (Q(deadline__isnull=False) | Q(early_finish__isnull=False))
        my_projects = ProjectMember.objects.filter(user=owner.pk).values("project_id")
        milestones = Q(is_milestone=True) & (Q(project__in=my_projects) | Q(project__manager=owner.pk))
        queryset = queryset.filter(mine | milestones).distinct()
    return list(queryset.order_by("project_id", "outline_index", "pk")[:2000])


def feed_calendar(feed: CalendarFeed, *, now: dt.datetime | None = None) -> icalendar.Calendar:
    now = now or timezone.now()
    owner = feed.owner
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    since = now - PAST_WINDOW
    project = feed.project
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if project is not None:
        if not scoped(owner, Project).filter(pk=project.pk).exists():
            calendar.add("x-wr-calname", "Tandem (no longer shared)")
            return calendar
        calendar.add("x-wr-calname", f"Tandem · {project.code} {project.name}")
    else:
        calendar.add("x-wr-calname", f"Tandem · {owner.full_name or owner.email}")
    for event in _meetings_part(feed_meetings(owner=owner, project=project, since=since), stamp):
        calendar.add_component(event)
    zone = ZoneInfo(getattr(owner, "time_zone", None) or "UTC")
    for task in feed_tasks(owner=owner, project=project, since=since):
        day = _task_day(task, zone)
        if day is None:
            continue
        if task.is_milestone:
            summary = f"\u25c6 {task.name} ({task.project.code})"
        elif project is not None or task.deadline is not None:
            summary = f"Due: {task.name} ({task.project.code})"
        else:
            summary = f"Finish: {task.name} ({task.project.code})"
        calendar.add_component(_all_day(_uid("task", task.pk), day, summary, stamp))
    calendar.add_missing_timezones()
    return calendar


def feed_ics(feed: CalendarFeed, *, now: dt.datetime | None = None) -> bytes:
    return bytes(feed_calendar(feed, now=now).to_ical())
