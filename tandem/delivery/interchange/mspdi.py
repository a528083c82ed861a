"""MS Project XML (MSPDI): :func:`read_mspdi` and :func:`write_mspdi`.

The reader parses with defusedxml and refuses, before reading anything, a file larger
than ``TANDEM_MAX_UPLOAD_BYTES``, a document type declaration (DTD), entity
declarations (the "billion laughs" expansion, external entities that would read files
of the server) and XML whose root is not MS Project's ``<Project>``. Every other
problem is gathered and raised together as a :class:`PlanError` naming the task (UID
and name) and the element.

The writer follows the schema's element order (it is a sequence), so MS Project and
other readers open the file: header, ``Calendars``, ``Tasks``, ``Resources``,
``Assignments``.

Units in the file: durations ``PT8H0M0S`` (working time; calendar time when the
``DurationFormat`` is elapsed), ``LinkLag`` in tenths of a minute, link ``Type`` 0 =
FF, 1 = FS, 2 = SF, 3 = SS, ``ConstraintType`` 0-7 (ASAP, ALAP, MSO, MFO, SNET, SNLT,
FNET, FNLT), calendar ``DayType`` 1 = Sunday ... 7 = Saturday (0 = an exception in the
format before Project 2007).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import IO
from xml.etree.ElementTree import (  # building only: parsing goes through defusedxml
    Element,
    SubElement,
    tostring,
)

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from tandem.core.uploads import megabytes, upload_limit
from tandem.delivery.scheduling import ConstraintType, LinkType, ProjectCalendar
from tandem.delivery.scheduling.calendar import DayTimes

from .plan import (
    Plan,
    PlanAssignment,
    PlanError,
    PlanLink,
    PlanResource,
    PlanTask,
    elapsed_to_working,
    plan_problems,
    task_label,
)

NS = "http://schemas.microsoft.com/project"
LINK_TYPES: dict[int, LinkType] = {0: LinkType.FF, 1: LinkType.FS, 2: LinkType.SF, 3: LinkType.SS}
LINK_CODES = {kind: code for code, kind in LINK_TYPES.items()}
CONSTRAINTS: list[ConstraintType] = list(ConstraintType)  # MSPDI order 0..7
ELAPSED_FORMATS = {4, 6, 8, 10, 12, 36, 38, 40, 42, 44}  # em, eh, ed, ew, emo (and estimated)
PERCENT_FORMATS = {19, 20, 51, 52}
NULL_RESOURCE = -65535  # MS Project's "unassigned" resource in assignments
# Project's PERT analysis keeps the three-point estimate in the custom fields Duration1-3.
ESTIMATE_FIELDS = {"optimistic": (188743783, "Duration1", "Optimistic Duration"),
                   "likely": (188743784, "Duration2", "Expected Duration"),
                   "pessimistic": (188743785, "Duration3", "Pessimistic Duration")}

_ROOT_START = re.compile(rb"<[A-Za-z_]")  # the first element (not <? or <!)
_DURATION = re.compile(
    r"^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


# --- reading --------------------------------------------------------------------------

def _read_bytes(source: bytes | IO[bytes], limit: int) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        data = source.read(limit + 1)
    if len(data) > limit:
        raise PlanError([f"The file is larger than the upload limit of {megabytes(limit)} "
                         "(TANDEM_MAX_UPLOAD_BYTES); nothing was read."])
    return data


def _refuse_declarations(data: bytes) -> None:
    """Name the problem before the parser refuses it (the parser is the real guard).

    Declarations stand in the prolog, before the root element: only that part is
    looked at, so a note quoting "<!ENTITY" in a CDATA section is no declaration."""
    root = _ROOT_START.search(data)
    head = (data[:root.start()] if root else data).upper()
    if b"<!ENTITY" in head:
        raise PlanError(["The file declares XML entities (<!ENTITY>): entities can expand "
                         "without limit or read files of the server, so the file is refused. "
                         "MS Project never writes them."])
    if b"<!DOCTYPE" in head:
        raise PlanError(["The file has a document type declaration (<!DOCTYPE>), which MS "
                         "Project XML never has; the file is refused."])


def _parse(data: bytes) -> Element:
    _refuse_declarations(data)
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise PlanError([f"The file uses XML features that are refused for safety ({exc})."]) from exc
    except ParseError as exc:
        raise PlanError([f"The file is not well-formed XML ({exc})."]) from exc
    tag = root.tag
    if tag not in (f"{{{NS}}}Project", "Project"):
        local = tag.rsplit("}", 1)[-1]
        raise PlanError([f"The file is XML but not MS Project XML: its root element is <{local}>, "
                         f"not <Project xmlns=\"{NS}\">."])
    return root


def _local(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _children(element: Element | None, name: str) -> Iterator[Element]:
    if element is None:
        return
    for child in element:
        if _local(child) == name:
            yield child


def _child(element: Element | None, name: str) -> Element | None:
    return next(_children(element, name), None)


def _text(element: Element | None, name: str) -> str | None:
    found = _child(element, name)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return value or None


def parse_duration(value: str) -> int:
    """``PT8H30M0S`` as minutes (days count 24 hours, as ISO 8601 says)."""
    match = _DURATION.match(value)
    if match is None or value in ("P", "PT"):
        raise ValueError(value)
    sign, years, months, days, hours, minutes, seconds = match.groups()
    if years or months:
        raise ValueError(value)
    total = (Decimal(days or 0) * 1440 + Decimal(hours or 0) * 60 + Decimal(minutes or 0)
             + Decimal(seconds or 0) / 60)
    result = int(total.to_integral_value())
    return -result if sign else result


def format_duration(minutes: int) -> str:
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    return f"{sign}PT{minutes // 60}H{minutes % 60}M0S"


def _datetime(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    return parsed.replace(tzinfo=None, microsecond=0)


def _minute_of(value: str) -> int:
    """``08:00:00`` as minutes since midnight; ``00:00:00`` as an end is midnight next."""
    parsed = dt.time.fromisoformat(value)
    return parsed.hour * 60 + parsed.minute


@dataclass
class _Reader:
    """Reads values from elements, keeping every problem instead of stopping at one."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def value[T](self, element: Element | None, name: str, where: str,
                 convert: Callable[[str], T], kind: str) -> T | None:
        raw = _text(element, name)
        if raw is None:
            return None
        try:
            return convert(raw)
        except (ValueError, ArithmeticError):
            self.problems.append(f"{where}: <{name}> {raw!r} is not {kind}.")
            return None

    def integer(self, element: Element | None, name: str, where: str) -> int | None:
        return self.value(element, name, where, int, "a whole number")

    def decimal(self, element: Element | None, name: str, where: str) -> Decimal | None:
        def convert(raw: str) -> Decimal:
            number = Decimal(raw)
            if not number.is_finite():
                raise InvalidOperation(raw)
            return number
        return self.value(element, name, where, convert, "a number")

    def boolean(self, element: Element | None, name: str, where: str) -> bool:
        def convert(raw: str) -> bool:
            if raw.lower() in ("1", "true"):
                return True
            if raw.lower() in ("0", "false"):
                return False
            raise ValueError(raw)
        return bool(self.value(element, name, where, convert, "0 or 1"))

    def moment(self, element: Element | None, name: str, where: str) -> dt.datetime | None:
        return self.value(element, name, where, _datetime, "a date and time (YYYY-MM-DDThh:mm:ss)")

    def duration(self, element: Element | None, name: str, where: str) -> int | None:
        return self.value(element, name, where, parse_duration, "a duration such as PT8H0M0S")


