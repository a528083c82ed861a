"""Delivery's reads: what pages, the API and exports show, always through the policies
(:func:`tandem.core.permissions.scoped`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from tandem.core.permissions import get_visible, scoped
from tandem.delivery.models import Project, Task

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
