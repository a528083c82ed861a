"""Governance pages, mounted under ``/governance/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from typing import Any

from django.urls import path

from tandem.clients.views.accounts import account_tab
from tandem.governance.views import comments as _comments
from tandem.governance.views import meetings as _meetings
from tandem.governance.views import raci as _raci
from tandem.governance.views import reports as _reports
from tandem.governance.views import risks as risk_views
from tandem.governance.views import swot as swot_views

app_name = "governance"

urlpatterns: list[Any] = [
    # The account's Relationship tab (its sections: tandem.governance.comment_hooks, views.risks, meetings_wiring)
    path("accounts/<int:account_id>/", account_tab, {"tab": "relationship"}, name="account_relationship"),
    # RACI and stakeholders (views/raci.py)
    path("projects/<int:project_id>/raci/", _raci.project_raci, name="project_raci"),
    path("projects/<int:project_id>/raci/export/", _raci.project_raci_export, name="project_raci_export"),
    path("raci-rows/<int:raci_row_id>/cell/", _raci.raci_cell_set, name="raci_cell_set"),
    path("raci-rows/<int:raci_row_id>/", _raci.raci_row_action, name="raci_row_action"),
    path("my-responsibilities/", _raci.my_responsibilities, name="my_responsibilities"),
    path("projects/<int:project_id>/stakeholders/", _raci.project_stakeholders, name="project_stakeholders"),
    path("stakeholders/<int:stakeholder_id>/edit/", _raci.stakeholder_edit, name="stakeholder_edit"),
    path("stakeholders/<int:stakeholder_id>/delete/", _raci.stakeholder_delete, name="stakeholder_delete"),
    # Risks and SWOT (tandem.governance.views.risks, .swot)
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
    path("projects/<int:project_id>/status/", _reports.project_status, name="project_status"),
    path("status-reports/", _reports.report_list, name="report_list"),
    path("status-reports/<int:status_report_id>/", _reports.status_report_detail, name="status_report_detail"),
    path("status-reports/<int:status_report_id>/publish/", _reports.status_report_publish_view,
         name="status_report_publish"),
    path("status-reports/<int:status_report_id>/delete/", _reports.status_report_delete_view,
         name="status_report_delete"),
    # --- comments, mentions and activity (tandem.governance.views.comments) ---
    path("accounts/<int:account_id>/comments/", _comments.thread_views["account"], name="account_comments"),
    path("projects/<int:project_id>/comments/", _comments.thread_views["project"], name="project_comments"),
    path("tasks/<int:task_id>/comments/", _comments.thread_views["task"], name="task_comments"),
    path("risks/<int:risk_id>/comments/", _comments.thread_views["risk"], name="risk_comments"),
    path("meetings/<int:meeting_id>/comments/", _comments.thread_views["meeting"], name="meeting_comments"),
    path("accounts/<int:account_id>/mention-candidates/", _comments.candidate_views["account"],
         name="account_mention_candidates"),
    path("projects/<int:project_id>/mention-candidates/", _comments.candidate_views["project"],
         name="project_mention_candidates"),
    path("tasks/<int:task_id>/mention-candidates/", _comments.candidate_views["task"], name="task_mention_candidates"),
    path("risks/<int:risk_id>/mention-candidates/", _comments.candidate_views["risk"], name="risk_mention_candidates"),
    path("meetings/<int:meeting_id>/mention-candidates/", _comments.candidate_views["meeting"],
         name="meeting_mention_candidates"),
    path("comments/", _comments.comment_post_view, name="comment_post"),
    path("comments/<int:comment_id>/edit/", _comments.comment_edit_view, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", _comments.comment_delete_view, name="comment_delete"),
    path("projects/<int:project_id>/activity/", _comments.project_activity, name="project_activity"),
    path("projects/<int:project_id>/task-discussions/", _comments.project_task_discussions,
         name="project_task_discussions"),
    path("tasks/<int:task_id>/discussion/", _comments.task_discussion, name="task_discussion"),
    path("people/<int:user_id>/activity/", _comments.person_activity, name="person_activity"),
    # --- Meetings (issue 10, point 2) ---
    path("meetings/", _meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", _meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_id>/", _meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/edit/", _meetings.meeting_edit, name="meeting_edit"),
    path("action-items/mine/", _meetings.my_action_items, name="my_action_items"),
    path("projects/<int:project_id>/meetings/", _meetings.project_meetings, name="project_meetings"),
]
