"""Site-wide pages of the core app: notifications and the global search."""

from django.urls import path

from tandem.core import views_notifications, views_saved_views, views_search

app_name = "core"
urlpatterns = [
    path("search/", views_search.global_search, name="search"),
    path("views/new/", views_saved_views.saved_view_create_view, name="saved_view_create"),
    path("views/<int:saved_view_id>/delete/", views_saved_views.saved_view_delete_view, name="saved_view_delete"),
    path("notifications/", views_notifications.notifications, name="notifications"),
    path("notifications/read-all/", views_notifications.notification_read_all, name="notification_read_all"),
    path(
        "notifications/<int:notification_id>/read/",
        views_notifications.notification_read,
        name="notification_read",
    ),
]
