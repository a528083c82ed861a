"""The neutral plan every interchange format reads into and writes from.

A :class:`Plan` is a plain, frozen value: tasks in outline pre-order (indentation comes
from the order plus each task's ``outline_level``, as in MS Project), links, resources,
assignments and the project calendar. Durations and lags are working minutes on that
calendar; datetimes are naive local times, as the files hold them.

Readers refuse a file with a :class:`PlanError` listing every problem found (each naming
the task, row or element), rather than importing part of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from tandem.delivery.scheduling import (
    ConstraintType,
    Link,
    LinkType,
    ProjectCalendar,
    TaskInput,
    schedule,
)

ELAPSED_MINUTES_PER_WEEK = 7 * 24 * 60


class PlanError(ValueError):
    """The file cannot be read as a plan; ``messages`` says why, one problem each."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        shown = self.messages[:20]
        more = len(self.messages) - len(shown)
        text = " ".join(shown) + (f" (and {more} more problems)" if more > 0 else "")
        super().__init__(text)


@dataclass(frozen=True)
class PlanTask:
    uid: int
    name: str
    outline_level: int = 1  # 1 = top level
    wbs: str = ""
    duration: int = 0  # working minutes (for an elapsed duration: its working-time equivalent)
    is_milestone: bool = False
    is_summary: bool = False
    percent_complete: int = 0
    start: dt.datetime | None = None
    finish: dt.datetime | None = None
    constraint: ConstraintType = ConstraintType.ASAP
    constraint_date: dt.datetime | None = None
    deadline: dt.datetime | None = None
    actual_start: dt.datetime | None = None
    actual_finish: dt.datetime | None = None
    notes: str = ""
    priority: int = 500  # MS Project 0..1000
    optimistic: int | None = None  # three-point estimate, working minutes
    likely: int | None = None
    pessimistic: int | None = None
    section: str = ""  # Asana's section or board column
    completed_at: dt.datetime | None = None  # Asana
    external_id: str = ""  # the source's own id (Asana Task ID, MS Project GUID)
    duration_format: int = 7  # MSPDI DurationFormat the source showed it in (7 = days)
    elapsed_duration: int | None = None  # calendar minutes, when the format is elapsed


@dataclass(frozen=True)
class PlanLink:
    predecessor_uid: int
    successor_uid: int
    type: LinkType = LinkType.FS
    lag: int = 0  # working minutes; negative is a lead
    lag_format: int = 7  # MSPDI LagFormat (7 = days, 8 = elapsed days, ...)
    elapsed_lag: int | None = None  # calendar minutes, when the lag format is elapsed


@dataclass(frozen=True)
class PlanResource:
    uid: int
    name: str
    email: str = ""
    max_units: Decimal = Decimal("1")  # 1 = 100 %
    standard_rate: Decimal | None = None  # per hour


@dataclass(frozen=True)
class PlanAssignment:
    uid: int
    task_uid: int
    resource_uid: int
    units: Decimal = Decimal("1")  # 1 = 100 %
    work: int = 0  # minutes


@dataclass(frozen=True)
class Plan:
    name: str
    start: dt.datetime | None = None
    calendar: ProjectCalendar = field(default_factory=ProjectCalendar)
    minutes_per_day: int = 480
    tasks: tuple[PlanTask, ...] = ()
    links: tuple[PlanLink, ...] = ()
    resources: tuple[PlanResource, ...] = ()
    assignments: tuple[PlanAssignment, ...] = ()
    warnings: tuple[str, ...] = ()  # what was read only approximately or left out

    def task(self, uid: int) -> PlanTask:
        for task in self.tasks:
            if task.uid == uid:
                return task
        raise KeyError(uid)

    def parent_of(self) -> dict[int, int | None]:
        """Each task's parent, from the outline levels of the tasks in pre-order."""
        parents: dict[int, int | None] = {}
        stack: list[PlanTask] = []
        for task in self.tasks:
            while stack and stack[-1].outline_level >= task.outline_level:
                stack.pop()
            parents[task.uid] = stack[-1].uid if stack else None
            stack.append(task)
        return parents

    def to_schedule_inputs(self) -> tuple[list[TaskInput], list[Link]]:
        """The tasks and links for :func:`tandem.delivery.scheduling.schedule`."""
        parents = self.parent_of()
        tasks = [
            TaskInput(
                id=task.uid,
                duration=0 if task.is_milestone and not task.duration else task.duration,
                parent=parents[task.uid],
                name=task.name,
                constraint=task.constraint,
                constraint_date=task.constraint_date,
                deadline=task.deadline,
                actual_start=task.actual_start,
                actual_finish=task.actual_finish,
            )
            for task in self.tasks
        ]
        links = [Link(link.predecessor_uid, link.successor_uid, link.type, link.lag)
                 for link in self.links]
        return tasks, links


