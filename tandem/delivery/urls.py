"""Delivery pages, mounted under ``/delivery/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from django.urls import path

from tandem.clients.views.accounts import account_tab
from tandem.delivery.views import (
    approvals,
    baselines,
    board,
    budget,
    deliverables,
    forecast,
    gantt,
    interchange,
    my_tasks,
    plan_edit,
    project_create,
    project_list,
    projects,
    resources,
    timesheet,
)

app_name = "delivery"
urlpatterns: list[object] = [
    # The account's Projects tab (its sections: tandem.delivery.views.account_section)
    path("accounts/<int:account_id>/", account_tab, {"tab": "projects"}, name="account_projects"),
    path("projects/", project_list.project_list_view, name="project_list"),
    path("projects/<int:project_id>/", projects.project_detail, name="project_detail"),
    path("my-tasks/", my_tasks.my_tasks, name="my_tasks"),
    path("timesheet/", timesheet.timesheet, name="timesheet"),
    path("timesheet/cell/", timesheet.timesheet_cell, name="timesheet_cell"),
    path("timesheet/line/", timesheet.timesheet_line, name="timesheet_line"),
    path("timesheet/submit/", timesheet.timesheet_submit, name="timesheet_submit"),
    path("approvals/", approvals.approvals, name="approvals"),
    path("approvals/decide/", approvals.approvals_decide, name="approvals_decide"),
    path("projects/<int:project_id>/gantt/", gantt.project_gantt, name="project_gantt"),
    path("projects/<int:project_id>/baselines/", baselines.project_baselines, name="project_baselines"),
    path("projects/<int:project_id>/forecast/", forecast.project_forecast_page, name="project_forecast"),
    path("projects/<int:project_id>/budget/", budget.project_budget, name="project_budget"),
    path("expenses/<int:project_expense_id>/receipt/", budget.expense_receipt, name="expense_receipt"),
    path("expenses/<int:project_expense_id>/delete/", budget.expense_delete, name="expense_delete"),
    # Editing the plan in place, the board, a new project (from a template), import / export.
    path("projects/new/", project_create.project_create, name="project_create"),
    path("projects/<int:project_id>/board/", board.project_board, name="project_board"),
    path("projects/<int:project_id>/plan/", plan_edit.plan_section, name="plan_section"),
    path("projects/<int:project_id>/plan/tasks/", plan_edit.task_add, name="plan_task_add"),
    path("projects/<int:project_id>/import/", interchange.project_import, name="project_import"),
    path("projects/<int:project_id>/export/msproject/", interchange.project_export_msproject,
         name="project_export_msproject"),
    path("tasks/<int:task_id>/edit/", plan_edit.task_edit, name="plan_task_edit"),
    path("tasks/<int:task_id>/indent/", plan_edit.task_indent, name="plan_task_indent"),
    path("tasks/<int:task_id>/outdent/", plan_edit.task_outdent, name="plan_task_outdent"),
    path("tasks/<int:task_id>/move-up/", plan_edit.task_move_up, name="plan_task_move_up"),
    path("tasks/<int:task_id>/move-down/", plan_edit.task_move_down, name="plan_task_move_down"),
    path("tasks/<int:task_id>/delete/", plan_edit.task_delete, name="plan_task_delete"),
    path("tasks/<int:task_id>/status/", board.task_status, name="task_status"),
    path("deliverables/<int:deliverable_id>/acceptance/", deliverables.deliverable_acceptance,
         name="deliverable_acceptance"),
    path("capacity/", resources.capacity_grid, name="capacity"),
    path("allocations/", resources.allocation_list, name="allocation_list"),
    path("projects/<int:project_id>/resources/", resources.project_resources, name="project_resources"),
    path("allocations/<int:allocation_id>/edit/", resources.allocation_edit, name="allocation_edit"),
    path("allocations/<int:allocation_id>/delete/", resources.allocation_delete, name="allocation_delete"),
    path("tasks/<int:task_id>/assign/", resources.task_assign_panel, name="task_assign"),
]
