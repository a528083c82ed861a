"""A plan from MS Project or Asana into a project, and a project out as a plan.

:func:`plan_import` writes a :class:`tandem.delivery.interchange.plan.Plan` (read by
:mod:`tandem.delivery.interchange.mspdi` or :mod:`~tandem.delivery.interchange.asana`)
into the project with the given code, creating the project when the code is new:

* tasks are matched by their id in the source (``external_id``: MS Project's UID,
  Asana's Task ID), so importing the same file again changes nothing, and a changed file
  updates what changed (each write audited); tasks of the project that the file does not
  hold are kept;
* the tree follows the file's outline; links between imported tasks follow the file
  (added, changed, removed); resources become assignees when a user has their e-mail;
* an MS Project plan brings its calendar (working times and exceptions), so the project
  schedules on the same working time as in MS Project; an Asana plan uses the
  organisation calendar;
* the project is rescheduled once at the end, and each task whose computed dates differ
  from the dates in the file is reported (an MS Project file's dates are MS Project's
  schedule);
* all or nothing: any problem (named by task) refuses the whole file; ``dry_run`` does
  everything and rolls it back.

:func:`plan_export` answers the project as a :class:`Plan` for
:func:`tandem.delivery.interchange.mspdi.write_mspdi`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.core.permissions import require_change
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import SystemActor
from tandem.delivery.calendars import from_local, project_calendar, to_local
from tandem.delivery.interchange.plan import (
    Plan,
    PlanAssignment,
    PlanError,
    PlanLink,
    PlanResource,
    PlanTask,
    plan_problems,
    task_label,
)
from tandem.delivery.models import (
    Calendar,
    CalendarException,
    Dependency,
    Project,
    ProjectStatus,
    Task,
    TaskAssignment,
    TaskPriority,
    TaskStatus,
)
from tandem.delivery.scheduling import ConstraintType, LinkType, ProjectCalendar, Timeline
from tandem.delivery.services.plan import outline_refresh
from tandem.delivery.services.projects import project_create, project_update
from tandem.delivery.services.schedule import project_reschedule

_COMPARED = (
    "name", "description", "is_milestone", "duration_minutes", "percent_complete", "status", "priority",
    "constraint_type", "constraint_date", "deadline", "actual_start", "actual_finish", "completed_on",
    "optimistic_minutes", "likely_minutes", "pessimistic_minutes", "parent_id", "position",
)


@dataclass
class PlanImportResult:
    project: Project
    project_created: bool = False
    tasks_created: int = 0
    tasks_updated: int = 0
    tasks_unchanged: int = 0
    links_created: int = 0
    links_updated: int = 0
    links_removed: int = 0
    assignments_created: int = 0
    warnings: list[str] = field(default_factory=list)
    date_differences: list[str] = field(default_factory=list)
    dry_run: bool = False


def _priority(value: int) -> str:
    """MS Project's 0–1000 (500 = medium) as Tandem's four priorities."""
    if value >= 900:
        return TaskPriority.URGENT
    if value >= 600:
        return TaskPriority.HIGH
    if value < 400:
        return TaskPriority.LOW
    return TaskPriority.NORMAL


_PRIORITY_NUMBER: dict[str, int] = {TaskPriority.LOW: 300, TaskPriority.NORMAL: 500, TaskPriority.HIGH: 700, TaskPriority.URGENT: 900}


def _task_data(task: PlanTask, zone: Any) -> dict[str, Any]:
    percent = max(0, min(100, task.percent_complete))
    done = percent >= 100 or task.completed_at is not None
    if done:
        status, percent = TaskStatus.DONE, 100
    elif percent > 0 or task.actual_start is not None:
        status = TaskStatus.IN_PROGRESS
    else:
        status = TaskStatus.TO_DO
    finished = task.actual_finish or task.completed_at or (task.finish if done else None)
    data: dict[str, Any] = {
        "name": task.name.strip()[:255] or f"Task {task.uid}",
        "description": task.notes,
        "is_milestone": task.is_milestone,
        "duration_minutes": 0 if task.is_summary else max(0, task.duration),
        "percent_complete": percent,
        "status": status,
        "priority": _priority(task.priority),
        "constraint_type": str(ConstraintType(task.constraint)),
        "constraint_date": from_local(task.constraint_date, zone),
        "deadline": from_local(task.deadline, zone),
        "actual_start": from_local(task.actual_start, zone),
        "actual_finish": from_local(task.actual_finish, zone),
        "completed_on": finished.date() if done and finished is not None else None,
        "optimistic_minutes": task.optimistic,
        "likely_minutes": task.likely,
        "pessimistic_minutes": task.pessimistic,
    }
    if data["constraint_type"] in ("asap", "alap"):
        data["constraint_date"] = None
    return data


def _calendar_rows(calendar: ProjectCalendar) -> tuple[list[list[list[int]]], dict[dt.date, list[list[int]]]]:
    week = [[list(interval) for interval in day] for day in calendar.week]
    exceptions = {day: [list(interval) for interval in times] for day, times in calendar.exceptions.items()}
    return week, exceptions


def _sync_calendar(actor: SystemActor, project: Project, calendar: ProjectCalendar) -> None:
    """Give the project the plan's calendar (a new one, or its own brought up to date)."""
    week, exceptions = _calendar_rows(calendar)
    name = f"{project.code} — {calendar.name}"[:100]
    if project.calendar_id is None:
        stored = model_create(actor=actor, model=Calendar, data={"name": name, "week": week, "external_id": "plan"})
        project_update(actor=actor, project=project, data={"calendar": stored})
    else:
        stored = project.calendar  # type: ignore[assignment]
        if stored.week != week:
            model_update(actor=actor, instance=stored, data={"week": week})
    current = {row.date: row for row in CalendarException.objects.filter(calendar=stored)}
    for day, times in exceptions.items():
        row = current.pop(day, None)
        if row is None:
            model_create(actor=actor, model=CalendarException, data={
                "calendar": stored, "date": day, "working_times": times, "name": "Exception" if times else "Non-working"})
        elif row.working_times != times:
            model_update(actor=actor, instance=row, data={"working_times": times})
    for row in current.values():
        model_delete(actor=actor, instance=row)


