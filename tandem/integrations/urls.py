"""Import pages, mounted under ``/imports/``."""

from django.urls import path

from tandem.integrations import views, views_feeds

app_name = "integrations"
urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("new/", views.import_create, name="import_create"),
    path("<int:import_job_id>/", views.import_detail, name="import_detail"),
    path("<int:import_job_id>/run/", views.import_run, name="import_run"),
    # Calendar feeds (issue 10)
    path("calendar-feeds/", views_feeds.calendar_feeds, name="calendar_feeds"),
]
