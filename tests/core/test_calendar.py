"""Business-hours arithmetic (tandem.core.calendar): the contract in its docstring,
pinned by property-based tests, plus exact examples (weekends, holidays, DST)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tandem.core.calendar import (
    WorkingCalendar,
    add_business_hours,
    business_duration,
    business_hours,
)

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
ZONES = [
    ZoneInfo("UTC"),
    LONDON,
    NEW_YORK,
    ZoneInfo("Asia/Kolkata"),  # a half-hour offset
    ZoneInfo("Australia/Lord_Howe"),  # a half-hour DST shift
    ZoneInfo("Pacific/Kiritimati"),  # +14:00
    ZoneInfo("America/Sao_Paulo"),
]
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
ZERO = dt.timedelta(0)

# Instants from 2023 to 2026, with their offset in any of ZONES (DST changes included).
# Only real instants: a wall time skipped by a DST change (02:30 on the night the clocks
# go forward) names no instant.
instants = st.datetimes(
    min_value=dt.datetime(2023, 1, 1),
    max_value=dt.datetime(2026, 12, 31),
    timezones=st.sampled_from(ZONES),
    allow_imaginary=False,
)
# Short spans keep the property tests fast while covering nights, weekends and holidays.
spans = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=20))


@st.composite
def calendars(draw: st.DrawFn, *, needs_working_time: bool = False) -> WorkingCalendar:
    # With working time required, at least an hour a week, so add_business_hours reaches
    # the 200 h the tests ask for well inside its ten-year search.
    shortest = 60 if needs_working_time else 1
    start_minute = draw(st.integers(min_value=0, max_value=23 * 60 + 59 - shortest))
    end_minute = draw(st.integers(min_value=start_minute + shortest, max_value=23 * 60 + 59))
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1 if needs_working_time else 0))
    holidays = draw(
        st.frozensets(st.dates(dt.date(2022, 12, 25), dt.date(2027, 1, 31)), max_size=40)
    )
    return WorkingCalendar(
        time_zone=draw(st.sampled_from(ZONES)),
        day_start=dt.time(*divmod(start_minute, 60)),
        day_end=dt.time(*divmod(end_minute, 60)),
        working_weekdays=weekdays,
        holidays=holidays,
    )


def office(zone: dt.tzinfo = UTC, **extra: Any) -> WorkingCalendar:
    """09:00-17:00, Monday to Friday, in ``zone``."""
    return WorkingCalendar(time_zone=zone, **extra)


# --- Properties -------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(calendar=calendars(), start=instants, span=spans)
def test_never_negative_and_never_longer_than_the_interval(
    calendar: WorkingCalendar, start: dt.datetime, span: dt.timedelta
) -> None:
    end = start + span
    duration = business_duration(start, end, calendar)
    assert ZERO <= duration <= end.astimezone(UTC) - start.astimezone(UTC)


@PROPERTY_SETTINGS
@given(calendar=calendars(), start=instants, span=spans)
def test_reversed_interval_is_zero(
    calendar: WorkingCalendar, start: dt.datetime, span: dt.timedelta
) -> None:
    assert business_duration(start + span, start, calendar) == ZERO


@PROPERTY_SETTINGS
@given(calendar=calendars(), a=instants, first=spans, second=spans)
def test_additive_over_adjacent_intervals(
    calendar: WorkingCalendar, a: dt.datetime, first: dt.timedelta, second: dt.timedelta
) -> None:
    b = a + first
    c = b + second
    assert business_duration(a, c, calendar) == business_duration(
        a, b, calendar
    ) + business_duration(b, c, calendar)


@PROPERTY_SETTINGS
@given(
    calendar=calendars(),
    start=instants,
    span=spans,
    start_zone=st.sampled_from(ZONES),
    end_zone=st.sampled_from(ZONES),
)
def test_independent_of_the_time_zones_of_the_inputs(
    calendar: WorkingCalendar,
    start: dt.datetime,
    span: dt.timedelta,
    start_zone: ZoneInfo,
    end_zone: ZoneInfo,
) -> None:
    end = start + span
    expected = business_duration(start.astimezone(UTC), end.astimezone(UTC), calendar)
    assert (
        business_duration(start.astimezone(start_zone), end.astimezone(end_zone), calendar)
        == expected
    )


def _local_day_bounds(calendar: WorkingCalendar, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight of ``day`` and of the next day, as UTC instants."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=calendar.time_zone).astimezone(UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=calendar.time_zone)
    return start, end.astimezone(UTC)


@PROPERTY_SETTINGS
@given(calendar=calendars(), day=st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)))
def test_holidays_and_non_working_weekdays_count_zero(
    calendar: WorkingCalendar, day: dt.date
) -> None:
    start, end = _local_day_bounds(calendar, day)
    as_holiday = WorkingCalendar(
        time_zone=calendar.time_zone,
        day_start=calendar.day_start,
        day_end=calendar.day_end,
        working_weekdays=calendar.working_weekdays,
        holidays=calendar.holidays | {day},
    )
    assert business_duration(start, end, as_holiday) == ZERO
    day_off = WorkingCalendar(
        time_zone=calendar.time_zone,
        day_start=calendar.day_start,
        day_end=calendar.day_end,
        working_weekdays=calendar.working_weekdays - {day.weekday()},
        holidays=frozenset(),
    )
    assert business_duration(start, end, day_off) == ZERO


@PROPERTY_SETTINGS
@given(calendar=calendars(), day=st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)))
def test_a_working_day_counts_its_window(calendar: WorkingCalendar, day: dt.date) -> None:
    """A whole local working day counts exactly its window's elapsed time (what a clock
    on the wall shows, so 09:00-17:00 is 8 h even on a DST day; only a window that
    spans the change itself is an hour shorter or longer)."""
    assume(calendar.is_working_day(day))
    start, end = _local_day_bounds(calendar, day)
    window_start, window_end = calendar.window(day)
    assert business_duration(start, end, calendar) == max(window_end - window_start, ZERO)


@PROPERTY_SETTINGS
@given(
    calendar=calendars(),
    start=instants,
    span=spans,
    extra=st.frozensets(st.dates(dt.date(2023, 1, 1), dt.date(2027, 1, 31)), max_size=10),
)
def test_more_holidays_never_add_time(
    calendar: WorkingCalendar, start: dt.datetime, span: dt.timedelta, extra: frozenset[dt.date]
) -> None:
    fewer = WorkingCalendar(
        time_zone=calendar.time_zone,
        day_start=calendar.day_start,
        day_end=calendar.day_end,
        working_weekdays=calendar.working_weekdays,
        holidays=calendar.holidays | extra,
    )
    assert business_duration(start, start + span, fewer) <= business_duration(
        start, start + span, calendar
    )


@PROPERTY_SETTINGS
@given(
    calendar=calendars(needs_working_time=True),
    start=instants,
    minutes=st.integers(min_value=0, max_value=60 * 200),
)
def test_add_business_hours_is_the_inverse_of_business_duration(
    calendar: WorkingCalendar, start: dt.datetime, minutes: int
) -> None:
    hours = minutes / 60
    due = add_business_hours(start, hours, calendar)
    assert due >= start
    assert business_duration(start, due, calendar) == dt.timedelta(hours=hours)


@PROPERTY_SETTINGS
@given(
    calendar=calendars(needs_working_time=True),
    start=instants,
    minutes=st.integers(min_value=1, max_value=60 * 200),
)
def test_add_business_hours_returns_the_earliest_instant(
    calendar: WorkingCalendar, start: dt.datetime, minutes: int
) -> None:
    """A microsecond earlier, less than ``hours`` of business time has passed."""
    due = add_business_hours(start, minutes / 60, calendar)
    earlier = due - dt.timedelta(microseconds=1)
    assert business_duration(start, earlier, calendar) < dt.timedelta(minutes=minutes)


# --- Exact examples ---------------------------------------------------------------------


def at(zone: dt.tzinfo, *parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=zone)


def test_friday_afternoon_to_monday_morning_is_two_hours() -> None:
    # 2024-05-17 is a Friday.
    assert business_duration(
        at(UTC, 2024, 5, 17, 16), at(UTC, 2024, 5, 20, 10), office()
    ) == dt.timedelta(hours=2)
    assert business_hours(at(UTC, 2024, 5, 17, 16), at(UTC, 2024, 5, 20, 10), office()) == 2.0


def test_a_holiday_in_between_counts_zero() -> None:
    calendar = office(holidays=frozenset({dt.date(2024, 5, 17)}))
    # Thursday 16:00 → Monday 10:00 over a Friday holiday: 1 h Thursday + 1 h Monday.
    assert business_duration(
        at(UTC, 2024, 5, 16, 16), at(UTC, 2024, 5, 20, 10), calendar
    ) == dt.timedelta(hours=2)
    # The holiday itself, whole day: nothing.
    assert business_duration(at(UTC, 2024, 5, 17, 0), at(UTC, 2024, 5, 18, 0), calendar) == ZERO


def test_full_working_week_is_forty_hours() -> None:
    # Monday 2024-05-13 00:00 → next Monday 00:00.
    assert business_duration(at(UTC, 2024, 5, 13), at(UTC, 2024, 5, 20), office()) == dt.timedelta(
        hours=40
    )


def test_inside_one_window_and_outside_all_windows() -> None:
    assert business_duration(
        at(UTC, 2024, 5, 14, 10, 15), at(UTC, 2024, 5, 14, 11, 45), office()
    ) == dt.timedelta(minutes=90)
    assert business_duration(at(UTC, 2024, 5, 14, 17), at(UTC, 2024, 5, 15, 9), office()) == ZERO
    assert business_duration(at(UTC, 2024, 5, 18, 9), at(UTC, 2024, 5, 19, 17), office()) == ZERO


def test_business_hours_follow_the_calendar_zone_not_utc() -> None:
    # 09:00-17:00 in New York is 13:00-21:00 UTC in summer (EDT, UTC-4).
    calendar = office(NEW_YORK)
    assert business_duration(at(UTC, 2024, 7, 9, 9), at(UTC, 2024, 7, 9, 13), calendar) == ZERO
    assert business_duration(
        at(UTC, 2024, 7, 9, 13), at(UTC, 2024, 7, 9, 21), calendar
    ) == dt.timedelta(hours=8)


def test_new_york_window_moves_with_daylight_saving() -> None:
    calendar = office(NEW_YORK)
    # Friday 2024-03-08 (EST, UTC-5): the day is 14:00-22:00 UTC.
    assert business_duration(
        at(UTC, 2024, 3, 8, 14), at(UTC, 2024, 3, 8, 22), calendar
    ) == dt.timedelta(hours=8)
    # Monday 2024-03-11 (EDT since Sunday, UTC-4): 13:00-21:00 UTC; an hour later loses one.
    assert business_duration(
        at(UTC, 2024, 3, 11, 13), at(UTC, 2024, 3, 11, 21), calendar
    ) == dt.timedelta(hours=8)
    assert business_duration(
        at(UTC, 2024, 3, 11, 14), at(UTC, 2024, 3, 11, 22), calendar
    ) == dt.timedelta(hours=7)
    # Friday 09:00 → Monday 17:00 local across the change: 16 h.
    assert business_duration(
        at(NEW_YORK, 2024, 3, 8, 9), at(NEW_YORK, 2024, 3, 11, 17), calendar
    ) == dt.timedelta(hours=16)


def test_london_week_across_both_changes() -> None:
    calendar = office(LONDON)
    # Spring forward on Sunday 2024-03-31, fall back on Sunday 2024-10-27.
    assert business_duration(
        at(LONDON, 2024, 3, 29, 9), at(LONDON, 2024, 4, 1, 17), calendar
    ) == dt.timedelta(hours=16)
    assert business_duration(
        at(LONDON, 2024, 10, 25, 9), at(LONDON, 2024, 10, 28, 17), calendar
    ) == dt.timedelta(hours=16)
    # Monday 2024-04-01 09:00 BST is 08:00 UTC.
    assert business_duration(
        at(UTC, 2024, 4, 1, 8), at(UTC, 2024, 4, 1, 9), calendar
    ) == dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("zone", "day", "expected_hours"),
    [
        (LONDON, dt.date(2024, 3, 31), 3),  # 01:00 → 02:00: the night is an hour short
        (LONDON, dt.date(2024, 10, 27), 5),  # 02:00 → 01:00: an hour long
        (NEW_YORK, dt.date(2024, 3, 10), 3),
        (NEW_YORK, dt.date(2024, 11, 3), 5),
    ],
)
def test_a_window_across_the_change_counts_elapsed_time(
    zone: ZoneInfo, day: dt.date, expected_hours: int
) -> None:
    night_shift = WorkingCalendar(
        time_zone=zone,
        day_start=dt.time(0),
        day_end=dt.time(4),
        working_weekdays=frozenset(range(7)),
    )
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(day, dt.time(12), tzinfo=zone)
    assert business_duration(start, end, night_shift) == dt.timedelta(hours=expected_hours)


def test_add_business_hours_exact_examples() -> None:
    calendar = office(holidays=frozenset({dt.date(2024, 5, 20)}))
    # Friday 16:00 + 2 h: 1 h Friday, Monday is a holiday, 1 h Tuesday.
    assert add_business_hours(at(UTC, 2024, 5, 17, 16), 2, calendar) == at(UTC, 2024, 5, 21, 10)
    # Exactly the rest of the day ends at the close, not the next morning.
    assert add_business_hours(at(UTC, 2024, 5, 17, 16), 1, calendar) == at(UTC, 2024, 5, 17, 17)
    # From a Saturday night, the clock starts on the next working morning.
    assert add_business_hours(at(UTC, 2024, 5, 18, 22), 0.5, office()) == at(
        UTC, 2024, 5, 20, 9, 30
    )
    assert add_business_hours(at(UTC, 2024, 5, 18, 22), 0, office()) == at(UTC, 2024, 5, 18, 22)


def test_add_business_hours_without_working_time_raises() -> None:
    with pytest.raises(ValueError, match="no working time"):
        add_business_hours(
            at(UTC, 2024, 5, 17), 1, office(working_weekdays=frozenset()), max_days=30
        )


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="start must be a timezone-aware datetime"):
        business_duration(dt.datetime(2024, 5, 17), at(UTC, 2024, 5, 18), office())
    with pytest.raises(ValueError, match="end must be a timezone-aware datetime"):
        business_duration(at(UTC, 2024, 5, 17), dt.datetime(2024, 5, 18), office())
    with pytest.raises(ValueError, match="start must be a timezone-aware datetime"):
        add_business_hours(dt.datetime(2024, 5, 17), 1, office())


def test_calendar_refuses_an_empty_day_and_bad_weekdays() -> None:
    with pytest.raises(ValueError, match="day_end must be later than day_start"):
        WorkingCalendar(day_start=dt.time(17), day_end=dt.time(9))
    with pytest.raises(ValueError, match="working_weekdays"):
        WorkingCalendar(working_weekdays=frozenset({7}))
    assert office().hours_per_day == 8.0
