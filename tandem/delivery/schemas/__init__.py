"""Shapes of the delivery API. Datetimes of the schedule are ISO 8601 local times of
the project's calendar (``2027-01-04T09:00:00``, no offset), as MS Project writes them;
amounts are decimal strings with their currency.

Bodies (``*In``) refuse unknown fields (``StrictIn``); datetimes in them are local
times of the project's calendar, or carry their offset (:data:`LocalMoment`)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    WithJsonSchema,
)

from tandem.clients.schemas.bodies import VERSION_FIELD, StrictIn
from tandem.clients.schemas.refs import AccountRef, UserRef, account_ref, decimal_text, user_ref
from tandem.clients.schemas.values import Currency, Day, Money, ReferenceId, body_text, patch_text
from tandem.core.api import MAX_ID, YEAR_RANGE_PATTERN, PageMeta, PageParams, optional
from tandem.delivery.calendars import to_local
from tandem.delivery.forecasting import DEFAULT_RUNS, MAX_RUNS, ProjectForecast
from tandem.delivery.models import (
    BillingType,
    ConstraintKind,
    Dependency,
    LinkKind,
    Project,
    ProjectStatus,
    Task,
    TaskPriority,
    TaskStatus,
)
from tandem.delivery.selectors import PROJECT_SORTS
from tandem.delivery.services.plan import MAX_LAG_MINUTES

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


# A datetime in an answer: the local time of the project's calendar, without an offset
# (RFC 3339's "date-time" requires one, so the schema states the pattern instead).
LocalTime = Annotated[dt.datetime, WithJsonSchema({
    "type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?$",
    "description": "ISO 8601 local time of the project's calendar, without an offset (2027-01-04T09:00:00).",
})]


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
    scheduled_start: LocalTime | None = Field(description="The schedule's start, local time of the project.")
    scheduled_finish: LocalTime | None = Field(description="The schedule's finish, local time of the project.")
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
    early_start: LocalTime | None
    early_finish: LocalTime | None
    late_start: LocalTime | None
    late_finish: LocalTime | None
    total_float_hours: float | None
    is_critical: bool
    is_milestone: bool


class ScheduleOut(BaseModel):
    start: LocalTime | None = Field(description="ISO 8601 local time of the project's calendar.")
    finish: LocalTime | None
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
    early_start: LocalTime | None
    early_finish: LocalTime | None
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


# --- In: values ---------------------------------------------------------------------------

NewProjectStatusName = Literal["proposed", "planning"]
_LOCAL_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$")
_HOURS_TEXT = re.compile(r"^\d{1,8}(\.\d{1,2})?$")
_EARLIEST, _LATEST = dt.datetime(1900, 1, 2), dt.datetime(2999, 12, 30)


def _local_date_time_text(value: Any) -> Any:
    if not isinstance(value, str) or not _LOCAL_DATE_TIME.match(value):
        raise ValueError("Use an ISO 8601 date and time, e.g. 2027-01-04T09:00:00 (the project's local time) "
                         "or 2027-01-04T08:00:00Z.")
    return value


def _local_in_range(value: dt.datetime) -> dt.datetime:
    naive = value.replace(tzinfo=None)
    if not _EARLIEST <= naive <= _LATEST:
        raise ValueError("Must lie between the years 1900 and 2999.")
    return value


def _hours_value(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError("Use a number or a decimal string such as \"120.50\".")
    if isinstance(value, str) and not _HOURS_TEXT.match(value):
        raise ValueError("Use digits with at most two decimal places, such as \"120.50\".")
    return value


# A datetime in a body: the project's local time (no offset, as the schedule answers) or
# an instant with its offset. The API converts it with tandem.delivery.calendars.from_local.
LocalMoment = Annotated[
    dt.datetime,
    BeforeValidator(_local_date_time_text),
    AfterValidator(_local_in_range),
    Strict(False),
    WithJsonSchema({
        "type": "string", "format": "date-time", "pattern": YEAR_RANGE_PATTERN,
        "description": "ISO 8601: the project's local time (2027-01-04T09:00:00) or with an offset "
                       "(2027-01-04T08:00:00Z), years 1900 to 2999.",
    }),
]
BudgetHours = Annotated[
    Decimal,
    BeforeValidator(_hours_value),
    Strict(False),
    Field(ge=0, max_digits=10, decimal_places=2),
    WithJsonSchema({
        "anyOf": [{"type": "number", "minimum": 0, "maximum": 99999999.99},
                  {"type": "string", "pattern": _HOURS_TEXT.pattern}],
        "description": "Hours: a JSON number or a string such as \"120.50\".",
    }),
]
# Working minutes (480 a day on the default calendar), at most ten years of them.
Minutes = Annotated[int, Field(ge=0, le=MAX_LAG_MINUTES)]
Lag = Annotated[int, Field(ge=-MAX_LAG_MINUTES, le=MAX_LAG_MINUTES,
                           description="Working minutes after (negative: a lead, before).")]
Position = Annotated[int, Field(ge=0, le=1_000_000, description="Its place among its siblings, from 0.")]
Assignees = Annotated[list[ReferenceId], Field(max_length=50)]


# --- In: projects ---------------------------------------------------------------------------


class ProjectCreateIn(StrictIn):
    """A new project; its manager (default: the creator, when a project manager) joins
    its team. ``status`` is ``proposed`` (default) or ``planning``."""

    code: str = body_text(32, required=True, description="Capitals, digits and dashes, e.g. ACME-WEB; unique.")
    name: str = body_text(200, required=True)
    description: str = body_text(20_000)
    account_id: ReferenceId | None = Field(default=None, description="None: an internal project.")
    manager_id: ReferenceId | None = Field(default=None, description="An active project manager.")
    start_date: Day
    due_date: Day | None = None
    budget: Money = Field(default=Decimal(0))
    currency: Currency | None = Field(default=None, description="Default: the account's currency.")
    budget_hours: BudgetHours = Field(default=Decimal(0))
    billing_type: BillingTypeName = "fixed_fee"
    scope_statement: str = body_text(20_000)
    in_scope: str = body_text(20_000)
    out_of_scope: str = body_text(20_000)
    status: NewProjectStatusName = "proposed"


class ProjectUpdateIn(StrictIn):
    """Changes to a project (not its status: ``POST /projects/{id}/status``); send
    ``version`` and only the fields to change. A new start date reschedules the plan."""

    version: int = VERSION_FIELD
    code: str = patch_text(32, required=True)
    name: str = patch_text(200, required=True)
    description: str = patch_text(20_000)
    account_id: ReferenceId | None = optional(description="null: an internal project.")
    manager_id: ReferenceId | None = optional()
    start_date: Day = optional()
    due_date: Day | None = optional()
    budget: Money = optional()
    currency: Currency = optional()
    budget_hours: BudgetHours = optional()
    billing_type: BillingTypeName = optional()
    scope_statement: str = patch_text(20_000)
    in_scope: str = patch_text(20_000)
    out_of_scope: str = patch_text(20_000)


class ProjectStatusIn(StrictIn):
    """Move along ``proposed → planning → active → on hold → completed | cancelled``."""

    status: ProjectStatusName
    version: int = VERSION_FIELD


# --- In: tasks ---------------------------------------------------------------------------------


class TaskCreateIn(StrictIn):
    """A task under ``parent_id`` (top level when none) at ``position`` among its
    siblings (last when none). Estimates: optimistic ≤ most likely ≤ pessimistic."""

    name: str = body_text(255, required=True)
    description: str = body_text(20_000)
    parent_id: ReferenceId | None = Field(default=None, description="A task of the same project.")
    position: Position | None = None
    is_milestone: bool = False
    duration_minutes: Minutes = Field(default=0, description="Working minutes (a milestone has none).")
    work_minutes: Minutes = 0
    optimistic_minutes: Minutes | None = None
    likely_minutes: Minutes | None = None
    pessimistic_minutes: Minutes | None = None
    priority: TaskPriorityName = "normal"
    constraint_type: ConstraintName = "asap"
    constraint_date: LocalMoment | None = Field(default=None, description="Needed by every constraint but asap / alap.")
    deadline: LocalMoment | None = None
    due_date: Day | None = None
    external_id: str = body_text(64)
    assignee_ids: Assignees = Field(default_factory=list, description="Active people to assign.")


class TaskUpdateIn(StrictIn):
    """Changes to a task (the tree: ``/move``, ``/indent``, ``/outdent``); a change of
    duration, milestone, constraint or deadline reschedules the project."""

    version: int = VERSION_FIELD
    name: str = patch_text(255, required=True)
    description: str = patch_text(20_000)
    is_milestone: bool = optional()
    duration_minutes: Minutes = optional()
    work_minutes: Minutes = optional()
    optimistic_minutes: Minutes | None = optional()
    likely_minutes: Minutes | None = optional()
    pessimistic_minutes: Minutes | None = optional()
    status: TaskStatusName = optional()
    percent_complete: int = optional(ge=0, le=100)
    priority: TaskPriorityName = optional()
    constraint_type: ConstraintName = optional()
    constraint_date: LocalMoment | None = optional()
    deadline: LocalMoment | None = optional()
    due_date: Day | None = optional()
    external_id: str = patch_text(64)


class TaskMoveIn(StrictIn):
    parent_id: ReferenceId | None = Field(description="A task of the same project; null: the top level.")
    position: Position | None = Field(default=None, description="Default: last.")
    version: int = VERSION_FIELD


class TaskTreeActionIn(StrictIn):
    version: int = VERSION_FIELD


class TaskProgressIn(StrictIn):
    """Progress, by the project's manager or one of the task's assignees: done means
    100 %, 100 % means done; actual dates pin the schedule."""

    version: int = VERSION_FIELD
    status: TaskStatusName = optional()
    percent_complete: int = optional(ge=0, le=100)
    actual_start: LocalMoment | None = optional()
    actual_finish: LocalMoment | None = optional()
    completed_on: Day | None = optional()


# --- In: dependencies --------------------------------------------------------------------------


class DependencyCreateIn(StrictIn):
    """``successor_id`` depends on ``predecessor_id`` (two tasks of the project); a
    link that closes a loop is refused with the tasks in it."""

    predecessor_id: ReferenceId
    successor_id: ReferenceId
    kind: LinkKindName = "FS"
    lag_minutes: Lag = 0


class DependencyUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    kind: LinkKindName = optional()
    lag_minutes: Lag = optional()


class VersionQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The version you read; when sent, a stale one answers 409.")


class ForecastQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    runs: int = Field(default=DEFAULT_RUNS, ge=1, le=MAX_RUNS, description=f"Simulated runs, at most {MAX_RUNS:,}.")
    seed: int = Field(default=1, ge=0, le=2**32 - 1, description="One seed, one answer.")


# --- Out: writes -------------------------------------------------------------------------------


class TaskRef(BaseModel):
    id: int
    wbs: str
    name: str


class TaskDetailOut(TaskOut):
    project_id: int
    description: str
    constraint_date: LocalTime | None
    deadline: LocalTime | None
    due_date: dt.date | None
    completed_on: dt.date | None
    actual_start: LocalTime | None
    actual_finish: LocalTime | None
    late_start: LocalTime | None
    late_finish: LocalTime | None
    total_float_hours: float | None
    assignees: list[UserRef]


class DependencyOut(BaseModel):
    id: int
    project_id: int
    predecessor: TaskRef
    successor: TaskRef
    kind: LinkKindName
    lag_minutes: int
    version: int


class DependencyPage(PageMeta):
    items: list[DependencyOut]


class ForecastTaskOut(BaseModel):
    id: int
    wbs: str
    name: str
    criticality: float = Field(description="Share of runs in which the task was critical, 0 to 1.")


class ForecastOut(BaseModel):
    runs: int
    seed: int
    p50: LocalTime | None = Field(description="Local time of the project's calendar; null without tasks.")
    p80: LocalTime | None
    p95: LocalTime | None
    deterministic_finish: LocalTime | None = Field(description="The finish with every task at its duration.")
    tasks: list[ForecastTaskOut]


def task_ref(task: Task) -> dict[str, Any]:
    return {"id": task.pk, "wbs": task.wbs, "name": task.name}


def task_detail_out(task: Task, *, assignees: list[Any], actor: Any, zone: ZoneInfo) -> dict[str, Any]:
    return {
        **task_out(task, zone), "project_id": task.project_id, "description": task.description,
        "constraint_date": to_local(task.constraint_date, zone), "deadline": to_local(task.deadline, zone),
        "due_date": task.due_date, "completed_on": task.completed_on,
        "actual_start": to_local(task.actual_start, zone), "actual_finish": to_local(task.actual_finish, zone),
        "late_start": to_local(task.late_start, zone), "late_finish": to_local(task.late_finish, zone),
        "total_float_hours": None if task.total_float_minutes is None else task.total_float_minutes / 60,
        "assignees": [ref for ref in (user_ref(user, actor=actor) for user in assignees) if ref is not None],
    }


def dependency_out(dependency: Dependency) -> dict[str, Any]:
    return {
        "id": dependency.pk, "project_id": dependency.project_id,
        "predecessor": task_ref(dependency.predecessor), "successor": task_ref(dependency.successor),
        "kind": dependency.kind, "lag_minutes": dependency.lag_minutes, "version": dependency.version,
    }


def forecast_out(result: ProjectForecast | None, *, runs: int, seed: int) -> dict[str, Any]:
    if result is None:
        return {"runs": runs, "seed": seed, "p50": None, "p80": None, "p95": None, "deterministic_finish": None,
                "tasks": []}
    return {
        "runs": result.runs, "seed": result.seed, "p50": result.p50, "p80": result.p80, "p95": result.p95,
        "deterministic_finish": result.deterministic_finish,
        "tasks": [{"id": row.id, "wbs": row.wbs, "name": row.name, "criticality": row.criticality}
                  for row in result.tasks],
    }
