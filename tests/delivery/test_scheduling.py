"""The critical path method (tandem.delivery.scheduling.network): dates computed by hand
on MS Project's standard calendar (Monday–Friday, 08:00–12:00 and 13:00–17:00), each link
type with lag and lead, constraints, actual dates, summaries, cycles; and the project
length of random plans against networkx's longest path."""

from __future__ import annotations

import datetime as dt
import random

import networkx as nx
import pytest

from tandem.delivery.scheduling import (
    ConstraintType,
    CycleError,
    Link,
    LinkType,
    ProjectCalendar,
    TaskInput,
    schedule,
)

DAY = 480
CALENDAR = ProjectCalendar(exceptions={dt.date(2027, 1, 13): ()})  # a Wednesday off
MONDAY = dt.datetime(2027, 1, 4, 8, 0)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, 1, day, hour, minute)


def dates(result, task_id):  # type: ignore[no-untyped-def]
    row = result.tasks[task_id]
    return row.early_start, row.early_finish, row.late_start, row.late_finish, row.total_float_hours


def test_a_small_plan_by_hand() -> None:
    tasks = [
        TaskInput("phase", name="Design"),
        TaskInput("a", 2 * DAY, parent="phase", name="Workshops"),
        TaskInput("b", 3 * DAY, parent="phase", name="Mock-ups"),
        TaskInput("c", DAY, name="Review"),
        TaskInput("m", 0, name="Sign-off"),
    ]
    links = [Link("a", "b"), Link("a", "c", LinkType.SS, DAY), Link("phase", "m"), Link("c", "m")]
    result = schedule(tasks, links, CALENDAR, MONDAY)
    assert (result.start, result.finish) == (at(4, 8), at(8, 17))
    assert dates(result, "a") == (at(4, 8), at(5, 17), at(4, 8), at(5, 17), 0.0)
    assert dates(result, "b") == (at(6, 8), at(8, 17), at(6, 8), at(8, 17), 0.0)
    # Review starts a day after the workshops start and may slip three days.
    assert dates(result, "c") == (at(5, 8), at(5, 17), at(8, 8), at(8, 17), 24.0)
    # A milestone sits where the work before it ended.
    assert dates(result, "m") == (at(8, 17), at(8, 17), at(8, 17), at(8, 17), 0.0)
    assert dates(result, "phase") == (at(4, 8), at(8, 17), at(4, 8), at(8, 17), 0.0)
    assert result.tasks["phase"].is_summary and not result.tasks["a"].is_summary
    assert result.critical_path == ["a", "b", "m"]
    assert [row.is_critical for row in result.tasks.values()] == [True, True, True, False, True]


