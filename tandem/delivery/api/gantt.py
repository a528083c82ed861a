"""``/projects/{id}/gantt`` (a window of the plan's rows as the Gantt shows them) and
``/tasks/{id}/dates`` (a bar dragged or resized). Thin, as :mod:`.projects`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from tandem.core.api import DETAIL_ERRORS, MAX_ID, UPDATE_ERRORS, current_user, error_responses
from tandem.delivery import selectors
from tandem.delivery.calendars import project_time_zone
from tandem.delivery.schemas import TaskDetailOut, task_detail_out
from tandem.delivery.schemas.gantt import GanttOut, GanttQuery, TaskDatesIn, gantt_out
from tandem.delivery.selectors.gantt import gantt_window
from tandem.delivery.services.gantt import task_set_dates

router = Router(tags=["gantt"])
ID = Path(..., ge=1, le=MAX_ID)


@router.get("/projects/{project_id}/gantt", response={200: GanttOut, **error_responses(DETAIL_ERRORS)})
def get_gantt(request: HttpRequest, query: Query[GanttQuery], project_id: int = ID) -> dict[str, Any]:
    """The plan's rows as the Gantt shows them, a window at a time: in outline order,
    the tasks under folded summaries left out; each with its scheduled dates (local
    times of the project's calendar), its predecessors among the rows and its dates in
    the latest baseline. Plans of up to 300 tasks show every level by default, bigger
    ones their top level (``depth``)."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    window = gantt_window(
        project=project, offset=query.offset, limit=query.limit, depth=query.depth,
        collapsed=query.collapsed, expanded=query.expanded,
    )
    return gantt_out(window, project_time_zone())


@router.post("/tasks/{task_id}/dates", response={200: TaskDetailOut, **error_responses(UPDATE_ERRORS)})
def set_task_dates(request: HttpRequest, payload: TaskDatesIn, task_id: int = ID) -> dict[str, Any]:
    """A bar moved or resized on the Gantt (days, both included): a move sets a "start
    no earlier than" constraint on the first day, a resize the duration in working time
    of the calendar; the project is rescheduled. A stale ``version`` answers 409."""
    actor = current_user(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    task = task_set_dates(
        actor=actor, task=task, start=payload.start, finish=payload.finish, expected_version=payload.version,
    )
    return task_detail_out(task, assignees=selectors.task_assignees(task=task), actor=actor, zone=project_time_zone())
