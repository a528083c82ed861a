"""Delivery pages, mounted under ``/delivery/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from django.urls import path

from tandem.delivery.views import budget, my_tasks, project_list, projects

app_name = "delivery"
urlpatterns: list[object] = [
    path("projects/", project_list.project_list_view, name="project_list"),
    path("projects/<int:project_id>/", projects.project_detail, name="project_detail"),
    path("my-tasks/", my_tasks.my_tasks, name="my_tasks"),
    path("projects/<int:project_id>/budget/", budget.project_budget, name="project_budget"),
    path("expenses/<int:project_expense_id>/receipt/", budget.expense_receipt, name="expense_receipt"),
    path("expenses/<int:project_expense_id>/delete/", budget.expense_delete, name="expense_delete"),
]
