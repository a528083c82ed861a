"""``/projects`` (list, detail, create, change, status), ``/projects/{id}/schedule``,
``/projects/{id}/forecast``, the plan (``/projects/{id}/tasks``, ``/tasks/{id}`` and its
tree and progress actions) and its dependencies (``/projects/{id}/dependencies``,
``/dependencies/{id}``).

Thin: parse, fetch what the caller may see (404 otherwise; a body naming an object the
caller may not see is a 422 on that field), call one delivery service (403 / 409 /
422), render. The schedule is the one kept by the plan services (every change
reschedules), read in one query. Datetimes in bodies are local times of the project's
calendar unless they carry an offset.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.clients.api.references import account_reference, user_reference
from tandem.core.api import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    UPDATE_ERRORS,
    PageMeta,
    PageParams,
    current_user,
    error_responses,
    paginate,
    renamed_fields,
    resolve_reference,
)
from tandem.delivery import selectors, services
from tandem.delivery.calendars import from_local, project_time_zone, to_local
from tandem.delivery.forecasting import project_forecast
from tandem.delivery.models import Project, Task
from tandem.delivery.schemas import (
    DependencyCreateIn,
    DependencyOut,
    DependencyPage,
    DependencyUpdateIn,
    ForecastOut,
    ForecastQuery,
    ProjectCreateIn,
    ProjectDetailOut,
    ProjectListQuery,
    ProjectPage,
    ProjectStatusIn,
    ProjectUpdateIn,
    ScheduleOut,
    TaskCreateIn,
    TaskDetailOut,
    TaskMoveIn,
    TaskOut,
    TaskProgressIn,
    TaskTreeActionIn,
    TaskUpdateIn,
    VersionQuery,
    dependency_out,
    forecast_out,
    project_detail_out,
    project_out,
    schedule_task_out,
    task_detail_out,
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


# --- Writes: references ------------------------------------------------------------------------

# How a delivery service names a field (the model's name) → the body field that carried it.
REFERENCE_FIELDS = {
    "account": "account_id", "manager": "manager_id", "parent": "parent_id", "predecessor": "predecessor_id",
    "successor": "successor_id", "user": "assignee_ids",
}
# A create under a project answers 404 for a project the caller may not see.
NESTED_CREATE_ERRORS = (*CREATE_ERRORS, 404)
_LOCAL_TIMES = ("constraint_date", "deadline", "actual_start", "actual_finish")


def _task(field: str, actor: Any, task_id: int, project: Project) -> Task:
    """A task of ``project`` the actor sees; any other id is a 422 on ``field``."""
    task: Task = resolve_reference(field, lambda: selectors.task_get(actor=actor, task_id=task_id))
    if task.project_id != project.pk:
        raise ValidationError({field: "Name a task of this project."})
    return task


def _project_references(actor: Any, changes: dict[str, Any]) -> dict[str, Any]:
    if "account_id" in changes:
        account_id = changes.pop("account_id")
        changes["account"] = None if account_id is None else account_reference(actor, account_id)
    if "manager_id" in changes:
        changes["manager"] = user_reference("manager_id", actor, changes.pop("manager_id"))
    return changes


def _local_times(changes: dict[str, Any]) -> dict[str, Any]:
    zone = project_time_zone()
    for name in _LOCAL_TIMES:
        if name in changes:
            changes[name] = from_local(changes[name], zone)
    return changes


def _task_answer(task: Task, actor: Any) -> dict[str, Any]:
    return task_detail_out(task, assignees=selectors.task_assignees(task=task), actor=actor, zone=project_time_zone())


# --- Writes: projects ----------------------------------------------------------------------------


@router.post("/projects", response={201: ProjectDetailOut, **error_responses(CREATE_ERRORS)})
def create_project(request: HttpRequest, payload: ProjectCreateIn) -> Status[dict[str, Any]]:
    """A new project (project managers and admins). Without ``manager_id`` a project
    manager manages what they create; with an account, the currency defaults to its own."""
    actor = current_user(request)
    data = _project_references(actor, payload.model_dump())
    if data["currency"] is None:
        del data["currency"]
    with renamed_fields(REFERENCE_FIELDS):
        project = services.project_create(actor=actor, data=data)
    return Status(201, project_detail_out(project, actor=actor, zone=project_time_zone()))


@router.patch("/projects/{project_id}", response={200: ProjectDetailOut, **error_responses(UPDATE_ERRORS)})
def update_project(request: HttpRequest, payload: ProjectUpdateIn, project_id: int = ID) -> dict[str, Any]:
    """Change a project (its manager and admins); a closed one keeps all but its
    description. A new start date reschedules the plan."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    changes = _project_references(actor, changes)
    with renamed_fields(REFERENCE_FIELDS):
        project = services.project_update(actor=actor, project=project, data=changes, expected_version=expected_version)
    return project_detail_out(project, actor=actor, zone=project_time_zone())