# --- calendars ------------------------------------------------------------------------

@dataclass
class _RawCalendar:
    uid: int
    name: str
    base_uid: int | None
    week: dict[int, DayTimes]  # Monday = 0; a day left out inherits from the base
    exceptions: dict[dt.date, DayTimes]


def _working_times(reader: _Reader, day: Element, where: str) -> DayTimes:
    if not reader.boolean(day, "DayWorking", where):
        return ()
    times: list[tuple[int, int]] = []
    for period in _children(_child(day, "WorkingTimes"), "WorkingTime"):
        start = reader.value(period, "FromTime", where, _minute_of, "a time (hh:mm:ss)")
        end = reader.value(period, "ToTime", where, _minute_of, "a time (hh:mm:ss)")
        if start is None or end is None:
            continue
        if end == 0:
            end = 24 * 60
        if not start < end:
            reader.problems.append(f"{where}: <WorkingTime> {start // 60:02}:{start % 60:02}–"
                                   f"{end // 60:02}:{end % 60:02} ends before it starts.")
            continue
        times.append((start, end))
    return tuple(sorted(times))


def _dates_between(reader: _Reader, period: Element | None, where: str) -> list[dt.date]:
    first = reader.moment(period, "FromDate", where)
    last = reader.moment(period, "ToDate", where)
    if first is None or last is None:
        reader.problems.append(f"{where}: <TimePeriod> needs <FromDate> and <ToDate>.")
        return []
    if last < first:
        reader.problems.append(f"{where}: <TimePeriod> ends before it starts.")
        return []
    if (last.date() - first.date()).days > 366 * 50:
        reader.problems.append(f"{where}: <TimePeriod> spans more than fifty years.")
        return []
    return [first.date() + dt.timedelta(days=n) for n in range((last.date() - first.date()).days + 1)]


