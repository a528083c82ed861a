"""Governance pages, mounted under ``/governance/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from typing import Any

from django.urls import path

app_name = "governance"

urlpatterns: list[Any] = []

# Risks and SWOT (tandem.governance.views.risks, .swot)
from tandem.governance.views import risks as risk_views  # noqa: E402
from tandem.governance.views import swot as swot_views  # noqa: E402

urlpatterns += [
    path("projects/<int:project_id>/risks/", risk_views.project_risks, name="project_risks"),
    path("risks/", risk_views.risk_list_page, name="risk_list"),
    path("risks/<int:risk_id>/", risk_views.risk_detail, name="risk_detail"),
    path("risks/<int:risk_id>/occurred/", risk_views.risk_occurred, name="risk_occurred"),
    path("risks/<int:risk_id>/contingency/", risk_views.risk_contingency, name="risk_contingency"),
    path("risks/<int:risk_id>/close/", risk_views.risk_close, name="risk_close"),
    path("risks/<int:risk_id>/reopen/", risk_views.risk_reopen, name="risk_reopen"),
    path("risks/<int:risk_id>/delete/", risk_views.risk_delete, name="risk_delete"),
    path("accounts/<int:account_id>/risks/new/", risk_views.account_risk_create, name="account_risk_create"),
    path("projects/<int:project_id>/swot/new/", swot_views.project_swot_create, name="project_swot_create"),
    path("accounts/<int:account_id>/swot/new/", swot_views.account_swot_create, name="account_swot_create"),
    path("swot/<int:swot_analysis_id>/", swot_views.swot_detail, name="swot_detail"),
    path("swot/<int:swot_analysis_id>/print/", swot_views.swot_print, name="swot_print"),
    path("swot/<int:swot_analysis_id>/delete/", swot_views.swot_analysis_delete, name="swot_analysis_delete"),
    path("swot/<int:swot_analysis_id>/items/", swot_views.swot_item_add, name="swot_item_add"),
    path("swot-items/<int:swot_item_id>/edit/", swot_views.swot_item_edit, name="swot_item_edit"),
    path("swot-items/<int:swot_item_id>/move/", swot_views.swot_item_move, name="swot_item_move"),
    path("swot-items/<int:swot_item_id>/delete/", swot_views.swot_item_delete, name="swot_item_delete"),
    path("swot-items/<int:swot_item_id>/risk/", swot_views.swot_item_risk, name="swot_item_risk"),
    path("swot-items/<int:swot_item_id>/opportunity/", swot_views.swot_item_opportunity, name="swot_item_opportunity"),
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
