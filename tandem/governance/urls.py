"""Governance pages, mounted under ``/governance/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from typing import Any

from django.urls import path

app_name = "governance"

urlpatterns: list[Any] = []

# Status reports (issue 10, point 1).
from tandem.governance.views import reports as _reports  # noqa: E402

urlpatterns += [
    path("projects/<int:project_id>/status/", _reports.project_status, name="project_status"),
    path("status-reports/", _reports.report_list, name="report_list"),
    path("status-reports/<int:status_report_id>/", _reports.status_report_detail, name="status_report_detail"),
    path("status-reports/<int:status_report_id>/publish/", _reports.status_report_publish_view,
         name="status_report_publish"),
    path("status-reports/<int:status_report_id>/delete/", _reports.status_report_delete_view,
         name="status_report_delete"),
]