def _read_calendar(reader: _Reader, element: Element) -> _RawCalendar | None:
    uid = reader.integer(element, "UID", "Calendar")
    name = _text(element, "Name") or ""
    where = f"Calendar UID {uid} “{name}”"
    if uid is None:
        reader.problems.append("A <Calendar> has no <UID>.")
        return None
    base = reader.integer(element, "BaseCalendarUID", where)
    week: dict[int, DayTimes] = {}
    exceptions: dict[dt.date, DayTimes] = {}
    for day in _children(_child(element, "WeekDays"), "WeekDay"):
        day_type = reader.integer(day, "DayType", where)
        if day_type is None or not 0 <= day_type <= 7:
            reader.problems.append(f"{where}: <WeekDay> has <DayType> {_text(day, 'DayType')!r}, not 0–7.")
            continue
        times = _working_times(reader, day, f"{where}, <WeekDay> {day_type}")
        if day_type == 0:  # an exception, in the format before Project 2007
            for date in _dates_between(reader, _child(day, "TimePeriod"), f"{where}, <WeekDay> 0"):
                exceptions[date] = times
        else:
            week[(day_type - 2) % 7] = times
    for exception in _children(_child(element, "Exceptions"), "Exception"):
        label = f"{where}, <Exception> “{_text(exception, 'Name') or ''}”"
        kind = reader.integer(exception, "Type", label)
        period = reader.integer(exception, "PeriodNumber", label) or 1
        times = _working_times(reader, exception, label)
        dates = _dates_between(reader, _child(exception, "TimePeriod"), label)
        if kind not in (None, 1):
            reader.warnings.append(f"{label}: a recurring exception (type {kind}) was left out; "
                                   "only dated and daily exceptions are read.")
            continue
        for date in dates[::max(period, 1)]:
            exceptions[date] = times
    if _child(element, "WorkWeeks") is not None and any(_children(_child(element, "WorkWeeks"), "WorkWeek")):
        reader.warnings.append(f"{where}: alternative work weeks (<WorkWeeks>) were left out.")
    return _RawCalendar(uid=uid, name=name, base_uid=base, week=week, exceptions=exceptions)


