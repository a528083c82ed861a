"""Governance pages, mounted under ``/governance/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from typing import Any

from django.urls import path

app_name = "governance"

urlpatterns: list[Any] = []

# RACI and stakeholders (views/raci.py)
from tandem.governance.views import raci as _raci  # noqa: E402

urlpatterns += [
    path("projects/<int:project_id>/raci/", _raci.project_raci, name="project_raci"),
    path("projects/<int:project_id>/raci/export/", _raci.project_raci_export, name="project_raci_export"),
    path("raci-rows/<int:raci_row_id>/cell/", _raci.raci_cell_set, name="raci_cell_set"),
    path("raci-rows/<int:raci_row_id>/", _raci.raci_row_action, name="raci_row_action"),
    path("my-responsibilities/", _raci.my_responsibilities, name="my_responsibilities"),
    path("projects/<int:project_id>/stakeholders/", _raci.project_stakeholders, name="project_stakeholders"),
    path("stakeholders/<int:stakeholder_id>/edit/", _raci.stakeholder_edit, name="stakeholder_edit"),
    path("stakeholders/<int:stakeholder_id>/delete/", _raci.stakeholder_delete, name="stakeholder_delete"),
]
