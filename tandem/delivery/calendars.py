"""A project's working calendar as the scheduler's value, and its time zone.

A project with its own calendar (``delivery.Calendar``: a working week and exceptions,
e.g. imported from MS Project) uses it; any other uses the organisation calendar (its
business day, working weekdays and holidays). Dates are kept in the database as
instants and handed to the scheduler as local times of the organisation's time zone.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tandem.delivery.models import Calendar, Project
from tandem.delivery.scheduling import ProjectCalendar
from tandem.people.selectors import calendar_get, organisation_calendar


def calendar_value(calendar: Calendar) -> ProjectCalendar:
    """One stored calendar as the scheduler's value (one query for its exceptions)."""
    exceptions = {
        row.date: tuple(tuple(interval) for interval in row.working_times)
        for row in calendar.exceptions.all()
    }
    return ProjectCalendar.build(week=calendar.week, exceptions=exceptions, name=calendar.name)


def project_time_zone() -> ZoneInfo:
    return ZoneInfo(calendar_get().time_zone)


def project_calendar(project: Project) -> tuple[ProjectCalendar, ZoneInfo]:
    if project.calendar_id is not None:
        return calendar_value(project.calendar), project_time_zone()  # type: ignore[arg-type]
    organisation = organisation_calendar()
    return ProjectCalendar.from_working_calendar(organisation), organisation.time_zone


def to_local(value: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    """A stored instant as the naive local time the scheduler and exports use."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value
    return value.astimezone(zone).replace(tzinfo=None)


def from_local(value: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    """A naive local time as an aware instant to store."""
    if value is None:
        return None
    if value.tzinfo is not None:
        return value
    return value.replace(tzinfo=zone)