@router.post("/projects/{project_id}/status", response={200: ProjectDetailOut, **error_responses(UPDATE_ERRORS)})
def move_project_status(request: HttpRequest, payload: ProjectStatusIn, project_id: int = ID) -> dict[str, Any]:
    """Move the project along its lifecycle; any other move is a 422 saying which are
    possible. Completing it records ``completed_on``."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    project = services.project_move_status(
        actor=actor, project=project, status=payload.status, expected_version=payload.version,
    )
    return project_detail_out(project, actor=actor, zone=project_time_zone())


@router.get("/projects/{project_id}/forecast", response={200: ForecastOut, **error_responses(DETAIL_ERRORS)})
def get_project_forecast(request: HttpRequest, query: Query[ForecastQuery], project_id: int = ID) -> dict[str, Any]:
    """The Monte Carlo completion forecast: each task with optimistic, most likely and
    pessimistic minutes is drawn from them (PERT), the others keep their duration;
    finishes at P50 / P80 / P95 as local times of the project's calendar, and each
    task's criticality index. Seeded: the same seed answers the same forecast."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    result = project_forecast(project=project, runs=query.runs, seed=query.seed)
    return forecast_out(result, runs=query.runs, seed=query.seed)


# --- Writes: tasks --------------------------------------------------------------------------------


@router.post("/projects/{project_id}/tasks", response={201: TaskDetailOut, **error_responses(NESTED_CREATE_ERRORS)})
def create_task(request: HttpRequest, payload: TaskCreateIn, project_id: int = ID) -> Status[dict[str, Any]]:
    """A task of the plan (the project's manager); the project is rescheduled."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    data = _local_times(payload.model_dump(exclude={"parent_id", "position", "assignee_ids"}))
    parent = None if payload.parent_id is None else _task("parent_id", actor, payload.parent_id, project)
    assignees = [user_reference("assignee_ids", actor, user_id) for user_id in payload.assignee_ids]
    with renamed_fields(REFERENCE_FIELDS):
        task = services.task_create(
            actor=actor, project=project, data=data, parent=parent, position=payload.position, assignees=assignees,
        )
    return Status(201, _task_answer(task, actor))


@router.get("/tasks/{task_id}", response={200: TaskDetailOut, **error_responses(DETAIL_ERRORS)})
def get_task(request: HttpRequest, task_id: int = ID) -> dict[str, Any]:
    """A task with its constraint, actual and late dates, float and assignees."""
    actor = current_user(request)
    return _task_answer(selectors.task_get(actor=actor, task_id=task_id), actor)


@router.patch("/tasks/{task_id}", response={200: TaskDetailOut, **error_responses(UPDATE_ERRORS)})
def update_task(request: HttpRequest, payload: TaskUpdateIn, task_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    changes = _local_times(payload.model_dump(exclude_unset=True))
    expected_version = changes.pop("version")
    task = services.task_update(actor=actor, task=task, data=changes, expected_version=expected_version)
    return _task_answer(task, actor)


@router.post("/tasks/{task_id}/move", response={200: TaskDetailOut, **error_responses(UPDATE_ERRORS)})
def move_task(request: HttpRequest, payload: TaskMoveIn, task_id: int = ID) -> dict[str, Any]:
    """Move the task (with the tasks under it) under ``parent_id`` at ``position``; the
    plan is renumbered and rescheduled."""
    actor = current_user(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    parent = None if payload.parent_id is None else _task("parent_id", actor, payload.parent_id, task.project)
    with renamed_fields(REFERENCE_FIELDS):
        task = services.task_move(
            actor=actor, task=task, parent=parent, position=payload.position, expected_version=payload.version,
        )
    return _task_answer(task, actor)


@router.post("/tasks/{task_id}/indent", response={200: TaskDetailOut, **error_responses(UPDATE_ERRORS)})
def indent_task(request: HttpRequest, payload: TaskTreeActionIn, task_id: int = ID) -> dict[str, Any]:
    """Make the task the last child of the task above it."""
    actor = current_user(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    with renamed_fields(REFERENCE_FIELDS):
        task = services.task_indent(actor=actor, task=task, expected_version=payload.version)
    return _task_answer(task, actor)


@router.post("/tasks/{task_id}/outdent", response={200: TaskDetailOut, **error_responses(UPDATE_ERRORS)})
def outdent_task(request: HttpRequest, payload: TaskTreeActionIn, task_id: int = ID) -> dict[str, Any]:
    """Move the task out of its parent, just below it."""
    actor = current_user(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    with renamed_fields(REFERENCE_FIELDS):
        task = services.task_outdent(actor=actor, task=task, expected_version=payload.version)
    return _task_answer(task, actor)


@router.post("/tasks/{task_id}/progress", response={200: TaskDetailOut, **error_responses(UPDATE_ERRORS)})
def report_task_progress(request: HttpRequest, payload: TaskProgressIn, task_id: int = ID) -> dict[str, Any]:
    """Report progress: the project's manager or one of the task's assignees."""
    actor = current_user(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    changes = _local_times(payload.model_dump(exclude_unset=True))
    expected_version = changes.pop("version")
    task = services.task_progress(actor=actor, task=task, data=changes, expected_version=expected_version)
    return _task_answer(task, actor)


@router.delete("/tasks/{task_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_task(request: HttpRequest, query: Query[VersionQuery], task_id: int = ID) -> Status[None]:
    """Delete a task with the tasks under it and their dependencies; with ``?version=``
    the delete is refused (409) if the task changed since."""
    actor = current_user(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    services.task_delete(actor=actor, task=task, expected_version=query.version)
    return Status(204, None)


# --- Writes: dependencies ------------------------------------------------------------------------


@router.get("/projects/{project_id}/dependencies", response={200: DependencyPage, **error_responses(DETAIL_ERRORS)})
def list_dependencies(request: HttpRequest, params: Query[PageParams], project_id: int = ID) -> dict[str, Any]:
    """The project's dependencies, each with both tasks, a page at a time."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    links, meta = paginate(selectors.dependency_list(project=project), params)
    return {**meta, "items": [dependency_out(link) for link in links]}


