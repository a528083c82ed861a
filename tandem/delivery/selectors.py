"""Delivery's reads: what pages, the API and exports show, always through the policies
(:func:`tandem.core.permissions.scoped`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from tandem.core.permissions import get_visible, scoped
from tandem.delivery.models import Dependency, Project, Task, TaskAssignment

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


# --- The API's writes (tasks and dependencies by id) ------------------------------------


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
