"""Governance pages, mounted under ``/governance/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from typing import Any

from django.urls import path

app_name = "governance"

urlpatterns: list[Any] = []

# --- Meetings (issue 10, point 2) ---
from tandem.governance.views import meetings as _meetings  # noqa: E402

urlpatterns += [
    path("meetings/", _meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", _meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_id>/", _meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/edit/", _meetings.meeting_edit, name="meeting_edit"),
    path("action-items/mine/", _meetings.my_action_items, name="my_action_items"),
    path("projects/<int:project_id>/meetings/", _meetings.project_meetings, name="project_meetings"),
]