def _project_for(
    actor: SystemActor, plan: Plan, code: str, account: Any, name: str | None,
) -> tuple[Project, bool]:
    existing = Project.objects.select_related("calendar").filter(code=code.strip().upper()).first()
    if existing is not None:
        if actor is not None:
            require_change(actor, existing)
        if account is not None and existing.account_id != account.pk:
            raise ValidationError({"account": f"The project {existing.code} belongs to another account."})
        return existing, False
    start = (plan.start or min((task.start for task in plan.tasks if task.start), default=None))
    start_date = start.date() if start is not None else timezone.localdate()
    data: dict[str, Any] = {"code": code, "name": (name or plan.name or code)[:200], "start_date": start_date,
                            "status": ProjectStatus.PLANNING}
    if account is not None:
        data["account"] = account
    return project_create(actor=actor, data=data), True


def _field_error(task: PlanTask, error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        details = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    else:
        details = " ".join(error.messages)
    return f"{task_label(task)}: {details}"


@transaction.atomic
def plan_import(
    *, actor: SystemActor, plan: Plan, code: str, account: Any = None, name: str | None = None,
    use_plan_calendar: bool = True, dry_run: bool = False,
) -> PlanImportResult:
    """Write ``plan`` into the project ``code`` (created when new). See the module."""
    problems = plan_problems(plan)
    if problems:
        raise PlanError(problems)
    project, created = _project_for(actor, plan, code, account, name)
    result = PlanImportResult(project=project, project_created=created, warnings=list(plan.warnings),
                              dry_run=dry_run)
    if use_plan_calendar:
        _sync_calendar(actor, project, plan.calendar)
    _, zone = project_calendar(project)
    parents = plan.parent_of()
    existing = {task.external_id: task for task in Task.objects.filter(project=project).exclude(external_id="")}
    by_uid: dict[int, Task] = {}
    positions: dict[int | None, int] = {}
    errors: list[str] = []
    for item in plan.tasks:
        parent_uid = parents[item.uid]
        parent = by_uid.get(parent_uid) if parent_uid is not None else None
        position = positions.get(parent_uid, 0)
        positions[parent_uid] = position + 1
        data = _task_data(item, zone)
        try:
            task = existing.get(str(item.uid))
            if task is None:
                task = model_create(actor=actor, model=Task, data={
                    **data, "project": project, "parent": parent, "position": position, "external_id": str(item.uid)})
                result.tasks_created += 1
            else:
                wanted = {**data, "parent_id": parent.pk if parent else None, "position": position}
                changes = {key: value for key, value in wanted.items() if getattr(task, key) != value}
                if changes:
                    if "parent_id" in changes:
                        changes["parent"] = parent
                        del changes["parent_id"]
                    task = model_update(actor=actor, instance=task, data=changes)
                    result.tasks_updated += 1
                else:
                    result.tasks_unchanged += 1
        except ValidationError as error:
            errors.append(_field_error(item, error))
            continue
        by_uid[item.uid] = task
    if errors:
        raise PlanError(errors)
    _sync_links(actor, project, plan.links, by_uid, result)
    _sync_assignments(actor, plan, by_uid, result)
    outline_refresh(project)
    schedule = project_reschedule(project=project)
    for item in plan.tasks:
        if item.is_summary or item.start is None or item.finish is None:
            continue
        row = schedule.tasks[by_uid[item.uid].pk]
        if (row.early_start, row.early_finish) != (item.start, item.finish):
            result.date_differences.append(
                f"{task_label(item)}: the file says {item.start:%Y-%m-%d %H:%M} – {item.finish:%Y-%m-%d %H:%M}, "
                f"Tandem schedules {row.early_start:%Y-%m-%d %H:%M} – {row.early_finish:%Y-%m-%d %H:%M}."
            )
    if dry_run:
        transaction.set_rollback(True)
    return result


def _sync_links(
    actor: SystemActor, project: Project, links: tuple[PlanLink, ...], by_uid: dict[int, Task],
    result: PlanImportResult,
) -> None:
    imported = {task.pk for task in by_uid.values()}
    current = {
        (link.predecessor_id, link.successor_id): link
        for link in Dependency.objects.filter(project=project, predecessor__in=imported, successor__in=imported)
    }
    for item in links:
        predecessor, successor = by_uid[item.predecessor_uid], by_uid[item.successor_uid]
        kind = str(LinkType(item.type))
        link = current.pop((predecessor.pk, successor.pk), None)
        if link is None:
            model_create(actor=actor, model=Dependency, data={
                "project": project, "predecessor": predecessor, "successor": successor, "kind": kind,
                "lag_minutes": item.lag})
            result.links_created += 1
        elif (link.kind, link.lag_minutes) != (kind, item.lag):
            model_update(actor=actor, instance=link, data={"kind": kind, "lag_minutes": item.lag})
            result.links_updated += 1
    for link in current.values():
        model_delete(actor=actor, instance=link)
        result.links_removed += 1


def _sync_assignments(actor: SystemActor, plan: Plan, by_uid: dict[int, Task], result: PlanImportResult) -> None:
    emails = {resource.uid: resource.email.strip().lower() for resource in plan.resources if resource.email}
    names = {resource.uid: resource.name for resource in plan.resources}
    users = {
        user.email.lower(): user
        for user in get_user_model()._default_manager.filter(is_active=True, email__in=[e for e in emails.values()])
    } if emails else {}
    missing: set[str] = set()
    existing = set(TaskAssignment.objects.filter(task__in=list(by_uid.values())).values_list("task_id", "user_id"))
    for assignment in plan.assignments:
        task = by_uid.get(assignment.task_uid)
        user = users.get(emails.get(assignment.resource_uid, ""))
        if task is None:
            continue
        if user is None:
            missing.add(names.get(assignment.resource_uid, f"resource {assignment.resource_uid}"))
            continue
        if (task.pk, user.pk) in existing:
            continue
        model_create(actor=actor, model=TaskAssignment, data={
            "task": task, "user": user, "units": (assignment.units * 100).quantize(Decimal("0.01"))})
        existing.add((task.pk, user.pk))
        result.assignments_created += 1
    for resource in sorted(missing):
        result.warnings.append(f"{resource}: no active user has this resource's e-mail, so it was not assigned.")


def plan_export(*, project: Project) -> Plan:
    """The project as a plan (the caller has checked the project is visible): tasks in
    WBS order with their scheduled dates, links, the project's calendar, assignees as
    resources. UIDs are the tasks' ids, so exports of the same plan agree."""
    calendar, zone = project_calendar(project)
    tasks = list(Task.objects.filter(project=project).order_by("outline_index", "pk"))
    start = to_local(project.scheduled_start, zone) or dt.datetime.combine(project.start_date, dt.time(0))
    timeline = Timeline(calendar, start)

    def duration(task: Task) -> int:
        """A summary lasts the working time between its rolled-up dates."""
        early_start, early_finish = to_local(task.early_start, zone), to_local(task.early_finish, zone)
        if not task.is_summary or early_start is None or early_finish is None:
            return task.duration_minutes
        return timeline.offset(early_finish) - timeline.offset(early_start)

    plan_tasks = tuple(
        PlanTask(
            uid=task.pk, name=task.name, outline_level=task.outline_level, wbs=task.wbs,
            duration=duration(task), is_milestone=task.is_milestone, is_summary=task.is_summary,
            percent_complete=task.percent_complete, start=to_local(task.early_start, zone),
            finish=to_local(task.early_finish, zone), constraint=ConstraintType(task.constraint_type),
            constraint_date=to_local(task.constraint_date, zone), deadline=to_local(task.deadline, zone),
            actual_start=to_local(task.actual_start, zone), actual_finish=to_local(task.actual_finish, zone),
            notes=task.description, priority=_PRIORITY_NUMBER.get(task.priority, 500),
            optimistic=task.optimistic_minutes, likely=task.likely_minutes, pessimistic=task.pessimistic_minutes,
            external_id=task.external_id,
        )
        for task in tasks
    )
    links = tuple(
        PlanLink(predecessor_uid=predecessor, successor_uid=successor, type=LinkType(kind), lag=lag)
        for predecessor, successor, kind, lag in Dependency.objects.filter(project=project).order_by("pk")
        .values_list("predecessor_id", "successor_id", "kind", "lag_minutes")
    )
    assignments = list(TaskAssignment.objects.filter(task__project=project).select_related("user").order_by("pk"))
    resources: dict[int, PlanResource] = {}
    for assignment in assignments:
        user = assignment.user
        resources.setdefault(user.pk, PlanResource(uid=user.pk, name=user.full_name or user.email, email=user.email))
    work = {task.pk: task.work_minutes for task in tasks}
    shares: dict[int, int] = {}
    for assignment in assignments:
        shares[assignment.task_id] = shares.get(assignment.task_id, 0) + 1
    plan_assignments = tuple(
        PlanAssignment(uid=assignment.pk, task_uid=assignment.task_id, resource_uid=assignment.user_id,
                       units=(assignment.units / 100).quantize(Decimal("0.01")),
                       work=work[assignment.task_id] // shares[assignment.task_id])
        for assignment in assignments
    )
    return Plan(
        name=project.name, start=start, calendar=calendar, minutes_per_day=calendar.minutes_per_day or 480,
        tasks=plan_tasks, links=links, resources=tuple(resources.values()), assignments=plan_assignments,
    )
