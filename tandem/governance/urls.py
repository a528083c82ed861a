"""Governance pages, mounted under ``/governance/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from typing import Any

from django.urls import path

app_name = "governance"

urlpatterns: list[Any] = []

# --- comments, mentions and activity (tandem.governance.views.comments) ---
from tandem.governance.views import comments as _comments  # noqa: E402

urlpatterns += [
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
]
