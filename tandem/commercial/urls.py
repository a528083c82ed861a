"""Commercial pages, mounted under ``/sales/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from django.urls import path

app_name = "commercial"
urlpatterns: list[object] = []

# --- pipeline: opportunities, the board, stages ---------------------------------------------
from tandem.commercial.views import board, opportunities, opportunity_pages, stages  # noqa: E402

urlpatterns += [
    path("opportunities/", opportunities.opportunity_list, name="opportunity_list"),
    path("opportunities/new/", opportunity_pages.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:opportunity_id>/", opportunity_pages.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:opportunity_id>/edit/", opportunity_pages.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:opportunity_id>/win/", opportunity_pages.opportunity_win, name="opportunity_win"),
    path("opportunities/<int:opportunity_id>/lose/", opportunity_pages.opportunity_lose, name="opportunity_lose"),
    path("opportunities/<int:opportunity_id>/delete/", opportunity_pages.opportunity_delete, name="opportunity_delete"),
    path("opportunities/<int:opportunity_id>/move/", board.opportunity_move, name="opportunity_move"),
    path("opportunities/<int:opportunity_id>/lines/", opportunity_pages.opportunity_line_create, name="opportunity_line_create"),
    path("opportunity-lines/<int:opportunity_line_id>/edit/", opportunity_pages.opportunity_line_edit, name="opportunity_line_edit"),
    path("opportunity-lines/<int:opportunity_line_id>/delete/", opportunity_pages.opportunity_line_delete, name="opportunity_line_delete"),
    path("pipeline/", board.pipeline_board, name="pipeline_board"),
    path("settings/stages/", stages.stage_settings, name="stage_settings"),
    path("settings/stages/add/", stages.stage_add, name="stage_add"),
    path("settings/stages/<int:stage_id>/", stages.stage_edit, name="stage_edit"),
    path("settings/stages/<int:stage_id>/delete/", stages.stage_delete, name="stage_delete"),
]
