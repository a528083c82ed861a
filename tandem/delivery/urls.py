"""Delivery pages, mounted under ``/delivery/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from django.urls import path

from tandem.delivery.views import (
    approvals,
    baselines,
    budget,
    forecast,
    gantt,
    my_tasks,
    project_list,
    projects,
    timesheet,
)

app_name = "delivery"
urlpatterns: list[object] = [
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
]