def scheduled(plan: Plan, start: dt.datetime | None = None) -> Plan:
    """The plan with each task's start and finish from our scheduler (early dates), e.g.
    before writing a plan read from Asana, whose tasks have no dates of their own in
    between. ``start`` defaults to the plan's start."""
    origin = start or plan.start
    if origin is None:
        raise PlanError(["The plan has no start date to schedule from."])
    tasks, links = plan.to_schedule_inputs()
    result = schedule(tasks, links, plan.calendar, origin)
    return replace(
        plan,
        start=result.start,
        tasks=tuple(replace(task, start=result.tasks[task.uid].early_start,
                            finish=result.tasks[task.uid].early_finish) for task in plan.tasks),
    )


def elapsed_to_working(minutes: int, calendar: ProjectCalendar) -> int:
    """The working-time equivalent of calendar time (an average over the week).

    The scheduler counts working minutes only; an elapsed lag or duration (``2ed``)
    becomes the working time an average week holds in that span: exact for whole
    weeks, approximate otherwise."""
    return round(minutes * calendar.minutes_per_week / ELAPSED_MINUTES_PER_WEEK)


def plan_problems(plan: Plan) -> list[str]:
    """What makes a plan unusable: repeated ids, outline jumps, links to nowhere."""
    problems: list[str] = []
    seen: set[int] = set()
    previous_level = 0
    for task in plan.tasks:
        label = task_label(task)
        if task.uid in seen:
            problems.append(f"{label}: the UID {task.uid} is used by another task.")
        seen.add(task.uid)
        if task.outline_level < 1:
            problems.append(f"{label}: <OutlineLevel> {task.outline_level} is below 1.")
        elif task.outline_level > previous_level + 1:
            problems.append(
                f"{label}: <OutlineLevel> {task.outline_level} skips a level "
                f"(the task before is at level {previous_level})."
            )
        previous_level = max(task.outline_level, 1)
        if task.duration < 0:
            problems.append(f"{label}: <Duration> is negative.")
    by_uid = {task.uid: task for task in plan.tasks}
    for link in plan.links:
        successor = by_uid.get(link.successor_uid)
        where = task_label(successor) if successor else f"Task UID {link.successor_uid}"
        if link.predecessor_uid not in by_uid:
            problems.append(f"{where}: <PredecessorLink> names the task UID {link.predecessor_uid}, "
                            "which is not in the plan.")
        if successor is None:
            problems.append(f"A link names the successor task UID {link.successor_uid}, which is not in the plan.")
        if link.predecessor_uid == link.successor_uid:
            problems.append(f"{where}: <PredecessorLink> links the task to itself.")
    resources = {resource.uid for resource in plan.resources}
    for assignment in plan.assignments:
        if assignment.task_uid not in by_uid:
            problems.append(f"Assignment UID {assignment.uid}: <TaskUID> {assignment.task_uid} is not a task of the plan.")
        if assignment.resource_uid not in resources:
            problems.append(f"Assignment UID {assignment.uid}: <ResourceUID> {assignment.resource_uid} is not a resource of the plan.")
    return problems


def task_label(task: PlanTask) -> str:
    return f"Task UID {task.uid} “{task.name}”"
