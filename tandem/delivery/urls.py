"""Delivery pages, mounted under ``/delivery/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from django.urls import path

from tandem.delivery.views import my_tasks, project_list, projects, resources

app_name = "delivery"
urlpatterns: list[object] = [
    path("projects/", project_list.project_list_view, name="project_list"),
    path("projects/<int:project_id>/", projects.project_detail, name="project_detail"),
    path("my-tasks/", my_tasks.my_tasks, name="my_tasks"),
    path("capacity/", resources.capacity_grid, name="capacity"),
    path("allocations/", resources.allocation_list, name="allocation_list"),
    path("projects/<int:project_id>/resources/", resources.project_resources, name="project_resources"),
    path("allocations/<int:allocation_id>/edit/", resources.allocation_edit, name="allocation_edit"),
    path("allocations/<int:allocation_id>/delete/", resources.allocation_delete, name="allocation_delete"),
    path("tasks/<int:task_id>/assign/", resources.task_assign_panel, name="task_assign"),
]
