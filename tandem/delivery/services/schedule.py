"""Rescheduling a project: load its plan, compute (tandem.delivery.scheduling), save
what changed.

:func:`project_reschedule` is called by every plan service after a change that moves
dates (a task's duration, constraint or actual dates, a dependency, the tree), inside
the same transaction, so the stored dates are always the schedule of the stored plan. A
cycle raises :class:`django.core.exceptions.ValidationError` naming the tasks in it and
the transaction rolls back.

Loading reads plain tuples as the driver returns them (two queries: tasks and
dependencies); saving converts each distinct date once and writes only the rows whose
dates moved, with one ``executemany`` UPDATE. Benchmark P6 measures load
+ compute + save against the computation alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from tandem.delivery.calendars import from_local, project_calendar, to_local
from tandem.delivery.models import Dependency, Project, Task
from tandem.delivery.scheduling import (
    ConstraintType,
    CycleError,
    Link,
    LinkType,
    ProjectCalendar,
    ScheduleResult,
    TaskInput,
    schedule,
)

_TASK_COLUMNS = (
    "id", "parent_id", "name", "duration_minutes", "constraint_type", "constraint_date", "deadline",
    "actual_start", "actual_finish", "early_start", "early_finish", "late_start", "late_finish",
    "total_float_minutes", "is_critical",
)
_SAVED = ("early_start", "early_finish", "late_start", "late_finish", "total_float_minutes", "is_critical")


@dataclass(frozen=True)
class LoadedPlan:
    tasks: list[TaskInput]
    links: list[Link]
    stored: dict[Any, tuple[object, ...]]  # task id → the saved columns as read
    calendar: ProjectCalendar
    zone: ZoneInfo
    origin: dt.datetime


def _raw(queryset: Any) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset as the database driver returns them, without
    the ORM's per-value converters (a 10,000-task plan is read in one pass)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _instant(raw: Any) -> dt.datetime | None:
    """A raw datetime column as an aware UTC instant (SQLite answers naive UTC)."""
    if raw is None:
        return None
    value = raw if isinstance(raw, dt.datetime) else dt.datetime.fromisoformat(raw)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def plan_load(project: Project) -> LoadedPlan:
    """The plan as the scheduler's values; ``stored`` keeps each task's saved schedule
    as the database holds it, to write only what moves."""
    calendar, zone = project_calendar(project)
    tasks: list[TaskInput] = []
    stored: dict[Any, tuple[object, ...]] = {}
    rows = _raw(Task.objects.filter(project=project).order_by("outline_index", "id").values_list(*_TASK_COLUMNS))
    kinds = {kind.value: kind for kind in ConstraintType}
    for (task_id, parent_id, name, duration, constraint, constraint_date, deadline, actual_start,
         actual_finish, *saved) in rows:
        tasks.append(TaskInput(
            id=task_id, duration=duration, parent=parent_id, name=name,
            constraint=kinds[constraint],
            constraint_date=to_local(_instant(constraint_date), zone), deadline=to_local(_instant(deadline), zone),
            actual_start=to_local(_instant(actual_start), zone), actual_finish=to_local(_instant(actual_finish), zone),
        ))
        early_start, early_finish, late_start, late_finish, total_float, critical = saved
        stored[task_id] = (early_start, early_finish, late_start, late_finish, total_float, bool(critical))
    link_kinds = {kind.value: kind for kind in LinkType}
    links = [
        Link(predecessor, successor, link_kinds[kind], lag)
        for predecessor, successor, kind, lag in _raw(Dependency.objects.filter(project=project).values_list(
            "predecessor_id", "successor_id", "kind", "lag_minutes"))
    ]
    origin = dt.datetime.combine(project.start_date, dt.time(0))
    return LoadedPlan(tasks=tasks, links=links, stored=stored, calendar=calendar, zone=zone, origin=origin)


def plan_compute(plan: LoadedPlan) -> ScheduleResult:
    try:
        return schedule(plan.tasks, plan.links, plan.calendar, plan.origin)
    except CycleError as error:
        raise ValidationError({"predecessor": str(error)}) from error


def plan_save(project: Project, plan: LoadedPlan, result: ScheduleResult) -> int:
    """Write the dates that moved; answer how many task rows were written. Each distinct
    date is converted to the database's form once (a plan's tasks share few dates)."""
    zone = plan.zone
    # The saved dates were read as the driver returns them: naive UTC on SQLite (whose
    # connection works in UTC), aware on PostgreSQL. New dates are put in that same form
    # to compare, and written in the form the driver takes (SQLite: the text Django
    # writes, without the per-value settings look-ups of ``adapt_datetimefield_value``).
    naive_utc = connection.vendor == "sqlite" and connection.timezone == dt.UTC
    adapt = (lambda value: str(value)) if naive_utc else connection.ops.adapt_datetimefield_value
    instants: dict[dt.datetime, dt.datetime] = {}
    columns: dict[dt.datetime, Any] = {}

    def instant(local: dt.datetime) -> dt.datetime:
        value = instants.get(local)
        if value is None:
            value = local.replace(tzinfo=zone).astimezone(dt.UTC)
            if naive_utc:
                value = value.replace(tzinfo=None)
            instants[local] = value
        return value

    def column(value: dt.datetime) -> Any:
        adapted = columns.get(value)
        if adapted is None:
            adapted = columns[value] = adapt(value)
        return adapted

    changed: list[Any] = []
    for task_id, row in result.tasks.items():
        values = (
            instant(row.early_start), instant(row.early_finish), instant(row.late_start), instant(row.late_finish),
            row.total_float, row.is_critical,
        )
        if values != plan.stored.get(task_id):
            changed.append((column(values[0]), column(values[1]), column(values[2]), column(values[3]),
                            values[4], values[5], task_id))
    if changed:
        table = connection.ops.quote_name(Task._meta.db_table)
        assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in _SAVED)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", changed)  # noqa: S608
    start = from_local(result.start, zone) if result.tasks else None
    finish = from_local(result.finish, zone) if result.tasks else None
    if (project.scheduled_start, project.scheduled_finish) != (start, finish):
        Project.objects.filter(pk=project.pk).update(
            scheduled_start=start, scheduled_finish=finish, updated_at=timezone.now(),
        )
        project.scheduled_start, project.scheduled_finish = start, finish
    return len(changed)


@transaction.atomic
def project_reschedule(*, project: Project) -> ScheduleResult:
    """Recompute the project's schedule and save the dates that moved. Derived values:
    no audit entry and no version change (the change that caused it has its own)."""
    plan = plan_load(project)
    result = plan_compute(plan)
    plan_save(project, plan, result)
    return result
