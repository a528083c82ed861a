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

# --- Outbound webhooks, chat channels and delivery failures (issue 10) ---------------
from tandem.integrations import views_outbound  # noqa: E402

urlpatterns += [
    path("webhooks/", views_outbound.webhook_endpoint_list, name="webhook_endpoint_list"),
    path("webhooks/<int:webhook_endpoint_id>/", views_outbound.webhook_endpoint_detail, name="webhook_endpoint_detail"),
    path("webhooks/<int:webhook_endpoint_id>/rotate-secret/", views_outbound.webhook_endpoint_rotate,
         name="webhook_endpoint_rotate"),
    path("webhooks/<int:webhook_endpoint_id>/activate/", views_outbound.webhook_endpoint_activate,
         name="webhook_endpoint_activate"),
    path("webhooks/<int:webhook_endpoint_id>/ping/", views_outbound.webhook_endpoint_ping, name="webhook_endpoint_ping"),
    path("webhooks/<int:webhook_endpoint_id>/delete/", views_outbound.webhook_endpoint_delete,
         name="webhook_endpoint_delete"),
    path("outbound/<int:outbound_message_id>/replay/", views_outbound.outbound_message_replay,
         name="outbound_message_replay"),
    path("outbound/failures/", views_outbound.outbound_failures, name="outbound_failures"),
    path("chat/", views_outbound.chat_channel_list, name="chat_channel_list"),
    path("chat/<int:chat_channel_id>/", views_outbound.chat_channel_detail, name="chat_channel_detail"),
    path("chat/<int:chat_channel_id>/action/", views_outbound.chat_channel_action, name="chat_channel_action"),
]