def _resolve_calendar(raw: _RawCalendar, calendars: dict[int, _RawCalendar]) -> ProjectCalendar:
    chain: list[_RawCalendar] = []
    current: _RawCalendar | None = raw
    while current is not None and current not in chain:
        chain.append(current)
        current = calendars.get(current.base_uid) if current.base_uid is not None else None
    default = ProjectCalendar()
    week = list(default.week)
    exceptions: dict[dt.date, DayTimes] = {}
    for level in reversed(chain):  # the base first, then what derives from it
        for day, times in level.week.items():
            week[day] = times
        exceptions.update(level.exceptions)
    return ProjectCalendar(week=tuple(week), exceptions=exceptions, name=raw.name or "Calendar")


def _project_calendar(reader: _Reader, root: Element) -> ProjectCalendar:
    calendars: dict[int, _RawCalendar] = {}
    for element in _children(_child(root, "Calendars"), "Calendar"):
        raw = _read_calendar(reader, element)
        if raw is not None:
            calendars[raw.uid] = raw
    wanted = reader.integer(root, "CalendarUID", "Project")
    if wanted is not None and wanted in calendars:
        chosen = calendars[wanted]
    elif calendars:
        chosen = next(iter(calendars.values()))
        if wanted is not None:
            reader.problems.append(f"Project: <CalendarUID> {wanted} names no <Calendar> of the file.")
    else:
        reader.warnings.append("The file has no calendar: the standard calendar (Monday–Friday, "
                               "08:00–12:00 and 13:00–17:00) is used.")
        return ProjectCalendar()
    try:
        return _resolve_calendar(chosen, calendars)
    except ValueError as exc:
        reader.problems.append(f"Calendar UID {chosen.uid} “{chosen.name}”: {exc}.")
        return ProjectCalendar()


# --- tasks ----------------------------------------------------------------------------

def _read_task(reader: _Reader, element: Element, calendar: ProjectCalendar,
               links: list[PlanLink]) -> PlanTask | None:
    uid = reader.integer(element, "UID", "Task")
    name = _text(element, "Name") or ""
    if uid is None:
        reader.problems.append(f"A <Task> “{name}” has no <UID>.")
        return None
    if reader.boolean(element, "IsNull", f"Task UID {uid}"):
        return None  # a blank row
    level = reader.integer(element, "OutlineLevel", f"Task UID {uid}")
    if level == 0 or (uid == 0 and level is None):
        return None  # the project summary task: the plan itself
    task = PlanTask(uid=uid, name=name)
    where = task_label(task)
    duration_format = reader.integer(element, "DurationFormat", where) or 7
    duration = reader.duration(element, "Duration", where) or 0
    elapsed_duration: int | None = None
    if duration_format in ELAPSED_FORMATS:
        elapsed_duration = duration
        duration = elapsed_to_working(duration, calendar)
    constraint_code = reader.integer(element, "ConstraintType", where) or 0
    if not 0 <= constraint_code < len(CONSTRAINTS):
        reader.problems.append(f"{where}: <ConstraintType> {constraint_code} is not 0–7.")
        constraint_code = 0
    percent = reader.integer(element, "PercentComplete", where) or 0
    if not 0 <= percent <= 100:
        reader.problems.append(f"{where}: <PercentComplete> {percent} is not 0–100.")
    priority = reader.integer(element, "Priority", where)
    for link in _children(element, "PredecessorLink"):
        read = _read_link(reader, link, uid, where, calendar)
        if read is not None:
            links.append(read)
    estimates: dict[str, int | None] = dict.fromkeys(ESTIMATE_FIELDS)
    fields = {str(field_id): key for key, (field_id, _name, _alias) in ESTIMATE_FIELDS.items()}
    for attribute in _children(element, "ExtendedAttribute"):
        key = fields.get(_text(attribute, "FieldID") or "")
        if key is not None:
            estimates[key] = reader.duration(attribute, "Value", f"{where}, <ExtendedAttribute> {key}")
    return PlanTask(
        uid=uid,
        name=name,
        outline_level=level if level is not None else 1,
        wbs=_text(element, "WBS") or "",
        duration=duration,
        is_milestone=reader.boolean(element, "Milestone", where),
        is_summary=reader.boolean(element, "Summary", where),
        percent_complete=percent,
        start=reader.moment(element, "Start", where),
        finish=reader.moment(element, "Finish", where),
        constraint=CONSTRAINTS[constraint_code],
        constraint_date=reader.moment(element, "ConstraintDate", where),
        deadline=reader.moment(element, "Deadline", where),
        actual_start=reader.moment(element, "ActualStart", where),
        actual_finish=reader.moment(element, "ActualFinish", where),
        notes=_notes(element),
        priority=priority if priority is not None else 500,
        optimistic=estimates["optimistic"],
        likely=estimates["likely"],
        pessimistic=estimates["pessimistic"],
        external_id=_text(element, "GUID") or "",
        duration_format=duration_format,
        elapsed_duration=elapsed_duration,
    )


