"""Asana's CSV export: :func:`read_asana_csv`.

Asana exports a project as one row a task: ``Task ID, Created At, Completed At, Last
Modified, Name, Section/Column, Assignee, Assignee Email, Start Date, Due Date, Tags,
Notes, Projects, Parent task, Blocked By (Dependencies), Blocking (Dependencies)`` (the
last also as ``Blocking (Dependents)``), then one column per custom field. Spacer rows
may stand above the header. Headers are matched case-insensitively.

The mapping:

* a subtask (``Parent task`` names its parent) is indented under it; a task with
  subtasks is a summary. Tasks keep the file's order, each subtask right after its
  parent's earlier subtasks;
* ``Blocked By`` and ``Blocking`` hold task names (or Task IDs), comma-separated: each
  becomes a finish-to-start link without lag;
* ``Start Date`` and ``Due Date`` (``YYYY-MM-DD``): the duration is the working time of
  the days from the start to the due date on the plan's calendar; a task with only a
  due date is one working day ending that day; a task without dates is one day. A dated
  task gets a "start no earlier than" constraint on its first day, so scheduling keeps
  Asana's dates unless a dependency pushes the task later;
* ``Completed At`` not empty: 100 % complete (``completed_at`` keeps when);
* ``Assignee`` / ``Assignee Email``: one resource per person, assigned full time;
* ``Section/Column`` and ``Notes`` are kept on the task.

Every problem is gathered and raised together as a :class:`PlanError` naming the row
(the line of the file) and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from tandem.core.uploads import megabytes, upload_limit
from tandem.delivery.scheduling import ConstraintType, LinkType, ProjectCalendar

from .plan import Plan, PlanAssignment, PlanError, PlanLink, PlanResource, PlanTask, plan_problems

# Each column: the names it goes by in exports (lower case).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("task id", "id"),
    "name": ("name", "task name"),
    "completed_at": ("completed at",),
    "section": ("section/column", "section", "column"),
    "assignee": ("assignee",),
    "assignee_email": ("assignee email",),
    "start": ("start date",),
    "due": ("due date",),
    "notes": ("notes", "description"),
    "projects": ("projects",),
    "parent": ("parent task", "parent"),
    "blocked_by": ("blocked by (dependencies)", "blocked by"),
    "blocking": ("blocking (dependencies)", "blocking (dependents)", "blocking"),
}
LABELS = {
    "id": "Task ID", "name": "Name", "completed_at": "Completed At", "section": "Section/Column",
    "assignee": "Assignee", "assignee_email": "Assignee Email", "start": "Start Date",
    "due": "Due Date", "notes": "Notes", "projects": "Projects", "parent": "Parent task",
    "blocked_by": "Blocked By (Dependencies)", "blocking": "Blocking (Dependencies)",
}
MAX_HEADER_SEARCH = 20  # spacer rows above the header
MAX_TASK_DAYS = 3660
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class _Row:
    line: int
    uid: int
    cells: dict[str, str]


def _text(source: bytes | str | IO[bytes], limit: int) -> str:
    if isinstance(source, str):
        data = source.encode("utf-8")
    elif isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        data = source.read(limit + 1)
    if len(data) > limit:
        raise PlanError([f"The file is larger than the upload limit of {megabytes(limit)} "
                         "(TANDEM_MAX_UPLOAD_BYTES); nothing was read."])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanError([f"The file is not UTF-8 text (byte {exc.start}); export it again from Asana."]) from exc


def _header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:MAX_HEADER_SEARCH]):
        names = [cell.strip().lower() for cell in row]
        columns: dict[str, int] = {}
        for key, aliases in COLUMNS.items():
            for position, name in enumerate(names):
                if name in aliases and key not in columns:
                    columns[key] = position
        if "name" in columns and ("id" in columns or len(columns) >= 3):
            return index, columns
    raise PlanError(["No header row with the column “Name” (and “Task ID”) was found in the first "
                     f"{MAX_HEADER_SEARCH} rows: this is not an Asana CSV export."])


def _date(value: str) -> dt.date:
    if not _ISO_DATE.match(value):
        raise ValueError(value)
    return dt.date.fromisoformat(value)


def _moment(value: str) -> dt.datetime:
    if len(value) == 10:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(0))
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=None, microsecond=0)


def _bounds(calendar: ProjectCalendar, days: list[dt.date]) -> tuple[dt.datetime, dt.datetime]:
    """The first working minute and the end of the last working time of the days (their
    first and last midnight when none of them is a working day)."""
    working = [day for day in days if calendar.times(day)]
    if not working:
        return dt.datetime.combine(days[0], dt.time(0)), dt.datetime.combine(days[-1], dt.time(0))
    first, last = working[0], working[-1]
    return (dt.datetime.combine(first, dt.time(0)) + dt.timedelta(minutes=calendar.times(first)[0][0]),
            dt.datetime.combine(last, dt.time(0)) + dt.timedelta(minutes=calendar.times(last)[-1][1]))


def _split_names(value: str, known: dict[str, int]) -> tuple[list[int], list[str]]:
    """Task ids from a comma-separated list of names or ids; names may hold commas."""
    pieces = [piece.strip() for piece in value.split(",")]
    found: list[int] = []
    unknown: list[str] = []
    index = 0
    while index < len(pieces):
        for end in range(len(pieces), index, -1):  # the longest run of pieces that is a name
            candidate = ", ".join(pieces[index:end])
            if candidate in known:
                found.append(known[candidate])
                index = end
                break
        else:
            if pieces[index]:
                unknown.append(pieces[index])
            index += 1
    return found, unknown


def read_asana_csv(
    source: bytes | str | IO[bytes],
    *,
    calendar: ProjectCalendar | None = None,
    name: str = "",
    max_bytes: int | None = None,
) -> Plan:
    """A plan from an Asana CSV export; :class:`PlanError` lists what is wrong."""
    calendar = calendar or ProjectCalendar()
    text = _text(source, upload_limit() if max_bytes is None else max_bytes)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise PlanError([f"The file is not readable as CSV ({exc})."]) from exc
    header_index, columns = _header(rows)
    problems: list[str] = []

    def cell(row: list[str], key: str) -> str:
        position = columns.get(key)
        return row[position].strip() if position is not None and position < len(row) else ""

    data: list[_Row] = []
    for offset, values in enumerate(rows[header_index + 1:], start=header_index + 2):
        if not any(value.strip() for value in values):
            continue
        cells = {key: cell(values, key) for key in columns}
        if not cells.get("name"):
            problems.append(f"Row {offset}, column “Name”: the task has no name.")
            continue
        data.append(_Row(line=offset, uid=len(data) + 1, cells=cells))

    # Names and ids to rows (a name used twice refers to the task on the earlier row
    # when it is named from a later one, as a parent usually is).
    by_name: dict[str, list[_Row]] = {}
    by_id: dict[str, _Row] = {}
    for row in data:
        by_name.setdefault(row.cells["name"], []).append(row)
        if row.cells.get("id"):
            by_id[row.cells["id"]] = row

    def resolve(row: _Row, value: str, key: str) -> _Row | None:
        if value in by_id:
            return by_id[value]
        matches = by_name.get(value, [])
        if len(matches) == 1:
            return matches[0]
        earlier = [match for match in matches if match.line < row.line]
        if matches and earlier:
            return earlier[-1]
        if matches:
            problems.append(f"Row {row.line}, column “{LABELS[key]}”: “{value}” names several tasks.")
        else:
            problems.append(f"Row {row.line}, column “{LABELS[key]}”: no task is named “{value}”.")
        return None

    parent_of: dict[int, int | None] = {}
    for row in data:
        parent_name = row.cells.get("parent", "")
        parent = resolve(row, parent_name, "parent") if parent_name else None
        if parent is row:
            problems.append(f"Row {row.line}, column “Parent task”: the task is its own parent.")
            parent = None
        parent_of[row.uid] = parent.uid if parent else None

    ordered = _outline(data, parent_of, problems)

    # Links: "Blocked By" on the successor, "Blocking" on the predecessor.
    names = {row.cells["name"]: row.uid for row in reversed(data)}  # a repeated name: the first row
    names.update({row.cells["id"]: row.uid for row in data if row.cells.get("id")})
    links: dict[tuple[int, int], PlanLink] = {}
    for row in data:
        for key, incoming in (("blocked_by", True), ("blocking", False)):
            value = row.cells.get(key, "")
            if not value:
                continue
            uids, unknown = _split_names(value, names)
            for missing in unknown:
                problems.append(f"Row {row.line}, column “{LABELS[key]}”: no task is named “{missing}”.")
            for other in uids:
                if other == row.uid:
                    problems.append(f"Row {row.line}, column “{LABELS[key]}”: the task depends on itself.")
                    continue
                pair = (other, row.uid) if incoming else (row.uid, other)
                links.setdefault(pair, PlanLink(pair[0], pair[1], LinkType.FS, 0))

    # Tasks, resources and assignments.
    tasks: list[PlanTask] = []
    resources: dict[str, PlanResource] = {}
    assignments: list[PlanAssignment] = []
    for row, level, is_summary in ordered:
        task = _task(row, level, is_summary, calendar, problems)
        if task is None:
            continue
        tasks.append(task)
        person = row.cells.get("assignee", "")
        email = row.cells.get("assignee_email", "")
        if person or email:
            key = email.lower() or person
            if key not in resources:
                resources[key] = PlanResource(uid=len(resources) + 1, name=person or email, email=email)
            assignments.append(PlanAssignment(uid=len(assignments) + 1, task_uid=task.uid,
                                              resource_uid=resources[key].uid, units=Decimal("1"),
                                              work=0 if is_summary else task.duration))
    if problems:
        raise PlanError(problems)
    starts = [task.start for task in tasks if task.start is not None]
    projects = [row.cells.get("projects", "") for row in data if row.cells.get("projects")]
    plan = Plan(
        name=name or (projects[0].split(",")[0].strip() if projects else "") or "Asana import",
        start=min(starts) if starts else None,
        calendar=calendar,
        minutes_per_day=calendar.minutes_per_day or 480,
        tasks=tuple(tasks),
        links=tuple(links.values()),
        resources=tuple(resources.values()),
        assignments=tuple(assignments),
    )
    problems = plan_problems(plan)
    if problems:
        raise PlanError(problems)
    return plan


def _outline(data: Sequence[_Row], parent_of: dict[int, int | None],
             problems: list[str]) -> list[tuple[_Row, int, bool]]:
    """The rows in outline pre-order, each with its level and whether it has children."""
    children: dict[int | None, list[_Row]] = {}
    by_uid = {row.uid: row for row in data}
    for row in data:
        children.setdefault(parent_of[row.uid], []).append(row)
    ordered: list[tuple[_Row, int, bool]] = []
    placed: set[int] = set()

    def walk(parent: int | None, level: int) -> None:
        for row in children.get(parent, []):
            placed.add(row.uid)
            ordered.append((row, level, row.uid in children))
            walk(row.uid, level + 1)

    walk(None, 1)
    for row in data:
        if row.uid not in placed:  # parents in a loop: none of them reaches the top
            loop = [row.uid]
            current = parent_of[row.uid]
            while current is not None and current not in loop:
                loop.append(current)
                current = parent_of[current]
            names = " → ".join(f"“{by_uid[uid].cells['name']}”" for uid in loop)
            problems.append(f"Row {row.line}, column “Parent task”: the parents form a loop ({names}).")
            placed.update(loop)
    return ordered


def _task(row: _Row, level: int, is_summary: bool, calendar: ProjectCalendar,
          problems: list[str]) -> PlanTask | None:
    cells = row.cells

    def read_date(key: str) -> dt.date | None:
        value = cells.get(key, "")
        if not value:
            return None
        try:
            return _date(value)
        except ValueError:
            problems.append(f"Row {row.line}, column “{LABELS[key]}”: “{value}” is not a date (YYYY-MM-DD).")
            return None

    start_day, due_day = read_date("start"), read_date("due")
    completed_at: dt.datetime | None = None
    if cells.get("completed_at"):
        try:
            completed_at = _moment(cells["completed_at"])
        except ValueError:
            problems.append(f"Row {row.line}, column “Completed At”: “{cells['completed_at']}” is not a date.")
    if start_day and due_day and due_day < start_day:
        problems.append(f"Row {row.line}, column “Due Date”: {due_day.isoformat()} is before the start date "
                        f"{start_day.isoformat()}.")
        return None
    if start_day and due_day and (due_day - start_day).days > MAX_TASK_DAYS:
        problems.append(f"Row {row.line}, column “Due Date”: the task spans more than ten years.")
        return None
    first = start_day or due_day
    last = due_day or start_day
    start = finish = None
    constraint = ConstraintType.ASAP
    constraint_date = None
    if first is not None and last is not None:
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        duration = sum(calendar.minutes(day) for day in days)
        start, finish = _bounds(calendar, days)
        constraint, constraint_date = ConstraintType.SNET, start
    else:
        duration = calendar.minutes_per_day or 480
    return PlanTask(
        uid=row.uid,
        name=cells["name"],
        outline_level=level,
        duration=0 if is_summary else duration,
        is_summary=is_summary,
        percent_complete=100 if completed_at else 0,
        start=start,
        finish=finish,
        constraint=constraint,
        constraint_date=constraint_date,
        notes=cells.get("notes", ""),
        section=cells.get("section", ""),
        completed_at=completed_at,
        external_id=cells.get("id", ""),
    )
