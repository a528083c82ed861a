"""Writing MS Project XML (tandem.delivery.interchange.mspdi.write_mspdi): read → write →
read gives the same plan; elements stand in the schema's order; and mpxj, an
independent reader of MS Project files (Java, through JPype), reads both the sample and
our written file as the same tasks, links, lags, calendar, resources and assignments."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import jpype
import mpxj  # noqa: F401  (puts the MPXJ jars on the class path)
import pytest
from defusedxml.ElementTree import fromstring

from tandem.delivery.interchange import (
    Plan,
    PlanAssignment,
    PlanError,
    PlanLink,
    PlanResource,
    PlanTask,
    read_mspdi,
    write_mspdi,
)
from tandem.delivery.interchange.mspdi import NS
from tandem.delivery.scheduling import ConstraintType, LinkType, ProjectCalendar

FILES = Path(__file__).parent / "files"
SAMPLE = (FILES / "harbour-portal.xml").read_bytes()

# The schema's sequences (mspdi_pj14.xsd), the elements we write among them.
PROJECT_ORDER = ["SaveVersion", "Name", "Title", "ScheduleFromStart", "StartDate", "FinishDate",
                 "CalendarUID", "MinutesPerDay", "MinutesPerWeek", "DaysPerMonth", "ExtendedAttributes", "Calendars",
                 "Tasks", "Resources", "Assignments"]
TASK_ORDER = ["UID", "ID", "Name", "Active", "Manual", "Type", "IsNull", "WBS", "OutlineNumber",
              "OutlineLevel", "Priority", "Start", "Finish", "Duration", "DurationFormat",
              "Milestone", "Summary", "PercentComplete", "ActualStart", "ActualFinish",
              "ConstraintType", "ConstraintDate", "Deadline", "Notes", "PredecessorLink",
              "ExtendedAttribute"]
LINK_ORDER = ["PredecessorUID", "Type", "CrossProject", "LinkLag", "LagFormat"]
CALENDAR_ORDER = ["UID", "Name", "IsBaseCalendar", "IsBaselineCalendar", "BaseCalendarUID",
                  "WeekDays", "Exceptions"]
EXCEPTION_ORDER = ["EnteredByOccurrences", "TimePeriod", "Occurrences", "Name", "Type",
                   "DayWorking", "WorkingTimes"]
RESOURCE_ORDER = ["UID", "ID", "Name", "Type", "IsNull", "EmailAddress", "MaxUnits",
                  "StandardRate", "StandardRateFormat"]
ASSIGNMENT_ORDER = ["UID", "TaskUID", "ResourceUID", "Finish", "Start", "Units", "Work"]


def names(element) -> list[str]:  # type: ignore[no-untyped-def]
    return [child.tag.removeprefix(f"{{{NS}}}") for child in element]


def in_order(found: list[str], order: list[str]) -> bool:
    positions = [order.index(name) for name in found]
    return positions == sorted(positions)


def test_read_write_read_gives_the_same_plan() -> None:
    plan = read_mspdi(SAMPLE)
    written = write_mspdi(plan)
    assert read_mspdi(written) == plan
    assert write_mspdi(read_mspdi(written)) == written


def test_elements_stand_in_the_schema_order() -> None:
    root = fromstring(write_mspdi(read_mspdi(SAMPLE)))
    assert names(root) == PROJECT_ORDER
    tasks = root.find(f"{{{NS}}}Tasks")
    assert len(tasks) == 14
    for task in tasks:
        assert in_order(names(task), TASK_ORDER), names(task)
        for link in task.findall(f"{{{NS}}}PredecessorLink"):
            assert names(link) == LINK_ORDER
    calendar = root.find(f"{{{NS}}}Calendars/{{{NS}}}Calendar")
    assert names(calendar) == CALENDAR_ORDER
    assert [day.findtext(f"{{{NS}}}DayType") for day in calendar.find(f"{{{NS}}}WeekDays")] == [
        "1", "2", "3", "4", "5", "6", "7"]
    for exception in calendar.find(f"{{{NS}}}Exceptions"):
        assert in_order(names(exception), EXCEPTION_ORDER), names(exception)
    for resource in root.find(f"{{{NS}}}Resources"):
        assert names(resource) == RESOURCE_ORDER
    for assignment in root.find(f"{{{NS}}}Assignments"):
        assert names(assignment) == ASSIGNMENT_ORDER
    backend = tasks[5]
    assert [backend.findtext(f"{{{NS}}}{name}") for name in ("UID", "Duration", "DurationFormat")] == [
        "6", "PT40H0M0S", "7"]
    link = backend.find(f"{{{NS}}}PredecessorLink")
    assert [link.findtext(f"{{{NS}}}{name}") for name in LINK_ORDER] == ["4", "1", "0", "-4800", "7"]


# --- the independent reader ---------------------------------------------------------------

def start_jvm() -> None:
    if not jpype.isJVMStarted():
        jpype.startJVM()


@pytest.fixture(scope="module")
def mpxj_read():  # type: ignore[no-untyped-def]
    start_jvm()
    day_of_week = jpype.JClass("java.time.DayOfWeek")
    time_unit = jpype.JClass("org.mpxj.TimeUnit")
    reader = jpype.JClass("org.mpxj.reader.UniversalProjectReader")

    def when(value) -> dt.datetime | None:  # type: ignore[no-untyped-def]
        return None if value is None else dt.datetime.fromisoformat(str(value))

    def read(path: Path) -> dict:  # type: ignore[type-arg]
        project = reader().read(str(path))
        properties = project.getProjectProperties()

        def minutes(duration) -> int:  # type: ignore[no-untyped-def]
            elapsed = str(duration.getUnits().name()).startswith("ELAPSED")
            unit = time_unit.ELAPSED_MINUTES if elapsed else time_unit.MINUTES
            return round(float(duration.convertUnits(unit, properties).getDuration()))

        tasks, links = [], []
        for task in project.getTasks():
            if task.getUniqueID() == 0:
                continue
            tasks.append((
                int(task.getUniqueID()), str(task.getName()), int(task.getOutlineLevel()),
                minutes(task.getDuration()), when(task.getStart()), when(task.getFinish()),
                bool(task.getMilestone()), bool(task.getSummary()),
                str(task.getConstraintType()), when(task.getConstraintDate()),
                when(task.getDeadline()), int(task.getPriority().getValue()),
                int(task.getPercentageComplete()), when(task.getActualStart()),
                when(task.getActualFinish()),
                *(None if task.getDuration(n) is None else minutes(task.getDuration(n)) for n in (1, 2, 3)),
            ))
            for relation in task.getPredecessors():
                lag = relation.getLag()
                links.append((int(relation.getPredecessorTask().getUniqueID()),
                              int(task.getUniqueID()), str(relation.getType()), minutes(lag),
                              str(lag.getUnits().name())))
        calendar = project.getDefaultCalendar()
        week = {str(day): [(str(hours.getStart()), str(hours.getEnd()))
                           for hours in calendar.getCalendarHours(day)] if calendar.isWorkingDay(day) else []
                for day in day_of_week.values()}
        exceptions = [(str(exception.getFromDate()), str(exception.getToDate()), bool(exception.getWorking()),
                       [(str(hours.getStart()), str(hours.getEnd())) for hours in exception])
                      for exception in calendar.getCalendarExceptions()]
        resources = [(int(r.getUniqueID()), str(r.getName()), str(r.getEmailAddress()),
                      float(r.getMaxUnits()),
                      float(r.getStandardRate().getAmount()) if r.getStandardRate() is not None else 0.0)
                     for r in project.getResources() if r.getUniqueID() != 0]
        assignments = [(int(a.getUniqueID()), int(a.getTask().getUniqueID()),
                        int(a.getResource().getUniqueID()), float(a.getUnits()), minutes(a.getWork()))
                       for a in project.getResourceAssignments() if a.getResource() is not None]
        return {"name": str(calendar.getName()), "tasks": tasks, "links": links, "week": week,
                "exceptions": exceptions, "resources": resources, "assignments": assignments,
                "start": when(properties.getStartDate())}

    return read


def expected_from(plan: Plan) -> dict:  # type: ignore[type-arg]
    """What mpxj should find, from our reading of the plan (mpxj's names for the values)."""
    constraint = {ConstraintType.ASAP: "AS_SOON_AS_POSSIBLE", ConstraintType.FNLT: "FINISH_NO_LATER_THAN",
                  ConstraintType.SNET: "START_NO_EARLIER_THAN"}
    return {
        "tasks": [(t.uid, t.name, t.outline_level, t.duration, t.start, t.finish, t.is_milestone,
                   t.is_summary, constraint[t.constraint], t.constraint_date, t.deadline, t.priority,
                   t.percent_complete, t.actual_start, t.actual_finish, t.optimistic, t.likely,
                   t.pessimistic) for t in plan.tasks],
        "links": sorted((k.predecessor_uid, k.successor_uid, str(k.type),
                         k.elapsed_lag if k.elapsed_lag is not None else k.lag,
                         "ELAPSED_DAYS" if k.lag_format == 8 else "DAYS") for k in plan.links),
        "resources": [(r.uid, r.name, r.email, float(r.max_units * 100), float(r.standard_rate or 0))
                      for r in plan.resources],
        "assignments": [(a.uid, a.task_uid, a.resource_uid, float(a.units * 100), a.work)
                        for a in plan.assignments],
    }


STANDARD_DAY = [("08:00", "12:00"), ("13:00", "17:00")]


@pytest.mark.parametrize("written", [False, True], ids=["the-sample", "our-written-file"])
def test_mpxj_reads_what_we_read(mpxj_read, tmp_path: Path, written: bool) -> None:  # type: ignore[no-untyped-def]
    plan = read_mspdi(SAMPLE)
    path = tmp_path / "plan.xml"
    path.write_bytes(write_mspdi(plan) if written else SAMPLE)
    found = mpxj_read(path)
    expected = expected_from(plan)
    assert found["tasks"] == expected["tasks"]
    assert sorted(found["links"]) == expected["links"]
    # The elapsed lag stays seven calendar days (not five working days) in both files.
    assert (2, 14, "FS", 10080, "ELAPSED_DAYS") in found["links"]
    assert (11, 13, "SF", 480, "DAYS") in found["links"]
    assert found["resources"] == expected["resources"]
    assert found["assignments"] == expected["assignments"]
    assert found["start"] == plan.start == dt.datetime(2027, 3, 1, 8)
    assert found["name"] == "Standard"
    assert found["week"] == {"MONDAY": STANDARD_DAY, "TUESDAY": STANDARD_DAY, "WEDNESDAY": STANDARD_DAY,
                             "THURSDAY": STANDARD_DAY, "FRIDAY": STANDARD_DAY, "SATURDAY": [], "SUNDAY": []}
    assert found["exceptions"] == [("2027-03-12", "2027-03-12", False, []),
                                   ("2027-03-20", "2027-03-20", True, [("08:00", "12:00")])]


def test_mpxj_reads_a_plan_built_by_hand(mpxj_read, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A plan that never was a file (as the services will build one): a night calendar
    whose working time ends at midnight, a must-finish-on, notes, links of every type."""
    night = ((22 * 60, 24 * 60),)
    calendar = ProjectCalendar.build(week=[night] * 5 + [(), ()], exceptions={dt.date(2027, 6, 2): ()},
                                     name="Nights")
    start = dt.datetime(2027, 5, 31, 22)
    plan = Plan(
        name="Night migration", start=start, calendar=calendar, minutes_per_day=120,
        tasks=(
            PlanTask(uid=10, name="Migration", wbs="M", is_summary=True),
            PlanTask(uid=11, name="Freeze", outline_level=2, wbs="M.1", duration=60,
                     notes="Tell support < & >"),
            PlanTask(uid=12, name="Copy", outline_level=2, wbs="M.2", duration=240,
                     constraint=ConstraintType.MFO, constraint_date=dt.datetime(2027, 6, 3, 23, 59)),
            PlanTask(uid=13, name="Check", outline_level=2, wbs="M.3", duration=90, duration_format=5),
            PlanTask(uid=20, name="Done", wbs="Z", is_milestone=True),
        ),
        links=(PlanLink(11, 12, LinkType.FS, -30), PlanLink(11, 13, LinkType.SS, 15),
               PlanLink(12, 13, LinkType.FF), PlanLink(13, 20, LinkType.SF, 0)),
        resources=(PlanResource(uid=1, name="Ops", max_units=Decimal("2")),),
        assignments=(PlanAssignment(uid=1, task_uid=12, resource_uid=1, units=Decimal("2"), work=480),),
    )
    written = write_mspdi(plan)
    assert read_mspdi(written) == plan
    path = tmp_path / "night.xml"
    path.write_bytes(written)
    found = mpxj_read(path)
    assert [(uid, name, level, minutes, milestone, summary, constraint, constraint_date)
            for uid, name, level, minutes, _s, _f, milestone, summary, constraint, constraint_date, *_rest
            in found["tasks"]] == [
        (10, "Migration", 1, 0, False, True, "AS_SOON_AS_POSSIBLE", None),
        (11, "Freeze", 2, 60, False, False, "AS_SOON_AS_POSSIBLE", None),
        (12, "Copy", 2, 240, False, False, "MUST_FINISH_ON", dt.datetime(2027, 6, 3, 23, 59)),
        (13, "Check", 2, 90, False, False, "AS_SOON_AS_POSSIBLE", None),
        (20, "Done", 1, 0, True, False, "AS_SOON_AS_POSSIBLE", None),
    ]
    assert sorted(found["links"]) == [(11, 12, "FS", -30, "DAYS"), (11, 13, "SS", 15, "DAYS"),
                                      (12, 13, "FF", 0, "DAYS"), (13, 20, "SF", 0, "DAYS")]
    assert found["week"]["MONDAY"] == [("22:00", "00:00")] and found["week"]["SATURDAY"] == []
    assert found["exceptions"] == [("2027-06-02", "2027-06-02", False, [])]
    assert found["resources"] == [(1, "Ops", "None", 200.0, 0.0)]
    assert found["assignments"] == [(1, 12, 1, 200.0, 480)]


def test_a_plan_with_a_link_to_nowhere_is_not_written() -> None:
    plan = Plan(name="Broken", tasks=(PlanTask(uid=1, name="Only"),), links=(PlanLink(9, 1),))
    with pytest.raises(PlanError) as caught:
        write_mspdi(plan)
    assert caught.value.messages == [
        "Task UID 1 “Only”: <PredecessorLink> names the task UID 9, which is not in the plan."]


def test_we_read_what_mpxj_writes(mpxj_read, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The other way round: mpxj reads the sample and writes it with its own MS Project
    XML writer; we read that file as the same plan (mpxj writes the summaries' duration
    format as days where MS Project left it empty)."""
    writer = jpype.JClass("org.mpxj.mspdi.MSPDIWriter")
    reader = jpype.JClass("org.mpxj.reader.UniversalProjectReader")
    source, written = tmp_path / "sample.xml", tmp_path / "by-mpxj.xml"
    source.write_bytes(SAMPLE)
    writer().write(reader().read(str(source)), str(written))
    ours = read_mspdi(SAMPLE)
    theirs = read_mspdi(written.read_bytes())
    assert written.read_bytes() != SAMPLE
    assert theirs == replace(ours, tasks=tuple(
        replace(task, duration_format=7) if task.is_summary else task for task in ours.tasks))
    assert [task.duration_format for task in ours.tasks if task.is_summary] == [21, 21, 21]