@router.post("/projects/{project_id}/dependencies", response={201: DependencyOut, **error_responses(NESTED_CREATE_ERRORS)})
def create_dependency(request: HttpRequest, payload: DependencyCreateIn, project_id: int = ID) -> Status[dict[str, Any]]:
    """``successor_id`` depends on ``predecessor_id``; one that closes a loop is a 422
    on ``predecessor_id`` naming the tasks in the loop."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    predecessor = _task("predecessor_id", actor, payload.predecessor_id, project)
    successor = _task("successor_id", actor, payload.successor_id, project)
    with renamed_fields(REFERENCE_FIELDS):
        link = services.dependency_create(
            actor=actor, predecessor=predecessor, successor=successor, kind=payload.kind,
            lag_minutes=payload.lag_minutes,
        )
    return Status(201, dependency_out(link))


@router.get("/dependencies/{dependency_id}", response={200: DependencyOut, **error_responses(DETAIL_ERRORS)})
def get_dependency(request: HttpRequest, dependency_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    return dependency_out(selectors.dependency_get(actor=actor, dependency_id=dependency_id))


@router.patch("/dependencies/{dependency_id}", response={200: DependencyOut, **error_responses(UPDATE_ERRORS)})
def update_dependency(request: HttpRequest, payload: DependencyUpdateIn, dependency_id: int = ID) -> dict[str, Any]:
    """Change the link's kind or lag; the project is rescheduled."""
    actor = current_user(request)
    link = selectors.dependency_get(actor=actor, dependency_id=dependency_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    with renamed_fields(REFERENCE_FIELDS):
        link = services.dependency_update(actor=actor, dependency=link, data=changes, expected_version=expected_version)
    return dependency_out(link)


@router.delete("/dependencies/{dependency_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_dependency(request: HttpRequest, query: Query[VersionQuery], dependency_id: int = ID) -> Status[None]:
    """Remove the link; with ``?version=`` a stale one answers 409."""
    actor = current_user(request)
    link = selectors.dependency_get(actor=actor, dependency_id=dependency_id)
    services.dependency_delete(actor=actor, dependency=link, expected_version=query.version)
    return Status(204, None)