def _notes(element: Element) -> str:
    found = _child(element, "Notes")
    return (found.text or "") if found is not None else ""


def _read_link(reader: _Reader, element: Element, successor: int, where: str,
               calendar: ProjectCalendar) -> PlanLink | None:
    predecessor = reader.integer(element, "PredecessorUID", where)
    if predecessor is None:
        reader.problems.append(f"{where}: a <PredecessorLink> has no <PredecessorUID>.")
        return None
    if reader.boolean(element, "CrossProject", where):
        reader.problems.append(f"{where}: the <PredecessorLink> to UID {predecessor} is a link to "
                               "another project (<CrossProject>), which is not supported.")
        return None
    code = reader.integer(element, "Type", where)
    code = 1 if code is None else code
    if code not in LINK_TYPES:
        reader.problems.append(f"{where}: the <PredecessorLink> to UID {predecessor} has <Type> {code}, "
                               "not 0 (FF), 1 (FS), 2 (SF) or 3 (SS).")
        return None
    lag_format = reader.integer(element, "LagFormat", where) or 7
    tenths = reader.integer(element, "LinkLag", where) or 0
    if lag_format in PERCENT_FORMATS and tenths:
        reader.problems.append(f"{where}: the <PredecessorLink> to UID {predecessor} has a lag as a "
                               f"percentage (<LagFormat> {lag_format}), which is not supported.")
        return None
    minutes = round(tenths / 10)
    elapsed: int | None = None
    if lag_format in ELAPSED_FORMATS:
        elapsed = minutes
        minutes = elapsed_to_working(elapsed, calendar)
        if elapsed % (7 * 1440):
            reader.warnings.append(f"{where}: the elapsed lag from UID {predecessor} is scheduled as "
                                   f"{minutes} working minutes (an average week's share).")
    return PlanLink(predecessor_uid=predecessor, successor_uid=successor, type=LINK_TYPES[code],
                    lag=minutes, lag_format=lag_format, elapsed_lag=elapsed)


# --- resources and assignments ----------------------------------------------------------

def _read_resources(reader: _Reader, root: Element) -> list[PlanResource]:
    resources: list[PlanResource] = []
    for element in _children(_child(root, "Resources"), "Resource"):
        uid = reader.integer(element, "UID", "Resource")
        name = _text(element, "Name") or ""
        if uid is None:
            reader.problems.append(f"A <Resource> “{name}” has no <UID>.")
            continue
        where = f"Resource UID {uid} “{name}”"
        if uid == 0 or reader.boolean(element, "IsNull", where):
            continue  # MS Project's placeholder resource, or a blank row
        max_units = reader.decimal(element, "MaxUnits", where)
        resources.append(PlanResource(
            uid=uid, name=name, email=_text(element, "EmailAddress") or "",
            max_units=max_units if max_units is not None else Decimal("1"),
            standard_rate=reader.decimal(element, "StandardRate", where),
        ))
    return resources


