"""Shapes of the delivery API. Datetimes of the schedule are ISO 8601 local times of
the project's calendar (``2027-01-04T09:00:00``, no offset), as MS Project writes them;
amounts are decimal strings with their currency."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from tandem.clients.schemas.refs import AccountRef, UserRef, account_ref, decimal_text, user_ref
from tandem.core.api import PageMeta, PageParams
from tandem.delivery.calendars import to_local
from tandem.delivery.models import (
    BillingType,
    ConstraintKind,
    LinkKind,
    Project,
    ProjectStatus,
    Task,
    TaskPriority,
    TaskStatus,
)
from tandem.delivery.selectors import PROJECT_SORTS

ProjectStatusName = Literal["proposed", "planning", "active", "on_hold", "completed", "cancelled"]
BillingTypeName = Literal["fixed_fee", "time_and_materials", "retainer", "non_billable"]
TaskStatusName = Literal["to_do", "in_progress", "blocked", "done"]
TaskPriorityName = Literal["low", "normal", "high", "urgent"]
ConstraintName = Literal["asap", "alap", "mso", "mfo", "snet", "snlt", "fnet", "fnlt"]
LinkKindName = Literal["FS", "SS", "FF", "SF"]
ProjectSort = Literal["code", "-code", "name", "-name", "start", "-start", "due", "-due"]

for _literal, _choices in (
    (ProjectStatusName, ProjectStatus.values), (BillingTypeName, BillingType.values),
    (TaskStatusName, TaskStatus.values), (TaskPriorityName, TaskPriority.values),
    (ConstraintName, ConstraintKind.values), (LinkKindName, LinkKind.values), (ProjectSort, PROJECT_SORTS),
):
    assert set(_literal.__args__) == set(_choices), _literal  # type: ignore[attr-defined]


class ProjectListQuery(PageParams):
    status: ProjectStatusName | None = None
    manager_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    account_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    mine: bool = Field(default=False, description="Only the projects the caller manages.")
    templates: bool = Field(default=False, description="Templates instead of projects.")
    sort: ProjectSort = "code"


class ProjectOut(BaseModel):
    id: int
    code: str
    name: str
    status: ProjectStatusName
    account: AccountRef | None
    manager: UserRef | None
    start_date: dt.date
    due_date: dt.date | None
    completed_on: dt.date | None
    scheduled_start: dt.datetime | None = Field(description="The schedule's start, local time of the project.")
    scheduled_finish: dt.datetime | None = Field(description="The schedule's finish, local time of the project.")
    budget: str = Field(description="Decimal string.")
    currency: str
    budget_hours: str
    billing_type: BillingTypeName
    is_template: bool
    version: int


class ProjectDetailOut(ProjectOut):
    description: str
    scope_statement: str
    in_scope: str
    out_of_scope: str


class ProjectPage(PageMeta):
    items: list[ProjectOut]


class ScheduleTaskOut(BaseModel):
    id: int
    external_id: str
    wbs: str
    name: str
    early_start: dt.datetime | None
    early_finish: dt.datetime | None
    late_start: dt.datetime | None
    late_finish: dt.datetime | None
    total_float_hours: float | None
    is_critical: bool
    is_milestone: bool


class ScheduleOut(BaseModel):
    start: dt.datetime | None = Field(description="ISO 8601 local time of the project's calendar.")
    finish: dt.datetime | None
    tasks: list[ScheduleTaskOut]


class TaskOut(BaseModel):
    id: int
    parent_id: int | None
    wbs: str
    outline_level: int
    name: str
    is_summary: bool
    is_milestone: bool
    duration_minutes: int
    work_minutes: int
    optimistic_minutes: int | None
    likely_minutes: int | None
    pessimistic_minutes: int | None
    status: TaskStatusName
    percent_complete: int
    priority: TaskPriorityName
    constraint_type: ConstraintName
    early_start: dt.datetime | None
    early_finish: dt.datetime | None
    is_critical: bool
    external_id: str
    version: int


def project_out(project: Project, *, actor: Any, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": project.pk, "code": project.code, "name": project.name, "status": project.status,
        "account": account_ref(project.account) if project.account is not None else None,
        "manager": user_ref(project.manager, actor=actor),
        "start_date": project.start_date, "due_date": project.due_date, "completed_on": project.completed_on,
        "scheduled_start": to_local(project.scheduled_start, zone),
        "scheduled_finish": to_local(project.scheduled_finish, zone),
        "budget": decimal_text(project.budget), "currency": project.currency,
        "budget_hours": decimal_text(project.budget_hours), "billing_type": project.billing_type,
        "is_template": project.is_template, "version": project.version,
    }


def project_detail_out(project: Project, *, actor: Any, zone: ZoneInfo) -> dict[str, Any]:
    return {
        **project_out(project, actor=actor, zone=zone), "description": project.description,
        "scope_statement": project.scope_statement, "in_scope": project.in_scope,
        "out_of_scope": project.out_of_scope,
    }


def schedule_task_out(task: Task, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": task.pk, "external_id": task.external_id, "wbs": task.wbs, "name": task.name,
        "early_start": to_local(task.early_start, zone), "early_finish": to_local(task.early_finish, zone),
        "late_start": to_local(task.late_start, zone), "late_finish": to_local(task.late_finish, zone),
        "total_float_hours": None if task.total_float_minutes is None else task.total_float_minutes / 60,
        "is_critical": task.is_critical, "is_milestone": task.is_milestone,
    }


def task_out(task: Task, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": task.pk, "parent_id": task.parent_id, "wbs": task.wbs, "outline_level": task.outline_level,
        "name": task.name, "is_summary": task.is_summary, "is_milestone": task.is_milestone,
        "duration_minutes": task.duration_minutes, "work_minutes": task.work_minutes,
        "optimistic_minutes": task.optimistic_minutes, "likely_minutes": task.likely_minutes,
        "pessimistic_minutes": task.pessimistic_minutes, "status": task.status,
        "percent_complete": task.percent_complete, "priority": task.priority,
        "constraint_type": task.constraint_type, "early_start": to_local(task.early_start, zone),
        "early_finish": to_local(task.early_finish, zone), "is_critical": task.is_critical,
        "external_id": task.external_id, "version": task.version,
    }
