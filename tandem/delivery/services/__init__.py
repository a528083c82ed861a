"""Delivery's writes. Pages, the API, imports, jobs and the demo call these, and only
these, to change delivery records."""

from tandem.delivery.services.gantt import task_set_dates
from tandem.delivery.services.interchange import PlanImportResult, plan_export, plan_import
from tandem.delivery.services.plan import (
    dependency_create,
    dependency_delete,
    dependency_update,
    outline_refresh,
    task_assign,
    task_create,
    task_delete,
    task_indent,
    task_move,
    task_outdent,
    task_progress,
    task_unassign,
    task_update,
)
from tandem.delivery.services.projects import (
    project_create,
    project_member_add,
    project_member_remove,
    project_move_status,
    project_start_from_request,
    project_update,
)
from tandem.delivery.services.schedule import project_reschedule

__all__ = [
    "PlanImportResult",
    "dependency_create",
    "dependency_delete",
    "dependency_update",
    "outline_refresh",
    "plan_export",
    "plan_import",
    "project_create",
    "project_member_add",
    "project_member_remove",
    "project_move_status",
    "project_reschedule",
    "project_start_from_request",
    "project_update",
    "task_assign",
    "task_create",
    "task_delete",
    "task_indent",
    "task_move",
    "task_outdent",
    "task_progress",
    "task_set_dates",
    "task_unassign",
    "task_update",
]
