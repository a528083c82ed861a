"""The Monte Carlo completion forecast (tandem.delivery.scheduling.montecarlo): exact
for a seed, equal to the critical path when estimates have no range, and in agreement
with a distribution worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.delivery.scheduling import (
    Estimate,
    Link,
    LinkType,
    ProjectCalendar,
    TaskInput,
    forecast,
    schedule,
)
from tandem.delivery.scheduling.calendar import Timeline

DAY = 480
CALENDAR = ProjectCalendar()
MONDAY = dt.datetime(2027, 1, 4, 8, 0)
TASKS = [
    TaskInput("phase", name="Design"),
    TaskInput("a", 2 * DAY, parent="phase"),
    TaskInput("b", 3 * DAY, parent="phase"),
    TaskInput("c", DAY),
    TaskInput("m", 0),
]
LINKS = [Link("a", "b"), Link("a", "c", LinkType.SS, DAY), Link("phase", "m"), Link("c", "m")]
ESTIMATES = {
    "a": Estimate(DAY, 2 * DAY, 4 * DAY),
    "b": Estimate(2 * DAY, 3 * DAY, 6 * DAY),
    "c": Estimate(DAY, DAY, 8 * DAY),
}


def test_one_seed_one_answer() -> None:
    first = forecast(TASKS, LINKS, CALENDAR, MONDAY, ESTIMATES, runs=10_000, seed=7)
    again = forecast(TASKS, LINKS, CALENDAR, MONDAY, ESTIMATES, runs=10_000, seed=7)
    assert first == again
    assert first.finish_offsets == {50: 2627, 80: 3021, 95: 3403}
    assert first.finish == {
        50: dt.datetime(2027, 1, 11, 11, 47),  # 2,627 minutes: five days and 227 minutes
        80: dt.datetime(2027, 1, 12, 10, 21),
        95: dt.datetime(2027, 1, 13, 8, 43),
    }
    assert first.criticality == {"a": 1.0, "b": 0.9492, "c": 0.0508, "m": 1.0}
    assert first.deterministic_finish == dt.datetime(2027, 1, 8, 17, 0)
    assert sum(count for _day, count in first.histogram) == 10_000
    other = forecast(TASKS, LINKS, CALENDAR, MONDAY, ESTIMATES, runs=10_000, seed=8)
    assert other.finish_offsets != first.finish_offsets


def test_without_ranges_it_is_the_critical_path() -> None:
    fixed = {key: Estimate(task.duration, task.duration, task.duration)
             for key, task in ((t.id, t) for t in TASKS) if key in ESTIMATES}
    result = forecast(TASKS, LINKS, CALENDAR, MONDAY, fixed, runs=500, seed=1)
    plan = schedule(TASKS, LINKS, CALENDAR, MONDAY)
    assert set(result.finish.values()) == {plan.finish}
    assert result.criticality == {"a": 1.0, "b": 1.0, "c": 0.0, "m": 1.0}
    assert result.histogram == [(plan.finish.date(), 500)]


def test_the_median_of_two_parallel_tasks_matches_the_formula() -> None:
    # Two independent tasks, each triangular(1, 2, 3) days; the project ends with the
    # later one. P(max ≤ x) = F(x)², and for x ≥ 2 days F(x) = 1 − (3 − x)² / 2, so the
    # median solves (3 − x)² = 2 − √2: x = 3 − √(2 − √2) ≈ 2.2346 days ≈ 1,072.6 minutes.
    tasks = [TaskInput("x", 2 * DAY), TaskInput("y", 2 * DAY)]
    estimate = Estimate(DAY, 2 * DAY, 3 * DAY)
    result = forecast(tasks, [], CALENDAR, MONDAY, {"x": estimate, "y": estimate},
                      runs=20_000, seed=3, distribution="triangular")
    expected = (3 - (2 - 2 ** 0.5) ** 0.5) * DAY
    assert result.finish_offsets[50] == pytest.approx(expected, rel=0.01)
    # Each task is the later one about half the time, and exactly one of them always is.
    assert result.criticality["x"] + result.criticality["y"] == pytest.approx(1.0, abs=1e-9)
    assert result.criticality["x"] == pytest.approx(0.5, abs=0.02)


def test_finished_work_keeps_its_actual_dates() -> None:
    tasks = [TaskInput("done", 2 * DAY, actual_start=MONDAY, actual_finish=dt.datetime(2027, 1, 5, 17)),
             TaskInput("next", DAY)]
    result = forecast(tasks, [Link("done", "next")], CALENDAR, MONDAY,
                      {"done": Estimate(DAY, 5 * DAY, 9 * DAY), "next": Estimate(DAY, DAY, DAY)},
                      runs=100, seed=1)
    assert set(result.finish.values()) == {dt.datetime(2027, 1, 6, 17, 0)}


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="optimistic"):
        Estimate(3, 2, 4)
    with pytest.raises(ValueError, match="at least one run"):
        forecast(TASKS, LINKS, CALENDAR, MONDAY, ESTIMATES, runs=0)
    with pytest.raises(ValueError, match="distribution"):
        forecast(TASKS, LINKS, CALENDAR, MONDAY, ESTIMATES, distribution="normal")


def test_percentile_days_agree_with_the_timeline() -> None:
    result = forecast(TASKS, LINKS, CALENDAR, MONDAY, ESTIMATES, runs=2_000, seed=2)
    timeline = Timeline(CALENDAR, MONDAY)
    for percentile, offset in result.finish_offsets.items():
        assert result.finish[percentile] == timeline.finish_at(offset)
    assert result.finish_offsets[50] <= result.finish_offsets[80] <= result.finish_offsets[95]