@pytest.mark.parametrize(
    ("kind", "lag", "start", "finish"),
    [
        # Predecessor: Monday–Tuesday (two days). Successor: one day.
        (LinkType.FS, 0, at(6, 8), at(6, 17)),
        (LinkType.FS, DAY, at(7, 8), at(7, 17)),  # a day's lag
        (LinkType.FS, -DAY // 2, at(5, 13), at(6, 12)),  # half a day's lead
        (LinkType.SS, 0, at(4, 8), at(4, 17)),
        (LinkType.SS, DAY // 4, at(4, 10), at(5, 10)),
        (LinkType.FF, 0, at(5, 8), at(5, 17)),
        (LinkType.FF, DAY, at(6, 8), at(6, 17)),
        (LinkType.SF, 2 * DAY, at(5, 8), at(5, 17)),
        (LinkType.SF, 0, at(4, 8), at(4, 17)),  # cannot start before the project
    ],
)
def test_each_link_type_with_lag_and_lead(kind, lag, start, finish) -> None:  # type: ignore[no-untyped-def]
    tasks = [TaskInput("p", 2 * DAY), TaskInput("s", DAY)]
    result = schedule(tasks, [Link("p", "s", kind, lag)], CALENDAR, MONDAY)
    assert (result.tasks["s"].early_start, result.tasks["s"].early_finish) == (start, finish)


def test_holidays_and_weekends_stretch_durations() -> None:
    # Starting Monday 11 January, five working days skip Wednesday 13 (a holiday).
    result = schedule([TaskInput("x", 5 * DAY)], [], CALENDAR, at(11, 8))
    assert (result.tasks["x"].early_start, result.tasks["x"].early_finish) == (at(11, 8), at(18, 17))


def test_constraints() -> None:
    tasks = [
        TaskInput("a", DAY, name="Build"),
        TaskInput("snet", DAY, constraint=ConstraintType.SNET, constraint_date=at(7, 8)),
        TaskInput("mso", DAY, constraint=ConstraintType.MSO, constraint_date=at(5, 13)),
        TaskInput("fnet", DAY, constraint=ConstraintType.FNET, constraint_date=at(8, 17)),
        TaskInput("mfo", DAY, constraint=ConstraintType.MFO, constraint_date=at(6, 17)),
        TaskInput("alap", DAY, constraint=ConstraintType.ALAP),
        TaskInput("late", 2 * DAY, constraint=ConstraintType.FNLT, constraint_date=at(5, 17)),
    ]
    links = [Link("a", "snet"), Link("a", "late")]
    result = schedule(tasks, links, CALENDAR, MONDAY)
    rows = result.tasks
    assert (rows["snet"].early_start, rows["snet"].early_finish) == (at(7, 8), at(7, 17))
    assert (rows["mso"].early_start, rows["mso"].early_finish) == (at(5, 13), at(6, 12))
    assert (rows["fnet"].early_start, rows["fnet"].early_finish) == (at(8, 8), at(8, 17))
    assert (rows["mfo"].early_start, rows["mfo"].early_finish) == (at(6, 8), at(6, 17))
    # As late as possible: it ends with the project (Friday).
    assert (rows["alap"].early_start, rows["alap"].early_finish) == (at(8, 8), at(8, 17))
    # "late" cannot finish by Tuesday 17:00 after Build (it ends Wednesday): a day of
    # negative float, and Build is critical through it.
    assert rows["late"].early_finish == at(6, 17)
    assert rows["late"].total_float_hours == -8.0
    assert rows["a"].total_float_hours == -8.0 and rows["a"].is_critical


def test_a_deadline_moves_late_dates_only() -> None:
    tasks = [TaskInput("a", 3 * DAY, deadline=at(5, 17)), TaskInput("b", 5 * DAY)]
    result = schedule(tasks, [], CALENDAR, MONDAY)
    assert result.tasks["a"].early_finish == at(6, 17)
    assert result.tasks["a"].late_finish == at(5, 17)
    assert result.tasks["a"].total_float_hours == -8.0


def test_actual_dates_are_respected() -> None:
    tasks = [
        TaskInput("done", 2 * DAY, actual_start=at(4, 8), actual_finish=at(6, 17)),  # took three days
        TaskInput("doing", 2 * DAY, actual_start=at(5, 13)),  # started before its predecessor ended
        TaskInput("next", DAY),
    ]
    links = [Link("done", "doing"), Link("done", "next")]
    result = schedule(tasks, links, CALENDAR, MONDAY)
    assert result.tasks["done"].early_finish == at(6, 17)
    assert (result.tasks["doing"].early_start, result.tasks["doing"].early_finish) == (at(5, 13), at(7, 12))
    assert result.tasks["next"].early_start == at(7, 8)


def test_links_into_and_out_of_summaries() -> None:
    tasks = [
        TaskInput("before", 2 * DAY),
        TaskInput("phase"),
        TaskInput("x", DAY, parent="phase"),
        TaskInput("y", 2 * DAY, parent="phase"),
        TaskInput("after", DAY),
    ]
    links = [Link("before", "phase"), Link("phase", "after")]
    result = schedule(tasks, links, CALENDAR, MONDAY)
    assert result.tasks["x"].early_start == at(6, 8)
    assert result.tasks["y"].early_start == at(6, 8)
    assert result.tasks["phase"].early_finish == at(7, 17)
    assert result.tasks["after"].early_start == at(8, 8)
    assert result.tasks["x"].total_float_hours == 8.0


def test_a_cycle_names_its_tasks() -> None:
    tasks = [TaskInput(1, DAY, name="Plan"), TaskInput(2, DAY, name="Build"),
             TaskInput(3, DAY, name="Test"), TaskInput(4, DAY, name="Ship")]
    links = [Link(1, 2), Link(2, 3), Link(3, 2), Link(3, 4)]
    with pytest.raises(CycleError) as caught:
        schedule(tasks, links, CALENDAR, MONDAY)
    assert caught.value.names == ["Build", "Test"]
    assert str(caught.value) == "These tasks depend on each other in a loop: Build → Test → Build."


def test_a_task_linked_to_its_own_summary_is_a_cycle() -> None:
    tasks = [TaskInput("p", name="Phase"), TaskInput("c", DAY, parent="p", name="Child")]
    with pytest.raises(CycleError) as caught:
        schedule(tasks, [Link("c", "p")], CALENDAR, MONDAY)
    assert set(caught.value.names) == {"Phase", "Child"}


def test_an_empty_plan() -> None:
    result = schedule([], [], CALENDAR, MONDAY)
    assert (result.start, result.finish, result.tasks) == (at(4, 8), at(4, 8), {})


def _random_plan(seed: int, size: int, links_per_task: int) -> tuple[list[TaskInput], list[Link]]:
    rng = random.Random(seed)
    tasks = [TaskInput(number, rng.randint(0, 5) * 120) for number in range(size)]
    links = []
    for successor in range(1, size):
        for predecessor in rng.sample(range(successor), min(successor, links_per_task)):
            links.append(Link(predecessor, successor, LinkType.FS, rng.choice([0, 0, 60, 240])))
    return tasks, links


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_project_length_equals_networkx_longest_path(seed: int) -> None:
    tasks, links = _random_plan(seed, 2_000, 2)
    graph = nx.DiGraph()
    for task in tasks:
        graph.add_edge("start", task.id, weight=0)
        graph.add_edge(task.id, "finish", weight=task.duration)
    for link in links:
        duration = tasks[link.predecessor].duration
        graph.add_edge(link.predecessor, link.successor, weight=duration + link.lag)
    longest = nx.dag_longest_path_length(graph, weight="weight")
    result = schedule(tasks, links, CALENDAR, MONDAY)
    assert result.finish_offset == longest
    # The critical tasks chain from the start to the finish without float.
    critical = set(result.critical_path)
    path = nx.dag_longest_path(graph, weight="weight")
    assert set(path[1:-1]) <= critical
    assert all(result.tasks[task].total_float >= 0 for task in result.tasks)
