"""``/projects`` (list and detail), ``/projects/{id}/schedule`` and
``/projects/{id}/tasks``.

Thin: parse, fetch what the caller may see (404 otherwise), render. The schedule is the
one kept by the plan services (every change reschedules), read in one query.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from tandem.core.api import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    PageMeta,
    PageParams,
    current_user,
    error_responses,
    paginate,
)
from tandem.delivery import selectors
from tandem.delivery.calendars import project_time_zone, to_local
from tandem.delivery.schemas import (
    ProjectDetailOut,
    ProjectListQuery,
    ProjectPage,
    ScheduleOut,
    TaskOut,
    project_detail_out,
    project_out,
    schedule_task_out,
    task_out,
)

router = Router(tags=["projects"])
ID = Path(..., ge=1, le=MAX_ID)


class TaskPage(PageMeta):
    items: list[TaskOut]


@router.get("/projects", response={200: ProjectPage, **error_responses(LIST_ERRORS)})
def list_projects(request: HttpRequest, filters: Query[ProjectListQuery]) -> dict[str, Any]:
    """The projects the caller may see: those they manage or work on, those of the
    accounts they look after; executives and admins see all."""
    actor = current_user(request)
    queryset = selectors.project_list(actor=actor, filters=selectors.ProjectFilters(
        status=filters.status or "", manager_id=actor.pk if filters.mine else filters.manager_id,
        account_id=filters.account_id, templates=filters.templates, sort=filters.sort,
    ))
    projects, meta = paginate(queryset, filters)
    zone = project_time_zone()
    return {**meta, "items": [project_out(project, actor=actor, zone=zone) for project in projects]}


@router.get("/projects/{project_id}", response={200: ProjectDetailOut, **error_responses(DETAIL_ERRORS)})
def get_project(request: HttpRequest, project_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    return project_detail_out(project, actor=actor, zone=project_time_zone())


@router.get("/projects/{project_id}/schedule", response={200: ScheduleOut, **error_responses(DETAIL_ERRORS)})
def get_schedule(request: HttpRequest, project_id: int = ID) -> dict[str, Any]:
    """Early and late dates, total float and the critical path of every task, in plan
    order; datetimes are local times of the project's calendar."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    zone = project_time_zone()
    tasks = [schedule_task_out(task, zone) for task in selectors.task_list(project=project)]
    return {
        "start": to_local(project.scheduled_start, zone),
        "finish": to_local(project.scheduled_finish, zone),
        "tasks": tasks,
    }


@router.get("/projects/{project_id}/tasks", response={200: TaskPage, **error_responses(DETAIL_ERRORS)})
def list_tasks(request: HttpRequest, params: Query[PageParams], project_id: int = ID) -> dict[str, Any]:
    """The plan read top to bottom (WBS order), a page at a time."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    tasks, meta = paginate(selectors.task_list(project=project), params)
    zone = project_time_zone()
    return {**meta, "items": [task_out(task, zone) for task in tasks]}
