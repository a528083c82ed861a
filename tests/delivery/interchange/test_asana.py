"""Reading Asana's CSV export (tandem.delivery.interchange.asana.read_asana_csv): spacer
rows above the header, subtasks under their parent by name, dependencies by name (names
that hold commas too) or Task ID, durations from the dates on the calendar, completion,
assignees as resources; and the problems named by row and column."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest

from tandem.delivery.interchange import (
    PlanError,
    read_asana_csv,
    read_mspdi,
    scheduled,
    write_mspdi,
)
from tandem.delivery.scheduling import ConstraintType, LinkType, ProjectCalendar, schedule

SAMPLE = (Path(__file__).parent / "files" / "asana-harbour-portal.csv").read_bytes()
HEADER = ("Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Assignee,Assignee Email,"
          "Start Date,Due Date,Tags,Notes,Projects,Parent task,Blocked By (Dependencies),Blocking (Dependencies)\n")


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2027, 3, day, hour)


def refusal(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        read_asana_csv(text)
    return caught.value.messages


def test_the_sample_export() -> None:
    plan = read_asana_csv(io.BytesIO(SAMPLE))
    assert (plan.name, plan.start, plan.minutes_per_day) == ("Harbour portal", at(1, 8), 480)
    # Pre-order: the runbook (a subtask on the last row) comes right under its parent.
    assert [(t.uid, t.name, t.outline_level, t.is_summary, t.duration, t.start, t.finish)
            for t in plan.tasks] == [
        (1, "Discovery", 1, True, 0, at(1, 8), at(5, 17)),
        (2, "Kick-off workshop", 2, False, 480, at(1, 8), at(1, 17)),  # a due date only: one day
        (3, "Requirements, scope and risks", 2, False, 1920, at(2, 8), at(5, 17)),
        (4, "Build the portal", 1, True, 0, at(8, 8), at(19, 17)),
        (6, "Write the runbook", 2, False, 480, None, None),  # no dates: one day, unconstrained
        (5, "Launch", 1, False, 480, at(22, 8), at(22, 17)),
    ]
    kickoff = plan.task(2)
    assert (kickoff.percent_complete, kickoff.completed_at, kickoff.section, kickoff.external_id) == (
        100, dt.datetime(2027, 3, 2), "Planning", "1207000000000002")
    assert kickoff.notes == 'Bring the harbour maps, and the "old" plan.'
    assert plan.task(3).percent_complete == 0 and plan.task(3).completed_at is None
    assert (plan.task(3).constraint, plan.task(3).constraint_date) == (ConstraintType.SNET, at(2, 8))
    assert plan.task(6).constraint == ConstraintType.ASAP
    # "Blocking" on the workshop and "Blocked By" on the requirements are one link.
    assert [(k.predecessor_uid, k.successor_uid, k.type, k.lag) for k in plan.links] == [
        (2, 3, LinkType.FS, 0), (3, 4, LinkType.FS, 0), (4, 5, LinkType.FS, 0)]
    # One resource per person, by e-mail whatever its case, else by name.
    assert [(r.uid, r.name, r.email) for r in plan.resources] == [
        (1, "Ada Lovelace", "ada@example.com"), (2, "Grace Hopper", "grace@example.com"), (3, "Linus", "")]
    assert [(a.task_uid, a.resource_uid, a.units, a.work) for a in plan.assignments] == [
        (2, 1, Decimal("1"), 480), (3, 2, Decimal("1"), 1920), (4, 1, Decimal("1"), 0), (6, 3, Decimal("1"), 480)]


def test_scheduling_the_export_keeps_its_dates() -> None:
    plan = read_asana_csv(SAMPLE)
    assert plan.start is not None
    result = schedule(*plan.to_schedule_inputs(), plan.calendar, plan.start)
    for uid in (2, 3, 5):
        task = plan.task(uid)
        assert (result.tasks[uid].early_start, result.tasks[uid].early_finish) == (task.start, task.finish)
    # The undated subtask starts with its parent; the parent rolls up its subtasks.
    assert (result.tasks[6].early_start, result.tasks[6].early_finish) == (at(8, 8), at(8, 17))
    assert result.finish == at(22, 17)


def test_durations_follow_the_calendar() -> None:
    calendar = ProjectCalendar(exceptions={dt.date(2027, 3, 3): (), dt.date(2027, 3, 6): ((480, 720),)})
    text = HEADER + ",,,,Survey,,,,2027-03-01,2027-03-07,,,,,,\n,,,,Report,,,,,2027-03-06,,,,,,\n"
    plan = read_asana_csv(text, calendar=calendar, name="Survey")
    # Mon–Sun with Wednesday off and Saturday morning worked: 4 days + 4 hours.
    assert [(t.name, t.duration, t.start, t.finish) for t in plan.tasks] == [
        ("Survey", 4 * 480 + 240, at(1, 8), at(6, 12)),  # due on Sunday: ends Saturday noon
        ("Report", 240, at(6, 8), at(6, 12)),
    ]
    assert plan.name == "Survey"


def test_dependencies_by_task_id() -> None:
    text = HEADER + "11,,,,Design,,,,,2027-03-01,,,,,,\n12,,,,Build,,,,,2027-03-02,,,,,11,\n"
    plan = read_asana_csv(text)
    assert [(k.predecessor_uid, k.successor_uid) for k in plan.links] == [(1, 2)]


def test_problems_are_named_by_row_and_column() -> None:
    text = ("Export\n" + HEADER
            + "1,,,,Design,,,,2027-03-05,2027-03-01,,,,,,\n"
            + "2,,,,Build,,,,03/01/2027,,,,,Design Phase,,\n"
            + "3,,,,,,,,,,,,,,,\n"
            + "4,,not yet,,Test,,,,,,,,,,\"Build, Deploy\",\n")
    assert refusal(text) == [
        "Row 5, column “Name”: the task has no name.",
        "Row 4, column “Parent task”: no task is named “Design Phase”.",
        "Row 6, column “Blocked By (Dependencies)”: no task is named “Deploy”.",
        "Row 3, column “Due Date”: 2027-03-01 is before the start date 2027-03-05.",
        "Row 4, column “Start Date”: “03/01/2027” is not a date (YYYY-MM-DD).",
        "Row 6, column “Completed At”: “not yet” is not a date.",
    ]


def test_parents_in_a_loop_and_a_task_blocking_itself() -> None:
    text = HEADER + "1,,,,A,,,,,,,,,B,,\n2,,,,B,,,,,,,,,A,,\n3,,,,C,,,,,,,,,,,C\n"
    assert refusal(text) == [
        "Row 2, column “Parent task”: the parents form a loop (“A” → “B”).",
        "Row 4, column “Blocking (Dependencies)”: the task depends on itself.",
    ]


def test_a_file_that_is_not_an_asana_export() -> None:
    assert refusal("Account,Amount\nHarbour,100\n") == [
        "No header row with the column “Name” (and “Task ID”) was found in the first 20 rows: "
        "this is not an Asana CSV export."]
    with pytest.raises(PlanError) as caught:
        read_asana_csv(b"Name,Task ID\n\xff\xfe", max_bytes=100)
    assert caught.value.messages == ["The file is not UTF-8 text (byte 13); export it again from Asana."]
    with pytest.raises(PlanError) as caught:
        read_asana_csv(SAMPLE, max_bytes=100)
    assert caught.value.messages == [
        "The file is larger than the upload limit of 100 bytes (TANDEM_MAX_UPLOAD_BYTES); nothing was read."]


def test_an_asana_plan_goes_out_as_ms_project_xml() -> None:
    plan = read_asana_csv(SAMPLE)
    again = read_mspdi(write_mspdi(plan))
    assert [(t.uid, t.name, t.outline_level, t.wbs, t.is_summary, t.duration, t.start, t.constraint)
            for t in again.tasks] == [
        (t.uid, t.name, t.outline_level, wbs, t.is_summary, t.duration, t.start, t.constraint)
        for t, wbs in zip(plan.tasks, ["1", "1.1", "1.2", "2", "2.1", "3"], strict=True)]
    assert again.links == plan.links and again.resources == plan.resources
    assert again.assignments == plan.assignments


def test_a_scheduled_asana_plan_has_every_date() -> None:
    plan = scheduled(read_asana_csv(SAMPLE))
    assert [(t.name, t.start, t.finish) for t in plan.tasks] == [
        ("Discovery", at(1, 8), at(5, 17)),
        ("Kick-off workshop", at(1, 8), at(1, 17)),
        ("Requirements, scope and risks", at(2, 8), at(5, 17)),
        ("Build the portal", at(8, 8), at(8, 17)),  # rolled up from its one subtask
        ("Write the runbook", at(8, 8), at(8, 17)),
        ("Launch", at(22, 8), at(22, 17)),
    ]
    assert read_mspdi(write_mspdi(plan)).tasks[4].start == at(8, 8)
    with pytest.raises(PlanError) as caught:
        scheduled(read_asana_csv(HEADER + ",,,,Undated,,,,,,,,,,,\n"))
    assert caught.value.messages == ["The plan has no start date to schedule from."]