def _read_assignments(reader: _Reader, root: Element, task_uids: set[int]) -> list[PlanAssignment]:
    assignments: list[PlanAssignment] = []
    for element in _children(_child(root, "Assignments"), "Assignment"):
        uid = reader.integer(element, "UID", "Assignment")
        if uid is None:
            reader.problems.append("An <Assignment> has no <UID>.")
            continue
        where = f"Assignment UID {uid}"
        task_uid = reader.integer(element, "TaskUID", where)
        resource_uid = reader.integer(element, "ResourceUID", where)
        if task_uid is None or resource_uid is None:
            reader.problems.append(f"{where}: needs <TaskUID> and <ResourceUID>.")
            continue
        if resource_uid == NULL_RESOURCE or task_uid not in task_uids:
            continue  # unassigned work, or work on the project summary task
        units = reader.decimal(element, "Units", where)
        assignments.append(PlanAssignment(
            uid=uid, task_uid=task_uid, resource_uid=resource_uid,
            units=units if units is not None else Decimal("1"),
            work=reader.duration(element, "Work", where) or 0,
        ))
    return assignments


def _mark_summaries(tasks: list[PlanTask]) -> list[PlanTask]:
    """A task with tasks indented under it is a summary, whatever its <Summary> says."""
    parents = Plan(name="", tasks=tuple(tasks)).parent_of()
    has_children = {parent for parent in parents.values() if parent is not None}
    return [replace(task, is_summary=True) if task.uid in has_children and not task.is_summary else task
            for task in tasks]


def read_mspdi(source: bytes | IO[bytes], *, max_bytes: int | None = None) -> Plan:
    """A plan from an MS Project XML file; :class:`PlanError` lists what is wrong."""
    limit = upload_limit() if max_bytes is None else max_bytes
    root = _parse(_read_bytes(source, limit))
    reader = _Reader()
    calendar = _project_calendar(reader, root)
    links: list[PlanLink] = []
    tasks: list[PlanTask] = []
    for element in _children(_child(root, "Tasks"), "Task"):
        task = _read_task(reader, element, calendar, links)
        if task is not None:
            tasks.append(task)
    task_uids = {task.uid for task in tasks}
    tasks = _mark_summaries(tasks)
    resources = _read_resources(reader, root)
    assignments = _read_assignments(reader, root, task_uids)
    minutes_per_day = reader.integer(root, "MinutesPerDay", "Project") or calendar.minutes_per_day or 480
    plan = Plan(
        name=_text(root, "Title") or _text(root, "Name") or "",  # Name is often the file name
        start=reader.moment(root, "StartDate", "Project"),
        calendar=calendar,
        minutes_per_day=minutes_per_day,
        tasks=tuple(tasks),
        links=tuple(link for link in links if link.predecessor_uid != 0),
        resources=tuple(resources),
        assignments=tuple(assignments),
        warnings=tuple(reader.warnings),
    )
    problems = reader.problems + plan_problems(plan)
    if problems:
        raise PlanError(problems)
    return plan


# --- writing --------------------------------------------------------------------------

def _moment(value: dt.datetime) -> str:
    return value.replace(tzinfo=None, microsecond=0).isoformat(timespec="seconds")


def _clock(minute: int) -> str:
    minute %= 24 * 60  # midnight as an end is written 00:00:00
    return f"{minute // 60:02}:{minute % 60:02}:00"


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


class _Writer:
    def __init__(self, root: Element) -> None:
        self.root = root

    @staticmethod
    def add(parent: Element, name: str, value: object = None) -> Element:
        element = SubElement(parent, f"{{{NS}}}{name}")
        if value is not None:
            if isinstance(value, bool):
                element.text = "1" if value else "0"
            elif isinstance(value, dt.datetime):
                element.text = _moment(value)
            elif isinstance(value, Decimal):
                element.text = _number(value)
            else:
                element.text = str(value)
        return element


def _write_working_times(add: Callable[..., Element], parent: Element, times: DayTimes) -> None:
    add(parent, "DayWorking", bool(times))
    if times:
        periods = add(parent, "WorkingTimes")
        for start, end in times:
            period = add(periods, "WorkingTime")
            add(period, "FromTime", _clock(start))
            add(period, "ToTime", _clock(end))


