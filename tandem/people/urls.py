"""People pages, mounted under ``/people/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from django.urls import path

from tandem.people import views, views_activity

app_name = "people"
urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:user_id>/", views.user_detail, name="user_detail"),
    path("users/<int:user_id>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:user_id>/time-off/new/", views.time_off_create, name="time_off_create"),
    path("time-off/<int:time_off_id>/delete/", views.time_off_delete, name="time_off_delete"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/", views.team_detail, name="team_detail"),
    path("teams/<int:team_id>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:team_id>/delete/", views.team_delete, name="team_delete"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/edit/", views.calendar_edit, name="calendar_edit"),
    path("calendar/holidays/new/", views.holiday_create, name="holiday_create"),
    path("calendar/holidays/<int:holiday_id>/delete/", views.holiday_delete, name="holiday_delete"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:access_token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("sign-in-activity/", views_activity.sign_in_activity_view, name="sign_in_activity"),
]
