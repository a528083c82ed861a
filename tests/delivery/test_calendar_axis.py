"""The working-time axis of the scheduler (tandem.delivery.scheduling.calendar): exact
examples on MS Project's standard calendar and a round-trip property."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core.calendar import WorkingCalendar
from tandem.delivery.scheduling import ProjectCalendar, Timeline

MONDAY = dt.datetime(2027, 1, 4, 8, 0)
HOLIDAY = dt.date(2027, 1, 6)  # a Wednesday


@pytest.fixture
def timeline() -> Timeline:
    return Timeline(ProjectCalendar(exceptions={HOLIDAY: ()}), MONDAY)


def test_offsets_count_working_minutes_only(timeline: Timeline) -> None:
    assert timeline.offset(MONDAY) == 0
    assert timeline.offset(dt.datetime(2027, 1, 4, 12, 0)) == 240
    # The lunch hour counts nothing.
    assert timeline.offset(dt.datetime(2027, 1, 4, 12, 30)) == 240
    assert timeline.offset(dt.datetime(2027, 1, 4, 17, 0)) == 480
    assert timeline.offset(dt.datetime(2027, 1, 5, 7, 0)) == 480
    # Wednesday is a holiday: Thursday 08:00 is two working days in.
    assert timeline.offset(dt.datetime(2027, 1, 7, 8, 0)) == 960
    # The weekend before the origin counts nothing; Friday 17:00 is the minute before.
    assert timeline.offset(dt.datetime(2027, 1, 2, 10, 0)) == 0
    assert timeline.offset(dt.datetime(2027, 1, 1, 13, 0)) == -240


def test_start_and_finish_sides_of_a_boundary(timeline: Timeline) -> None:
    # 480 minutes is the end of Monday for work that finishes, and Tuesday 08:00 for
    # work that starts.
    assert timeline.finish_at(480) == dt.datetime(2027, 1, 4, 17, 0)
    assert timeline.start_at(480) == dt.datetime(2027, 1, 5, 8, 0)
    assert timeline.finish_at(240) == dt.datetime(2027, 1, 4, 12, 0)
    assert timeline.start_at(240) == dt.datetime(2027, 1, 4, 13, 0)
    # The holiday is skipped both ways.
    assert timeline.finish_at(960) == dt.datetime(2027, 1, 5, 17, 0)
    assert timeline.start_at(960) == dt.datetime(2027, 1, 7, 8, 0)
    # Before the origin, a year back (the table grows backwards): 52 weeks of five days
    # reach Monday 5 January 2026, one more day is the Friday before.
    assert timeline.start_at(-480 * 260) == dt.datetime(2026, 1, 5, 8, 0)
    assert timeline.start_at(-480 * 261) == dt.datetime(2026, 1, 2, 8, 0)
    assert timeline.offset(timeline.start_at(-480 * 300)) == -480 * 300


def test_a_date_far_ahead_grows_the_table(timeline: Timeline) -> None:
    far = dt.datetime(2031, 6, 2, 8, 0)  # a Monday, four years on
    assert timeline.start_at(timeline.offset(far)) == far


def test_the_organisation_calendar_becomes_one_window_a_day() -> None:
    organisation = WorkingCalendar(
        day_start=dt.time(9, 0), day_end=dt.time(17, 30),
        working_weekdays=frozenset({0, 1, 2, 3}), holidays=frozenset({dt.date(2027, 1, 5)}),
    )
    calendar = ProjectCalendar.from_working_calendar(organisation)
    assert calendar.minutes(dt.date(2027, 1, 4)) == 510
    assert calendar.minutes(dt.date(2027, 1, 5)) == 0  # the holiday
    assert calendar.minutes(dt.date(2027, 1, 8)) == 0  # Friday is not a working day
    assert calendar.minutes_per_week == 4 * 510
    timeline = Timeline(calendar, dt.datetime(2027, 1, 4, 9, 0))
    assert timeline.start_at(510) == dt.datetime(2027, 1, 6, 9, 0)


def test_a_calendar_without_working_time_is_refused() -> None:
    with pytest.raises(ValueError, match="no working time"):
        Timeline(ProjectCalendar(week=((),) * 7, name="Empty"), MONDAY)
    with pytest.raises(ValueError, match="overlap"):
        ProjectCalendar(week=(((480, 720), (700, 900)),) + ((),) * 6)
    with pytest.raises(ValueError, match="within one day"):
        ProjectCalendar(week=(((480, 1500),),) + ((),) * 6)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-480 * 400, max_value=480 * 800))
def test_start_and_finish_invert_offset(offset: int) -> None:
    timeline = Timeline(ProjectCalendar(exceptions={HOLIDAY: ()}), MONDAY)
    assert timeline.offset(timeline.start_at(offset)) == offset
    assert timeline.offset(timeline.finish_at(offset)) == offset
    # A start is never at the end of a working interval, a finish never at its start.
    assert timeline.start_at(offset) >= timeline.finish_at(offset)