def _write_calendar(add: Callable[..., Element], parent: Element, calendar: ProjectCalendar) -> None:
    element = add(parent, "Calendar")
    add(element, "UID", 1)
    add(element, "Name", calendar.name or "Standard")
    add(element, "IsBaseCalendar", True)
    add(element, "IsBaselineCalendar", False)
    add(element, "BaseCalendarUID", -1)
    days = add(element, "WeekDays")
    for day_type in range(1, 8):  # Sunday first
        day = add(days, "WeekDay")
        add(day, "DayType", day_type)
        _write_working_times(add, day, calendar.week[(day_type - 2) % 7])
    if calendar.exceptions:
        exceptions = add(element, "Exceptions")
        for date in sorted(calendar.exceptions):
            times = calendar.exceptions[date]
            exception = add(exceptions, "Exception")
            add(exception, "EnteredByOccurrences", False)
            period = add(exception, "TimePeriod")
            add(period, "FromDate", dt.datetime.combine(date, dt.time(0)))
            add(period, "ToDate", dt.datetime.combine(date, dt.time(23, 59)))
            add(exception, "Occurrences", 1)
            add(exception, "Name", "Working day" if times else "Holiday")
            add(exception, "Type", 1)
            _write_working_times(add, exception, times)


def _outline_numbers(plan: Plan) -> dict[int, str]:
    numbers: dict[int, str] = {}
    counters: list[int] = []
    for task in plan.tasks:
        level = max(task.outline_level, 1)
        del counters[level:]
        while len(counters) < level:
            counters.append(0)
        counters[level - 1] += 1
        numbers[task.uid] = ".".join(str(number) for number in counters)
    return numbers


def _write_task(add: Callable[..., Element], parent: Element, task: PlanTask, row: int,
                outline_number: str, links: list[PlanLink], is_summary: bool) -> None:
    element = add(parent, "Task")
    add(element, "UID", task.uid)
    add(element, "ID", row)
    add(element, "Name", task.name)
    add(element, "Active", True)
    add(element, "Manual", False)
    add(element, "Type", 1)  # fixed duration: the plan holds durations, not effort
    add(element, "IsNull", False)
    add(element, "WBS", task.wbs or outline_number)
    add(element, "OutlineNumber", outline_number)
    add(element, "OutlineLevel", task.outline_level)
    add(element, "Priority", task.priority)
    if task.start is not None:
        add(element, "Start", task.start)
    if task.finish is not None:
        add(element, "Finish", task.finish)
    # An elapsed duration is written as the calendar time it was read as; without that
    # time, the working duration is written in days.
    duration, duration_format = task.duration, task.duration_format
    if duration_format in ELAPSED_FORMATS:
        if task.elapsed_duration is not None:
            duration = task.elapsed_duration
        else:
            duration_format = 7
    add(element, "Duration", format_duration(duration))
    add(element, "DurationFormat", duration_format)
    add(element, "Milestone", task.is_milestone)
    add(element, "Summary", is_summary)
    add(element, "PercentComplete", task.percent_complete)
    if task.actual_start is not None:
        add(element, "ActualStart", task.actual_start)
    if task.actual_finish is not None:
        add(element, "ActualFinish", task.actual_finish)
    add(element, "ConstraintType", CONSTRAINTS.index(ConstraintType(task.constraint)))
    if task.constraint_date is not None:
        add(element, "ConstraintDate", task.constraint_date)
    if task.deadline is not None:
        add(element, "Deadline", task.deadline)
    if task.notes:
        add(element, "Notes", task.notes)
    for link in links:
        predecessor = add(element, "PredecessorLink")
        add(predecessor, "PredecessorUID", link.predecessor_uid)
        add(predecessor, "Type", LINK_CODES[LinkType(link.type)])
        add(predecessor, "CrossProject", False)
        lag, lag_format = link.lag, link.lag_format
        if lag_format in ELAPSED_FORMATS:
            if link.elapsed_lag is not None:
                lag = link.elapsed_lag
            else:
                lag_format = 7
        add(predecessor, "LinkLag", lag * 10)  # tenths of a minute
        add(predecessor, "LagFormat", lag_format)
    for key, (field_id, _name, _alias) in ESTIMATE_FIELDS.items():
        estimate = getattr(task, key)
        if estimate is not None:
            attribute = add(element, "ExtendedAttribute")
            add(attribute, "FieldID", field_id)
            add(attribute, "Value", format_duration(estimate))
            add(attribute, "DurationFormat", 7)


