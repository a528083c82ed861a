"""Delivery's writes. Pages, the API, imports, jobs and the demo call these, and only
these, to change delivery records."""

from tandem.delivery.services.expenses import (
    project_expense_attach_receipt,
    project_expense_create,
    project_expense_delete,
    project_expense_update,
)
from tandem.delivery.services.gantt import task_set_dates
from tandem.delivery.services.interchange import PlanImportResult, plan_export, plan_import
from tandem.delivery.services.plan import (
    dependency_create,
    dependency_delete,
    dependency_update,
    outline_refresh,
    task_assign,
    task_assignees_set,
    task_create,
    task_delete,
    task_indent,
    task_move,
    task_outdent,
    task_progress,
    task_shift,
    task_unassign,
    task_update,
)
from tandem.delivery.services.projects import (
    deliverable_set_acceptance,
    project_create,
    project_member_add,
    project_member_remove,
    project_move_status,
    project_start_from_request,
    project_update,
)
from tandem.delivery.services.resources import (
    allocation_create,
    allocation_delete,
    allocation_update,
    task_assign_person,
)
from tandem.delivery.services.schedule import project_reschedule
from tandem.delivery.services.templates import project_create_from_template

__all__ = [
    "PlanImportResult",
    "allocation_create",
    "allocation_delete",
    "allocation_update",
    "deliverable_set_acceptance",
    "dependency_create",
    "dependency_delete",
    "dependency_update",
    "outline_refresh",
    "plan_export",
    "plan_import",
    "project_create",
    "project_create_from_template",
    "project_expense_attach_receipt",
    "project_expense_create",
    "project_expense_delete",
    "project_expense_update",
    "project_member_add",
    "project_member_remove",
    "project_move_status",
    "project_reschedule",
    "project_start_from_request",
    "project_update",
    "task_assign",
    "task_assign_person",
    "task_assignees_set",
    "task_create",
    "task_delete",
    "task_indent",
    "task_move",
    "task_outdent",
    "task_progress",
    "task_set_dates",
    "task_shift",
    "task_unassign",
    "task_update",
]

from tandem.delivery.services.time import (
    time_entries_approve,
    time_entries_return,
    time_entry_delete,
    time_entry_save,
    time_entry_update,
    time_line_billable,
    timesheet_submit,
)

__all__ += [
    "time_entries_approve",
    "time_entries_return",
    "time_entry_delete",
    "time_entry_save",
    "time_entry_update",
    "time_line_billable",
    "timesheet_submit",
]
