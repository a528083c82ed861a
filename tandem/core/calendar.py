"""Business-hours arithmetic on the organisation calendar.

:func:`business_duration` is the one function that measures a duration in business
hours; every "business hours" figure in Tandem (inquiry response times, SLA due times,
availability) goes through it. It is pure: the calendar comes in as a
:class:`WorkingCalendar` value (``tandem.people.selectors.organisation_calendar()``
builds one from the database).

Contract (pinned by property-based tests):
* never negative and never longer than ``end - start``;
* additive: ``business_duration(a, c) == business_duration(a, b) + business_duration(b, c)``
  for ``a <= b <= c``;
* a holiday or non-working weekday contributes zero;
* local business hours follow the calendar's time zone, daylight-saving changes included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

UTC = dt.UTC


@dataclass(frozen=True)
class WorkingCalendar:
    time_zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    day_start: dt.time = dt.time(9, 0)
    day_end: dt.time = dt.time(17, 0)
    working_weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    holidays: frozenset[dt.date] = frozenset()

    def __post_init__(self) -> None:
        if self.day_end <= self.day_start:
            raise ValueError("day_end must be later than day_start")
        if not self.working_weekdays <= set(range(7)):
            raise ValueError("working_weekdays holds weekday numbers 0 (Monday) to 6 (Sunday)")

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.working_weekdays and day not in self.holidays

    def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The business window of a local date, as UTC instants."""
        start = dt.datetime.combine(day, self.day_start, tzinfo=self.time_zone).astimezone(UTC)
        end = dt.datetime.combine(day, self.day_end, tzinfo=self.time_zone).astimezone(UTC)
        return start, end

    @property
    def hours_per_day(self) -> float:
        start = dt.datetime.combine(dt.date(2000, 1, 3), self.day_start)
        end = dt.datetime.combine(dt.date(2000, 1, 3), self.day_end)
        return (end - start).total_seconds() / 3600


def _require_aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def business_duration(
    start: dt.datetime, end: dt.datetime, calendar: WorkingCalendar
) -> dt.timedelta:
    """Working time between two instants; zero when ``end <= start``."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    if end_utc <= start_utc:
        return dt.timedelta(0)
    first_day = start_utc.astimezone(calendar.time_zone).date() - dt.timedelta(days=1)
    last_day = end_utc.astimezone(calendar.time_zone).date() + dt.timedelta(days=1)
    total = dt.timedelta(0)
    day = first_day
    one_day = dt.timedelta(days=1)
    while day <= last_day:
        if calendar.is_working_day(day):
            window_start, window_end = calendar.window(day)
            overlap_start = max(window_start, start_utc)
            overlap_end = min(window_end, end_utc)
            if overlap_end > overlap_start:
                total += overlap_end - overlap_start
        day += one_day
    return total


def business_hours(start: dt.datetime, end: dt.datetime, calendar: WorkingCalendar) -> float:
    return business_duration(start, end, calendar).total_seconds() / 3600


def add_business_hours(
    start: dt.datetime, hours: float, calendar: WorkingCalendar, *, max_days: int = 3660
) -> dt.datetime:
    """The instant at which ``hours`` of business time have passed since ``start``.

    Used for SLA due times. Raises ``ValueError`` if the calendar has no working time
    in ``max_days`` days (e.g. no working weekdays).
    """
    _require_aware(start, "start")
    remaining = dt.timedelta(hours=hours)
    cursor = start.astimezone(UTC)
    if remaining <= dt.timedelta(0):
        return cursor
    day = cursor.astimezone(calendar.time_zone).date() - dt.timedelta(days=1)
    for _ in range(max_days):
        if calendar.is_working_day(day):
            window_start, window_end = calendar.window(day)
            segment_start = max(window_start, cursor)
            if window_end > segment_start:
                available = window_end - segment_start
                if available >= remaining:
                    return segment_start + remaining
                remaining -= available
                cursor = window_end
        day += dt.timedelta(days=1)
    raise ValueError("the calendar has no working time in range")