def write_mspdi(plan: Plan) -> bytes:
    """The plan as MS Project XML (UTF-8), elements in the schema's order."""
    problems = plan_problems(plan)
    if problems:
        raise PlanError(problems)
    root = Element(f"{{{NS}}}Project")
    add = _Writer.add
    add(root, "SaveVersion", 14)
    add(root, "Name", plan.name)
    add(root, "Title", plan.name)
    add(root, "ScheduleFromStart", True)
    if plan.start is not None:
        add(root, "StartDate", plan.start)
    finishes = [task.finish for task in plan.tasks if task.finish is not None]
    if finishes:
        add(root, "FinishDate", max(finishes))
    add(root, "CalendarUID", 1)
    add(root, "MinutesPerDay", plan.minutes_per_day)
    add(root, "MinutesPerWeek", plan.calendar.minutes_per_week or 5 * plan.minutes_per_day)
    add(root, "DaysPerMonth", 20)
    used = [key for key in ESTIMATE_FIELDS if any(getattr(task, key) is not None for task in plan.tasks)]
    if used:
        definitions = add(root, "ExtendedAttributes")
        for key in used:
            field_id, field_name, alias = ESTIMATE_FIELDS[key]
            definition = add(definitions, "ExtendedAttribute")
            add(definition, "FieldID", field_id)
            add(definition, "FieldName", field_name)
            add(definition, "Alias", alias)
    _write_calendar(add, add(root, "Calendars"), plan.calendar)

    tasks = add(root, "Tasks")
    numbers = _outline_numbers(plan)
    by_successor: dict[int, list[PlanLink]] = {}
    for link in plan.links:
        by_successor.setdefault(link.successor_uid, []).append(link)
    parents = plan.parent_of()
    has_children = {parent for parent in parents.values() if parent is not None}
    for row, task in enumerate(plan.tasks, start=1):
        _write_task(add, tasks, task, row, numbers[task.uid], by_successor.get(task.uid, []),
                    task.uid in has_children)

    resources = add(root, "Resources")
    for row, resource in enumerate(plan.resources, start=1):
        element = add(resources, "Resource")
        add(element, "UID", resource.uid)
        add(element, "ID", row)
        add(element, "Name", resource.name)
        add(element, "Type", 1)  # work
        add(element, "IsNull", False)
        if resource.email:
            add(element, "EmailAddress", resource.email)
        add(element, "MaxUnits", resource.max_units)
        if resource.standard_rate is not None:
            add(element, "StandardRate", resource.standard_rate)
            add(element, "StandardRateFormat", 2)  # per hour

    assignments = add(root, "Assignments")
    by_uid = {task.uid: task for task in plan.tasks}
    for assignment in plan.assignments:
        element = add(assignments, "Assignment")
        add(element, "UID", assignment.uid)
        add(element, "TaskUID", assignment.task_uid)
        add(element, "ResourceUID", assignment.resource_uid)
        task = by_uid[assignment.task_uid]
        if task.finish is not None:
            add(element, "Finish", task.finish)
        if task.start is not None:
            add(element, "Start", task.start)
        add(element, "Units", assignment.units)
        add(element, "Work", format_duration(assignment.work))
    body: bytes = tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=NS)
    return body
