"""A project's working calendar and the working-time axis the scheduler computes on.

A :class:`ProjectCalendar` holds the working times of each weekday (one or more
intervals, e.g. 08:00–12:00 and 13:00–17:00, as MS Project's standard calendar) and
exceptions by date (a holiday is a date with no working time; a Saturday worked is a
date with its own intervals).

A :class:`Timeline` is that calendar seen from one origin: offset 0 is the first working
minute at or after the origin, and every instant is a whole number of working minutes
from it (negative before it). The scheduler adds and compares integers; only the edges
convert:

* :meth:`Timeline.offset` — a local datetime to working minutes (time outside working
  hours counts as the nearest working minute after it);
* :meth:`Timeline.start_at` — where work starting at an offset begins: the start of the
  next working interval when the offset falls on a boundary (a task that follows one
  finishing at 17:00 starts at 08:00 the next working day);
* :meth:`Timeline.finish_at` — where work finishing at an offset ends: the end of the
  interval it falls in (17:00, not 08:00 the next day).

Datetimes are naive local times of the calendar, as MS Project writes them.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tandem.core.calendar import WorkingCalendar

Interval = tuple[int, int]  # minutes since midnight, [start, end)
DayTimes = tuple[Interval, ...]

MINUTES_PER_DAY = 24 * 60
STANDARD_DAY: DayTimes = ((8 * 60, 12 * 60), (13 * 60, 17 * 60))
# How far the axis may reach from its origin before a calendar counts as having no
# working time at all (a plan longer than this is refused, not looped over).
MAX_SPAN_DAYS = 100 * 366
_CHUNK_DAYS = 366


def _check_day(times: DayTimes, where: str) -> DayTimes:
    previous_end = -1
    for start, end in times:
        if not (0 <= start < end <= MINUTES_PER_DAY):
            raise ValueError(f"{where}: working time {start}–{end} is not within one day")
        if start < previous_end:
            raise ValueError(f"{where}: working times overlap or are out of order")
        previous_end = end
    return tuple(times)


@dataclass(frozen=True)
class ProjectCalendar:
    """Working times per weekday (Monday = 0) and exceptions by date."""

    week: tuple[DayTimes, ...] = (STANDARD_DAY,) * 5 + ((), ())
    exceptions: Mapping[dt.date, DayTimes] = field(default_factory=dict)
    name: str = "Standard"

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("a calendar week has seven days, Monday first")
        for number, times in enumerate(self.week):
            _check_day(times, f"weekday {number}")
        for day, times in self.exceptions.items():
            _check_day(times, day.isoformat())

    @classmethod
    def from_working_calendar(cls, calendar: WorkingCalendar, name: str = "") -> ProjectCalendar:
        """The organisation calendar (one window a day, working weekdays, holidays)."""
        window: DayTimes = (
            (calendar.day_start.hour * 60 + calendar.day_start.minute,
             calendar.day_end.hour * 60 + calendar.day_end.minute),
        )
        week = tuple(window if day in calendar.working_weekdays else () for day in range(7))
        return cls(week=week, exceptions={day: () for day in calendar.holidays},
                   name=name or "Organisation calendar")

    @classmethod
    def build(
        cls,
        week: Iterable[Iterable[Interval]],
        exceptions: Mapping[dt.date, Iterable[Interval]] | None = None,
        name: str = "",
    ) -> ProjectCalendar:
        return cls(
            week=tuple(tuple(sorted(times)) for times in week),
            exceptions={day: tuple(sorted(times)) for day, times in (exceptions or {}).items()},
            name=name or "Calendar",
        )

    def times(self, day: dt.date) -> DayTimes:
        found = self.exceptions.get(day)
        return found if found is not None else self.week[day.weekday()]

    def minutes(self, day: dt.date) -> int:
        return sum(end - start for start, end in self.times(day))

    @property
    def minutes_per_week(self) -> int:
        return sum(end - start for times in self.week for start, end in times)

    @property
    def minutes_per_day(self) -> int:
        """The working day MS Project converts days with (its MinutesPerDay)."""
        days = [sum(end - start for start, end in times) for times in self.week if times]
        return max(days) if days else 0


class Timeline:
    """Working minutes from an origin, on a calendar, both ways."""

    def __init__(
        self, calendar: ProjectCalendar, origin: dt.datetime, *, reach: tuple[int, int] = (_CHUNK_DAYS, _CHUNK_DAYS),
    ) -> None:
        """``reach``: the days before and after the origin laid out at once (a year each
        way for the scheduler; a page converting a few dates of one plan asks for the
        plan's span). Any day outside it is laid out when first asked for, a year at a
        time, so the answers do not depend on it."""
        if calendar.minutes_per_week == 0 and not any(calendar.exceptions.values()):
            raise ValueError(f"the calendar {calendar.name!r} has no working time")
        self.calendar = calendar
        origin = origin.replace(tzinfo=None, second=0, microsecond=0)
        before, after = max(reach[0], 1), max(reach[1], 1)
        self._first = origin.date() - dt.timedelta(days=before)
        self._days: list[DayTimes] = []
        self._cum: list[int] = [0]
        self._extend_forward(before + after)
        self._zero = 0
        self._zero = self.offset(origin)
        self._start_cache: dict[int, dt.datetime] = {}
        self._finish_cache: dict[int, dt.datetime] = {}

    # --- the day table -------------------------------------------------------------
    def _extend_forward(self, days: int) -> None:
        if len(self._days) + days > 2 * MAX_SPAN_DAYS:
            raise ValueError(f"the calendar {self.calendar.name!r} has no working time in range")
        day = self._first + dt.timedelta(days=len(self._days))
        total = self._cum[-1]
        for _ in range(days):
            times = self.calendar.times(day)
            self._days.append(times)
            total += sum(end - start for start, end in times)
            self._cum.append(total)
            day += dt.timedelta(days=1)

    def _extend_backward(self, days: int) -> None:
        if len(self._days) + days > 2 * MAX_SPAN_DAYS:
            raise ValueError(f"the calendar {self.calendar.name!r} has no working time in range")
        new_first = self._first - dt.timedelta(days=days)
        extra = [self.calendar.times(new_first + dt.timedelta(days=i)) for i in range(days)]
        added = sum(end - start for times in extra for start, end in times)
        cum = [0]
        for times in extra:
            cum.append(cum[-1] + sum(end - start for start, end in times))
        self._cum = cum[:-1] + [value + added for value in self._cum]
        self._days = extra + self._days
        self._first = new_first
        self._zero += added
        self._start_cache = {}
        self._finish_cache = {}

    def _index(self, day: dt.date) -> int:
        index = (day - self._first).days
        while index < 0:
            self._extend_backward(_CHUNK_DAYS)
            index = (day - self._first).days
        while index >= len(self._days):
            self._extend_forward(_CHUNK_DAYS)
        return index

    def _absolute_in_range(self, absolute: int) -> int:
        # Keep a working day on both sides of the absolute minute (returns it shifted by
        # any backward extension).
        while absolute <= self._cum[0]:
            before = self._zero
            self._extend_backward(_CHUNK_DAYS)
            absolute += self._zero - before
        while absolute >= self._cum[-1]:
            self._extend_forward(_CHUNK_DAYS)
        return absolute

    # --- conversions --------------------------------------------------------------
    def offset(self, moment: dt.datetime | dt.date) -> int:
        """Working minutes from the origin to a local datetime (a date is its midnight)."""
        if not isinstance(moment, dt.datetime):
            moment = dt.datetime.combine(moment, dt.time(0))
        moment = moment.replace(tzinfo=None)
        index = self._index(moment.date())
        minute = moment.hour * 60 + moment.minute
        within = 0
        for start, end in self._days[index]:
            if minute <= start:
                break
            within += min(minute, end) - start
        return self._cum[index] + within - self._zero

    def start_at(self, offset: int) -> dt.datetime:
        cached = self._start_cache.get(offset)
        if cached is not None:
            return cached
        absolute = self._absolute_in_range(offset + self._zero)
        index = bisect.bisect_right(self._cum, absolute) - 1
        remaining = absolute - self._cum[index]
        for start, end in self._days[index]:
            if remaining < end - start:
                result = self._at(index, start + remaining)
                self._start_cache[offset] = result
                return result
            remaining -= end - start
        raise AssertionError("a working minute lies in a day with working time")  # pragma: no cover

    def finish_at(self, offset: int) -> dt.datetime:
        cached = self._finish_cache.get(offset)
        if cached is not None:
            return cached
        absolute = self._absolute_in_range(offset + self._zero)
        index = bisect.bisect_left(self._cum, absolute) - 1
        remaining = absolute - self._cum[index]
        for start, end in self._days[index]:
            if remaining <= end - start:
                result = self._at(index, start + remaining)
                self._finish_cache[offset] = result
                return result
            remaining -= end - start
        raise AssertionError("a working minute lies in a day with working time")  # pragma: no cover

    def _at(self, index: int, minute: int) -> dt.datetime:
        day = self._first + dt.timedelta(days=index)
        return dt.datetime.combine(day, dt.time(0)) + dt.timedelta(minutes=minute)
