"""Delivery's reads: what pages, the API and exports show, always through the policies
(:func:`tandem.core.permissions.scoped`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import Case, Count, F, IntegerField, QuerySet, Sum, When, Window

from tandem.core.permissions import get_visible, scoped
from tandem.delivery.models import (
    Deliverable,
    Dependency,
    Objective,
    Project,
    ProjectMember,
    Task,
    TaskAssignment,
)
from tandem.delivery.models.plan import TaskStatus
from tandem.delivery.models.projects import OPEN_STATUSES

PROJECT_SORTS = ("code", "-code", "name", "-name", "start", "-start", "due", "-due")
_SORT_FIELDS = {"code": "code", "name": "name", "start": "start_date", "due": "due_date"}


@dataclass(frozen=True)
class ProjectFilters:
    status: str = ""
    manager_id: int | None = None
    account_id: int | None = None
    templates: bool = False
    sort: str = "code"


def project_list(*, actor: Any, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    filters = filters or ProjectFilters()
    queryset = scoped(actor, Project).filter(is_template=filters.templates)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.manager_id is not None:
        queryset = queryset.filter(manager_id=filters.manager_id)
    if filters.account_id is not None:
        queryset = queryset.filter(account_id=filters.account_id)
    sort = filters.sort if filters.sort in PROJECT_SORTS else "code"
    field = _SORT_FIELDS[sort.lstrip("-")]
    ordering = [f"-{field}" if sort.startswith("-") else field, "pk"]
    return queryset.select_related("account", "manager").order_by(*ordering)


def project_get(*, actor: Any, project_id: Any) -> Project:
    return get_visible(actor, Project.objects.select_related("account", "manager"), project_id)


def task_list(*, project: Project) -> QuerySet[Task]:
    """The plan read top to bottom (the caller has checked the project is visible)."""
    return Task.objects.filter(project=project).order_by("outline_index", "pk")


# --- Pages (project page, "My tasks", the account page's projects) --------------------------

MY_TASK_SORTS = ("finish", "-finish")


def project_team(*, project: Project) -> QuerySet[ProjectMember]:
    """The project's team, by name (one query, the user joined)."""
    return (
        ProjectMember.objects.filter(project=project)
        .select_related("user")
        .order_by("user__full_name", "user__email", "pk")
    )


def objective_list(*, project: Project) -> QuerySet[Objective]:
    return Objective.objects.filter(project=project).order_by("pk")


def deliverable_list(*, project: Project) -> QuerySet[Deliverable]:
    return Deliverable.objects.filter(project=project).order_by(F("due_date").asc(nulls_last=True), "pk")


def task_assignee_names(*, project: Project, task_ids: list[int] | None = None) -> dict[int, list[str]]:
    """Each task's assignees' names (of ``task_ids`` when given), by task id, in one query."""
    names: dict[int, list[str]] = {}
    assignments = TaskAssignment.objects.filter(task__project=project)
    if task_ids is not None:
        assignments = assignments.filter(task_id__in=task_ids)
    rows = (
        assignments
        .order_by("task_id", "user__full_name", "user__email", "pk")
        .values_list("task_id", "user__full_name", "user__email")
    )
    for task_id, full_name, email in rows:
        names.setdefault(task_id, []).append(full_name or email)
    return names


def my_task_list(*, actor: Any, sort: str = "finish", for_count: bool = False) -> QuerySet[Task]:
    """The tasks assigned to ``actor`` that are not done, in the open (not template)
    projects they may see, the earliest scheduled finish first (unscheduled last)."""
    queryset = scoped(actor, Task).filter(
        assignments__user=actor.pk, project__is_template=False, project__status__in=OPEN_STATUSES,
    ).exclude(status=TaskStatus.DONE)
    if for_count:
        return queryset
    finish = F("early_finish")
    ordering = finish.desc(nulls_last=True) if sort == "-finish" else finish.asc(nulls_last=True)
    return queryset.select_related("project").order_by(ordering, "pk")


def account_project_list(*, actor: Any, account: Any) -> QuerySet[Project]:
    """The account's projects ``actor`` may see (templates aside), the latest start first."""
    return (
        scoped(actor, Project)
        .filter(account=account, is_template=False)
        .select_related("manager")
        .order_by("-start_date", "-pk")
    )


def project_page_get(*, actor: Any, project_id: Any) -> Project:
    """One project for its page: with its account, manager and own calendar."""
    return get_visible(actor, Project.objects.select_related("account", "manager", "calendar"), project_id)


class PlanRow(NamedTuple):
    """A task of the plan as its row shows it (no model object: a 500-row window of a
    plan costs one tuple a row), with the plan's totals the window query counts."""

    pk: int
    project_id: int
    version: int
    wbs: str
    name: str
    outline_level: int
    is_summary: bool
    is_milestone: bool
    is_critical: bool
    duration_minutes: int
    total_float_minutes: int | None
    percent_complete: int
    early_start: dt.datetime | None
    early_finish: dt.datetime | None
    plan_total: int
    plan_critical: int


PLAN_ROW_FIELDS = tuple(name if name != "pk" else "id" for name in PlanRow._fields[:-2])


def plan_window(*, project: Project, offset: int, limit: int) -> list[PlanRow]:
    """``limit`` tasks of the plan from ``offset`` (outline order), each carrying
    ``plan_total`` (the plan's tasks) and ``plan_critical`` (its critical work tasks),
    counted over the whole plan in the same query (window aggregates)."""
    critical = Case(When(is_critical=True, is_summary=False, then=1), default=0, output_field=IntegerField())
    queryset = task_list(project=project).annotate(
        plan_total=Window(Count("pk")), plan_critical=Window(Sum(critical)),
    )
    rows = queryset.values_list(*PLAN_ROW_FIELDS, "plan_total", "plan_critical")[offset: offset + limit]
    return [PlanRow._make(row) for row in rows]


# --- The API's writes (tasks and dependencies by id) ------------------------------------


def deliverable_get(*, actor: Any, deliverable_id: Any) -> Deliverable:
    """One deliverable the actor may see (its project's visibility), with its project."""
    return get_visible(actor, Deliverable.objects.select_related("project", "project__manager"), deliverable_id)


def task_get(*, actor: Any, task_id: Any) -> Task:
    """One task the actor may see (its project's visibility), with its project."""
    return get_visible(actor, Task.objects.select_related("project", "project__manager"), task_id)


def task_assignees(*, task: Task) -> list[Any]:
    """The people assigned to the task, by name (one query)."""
    assignments = TaskAssignment.objects.filter(task=task).select_related("user").order_by("user__full_name", "user_id")
    return [assignment.user for assignment in assignments]


def dependency_list(*, project: Project) -> QuerySet[Dependency]:
    """The project's dependencies with both tasks (the caller has checked the project is
    visible), in the order they were made."""
    return (Dependency.objects.filter(project=project)
            .select_related("predecessor", "successor").order_by("pk"))


def dependency_get(*, actor: Any, dependency_id: Any) -> Dependency:
    return get_visible(
        actor, Dependency.objects.select_related("project", "predecessor", "successor"), dependency_id,
    )
