"""Integrations' pages, mounted at the site's root: imports under ``/imports/``, the
outbound set-up (webhooks, chat channels, delivery failures) under
``/settings/integrations/``, and each person's calendar feeds under
``/calendar-feeds/``. The no-login feed itself is ``/calendar/<token>.ics``
(:mod:`tandem.integrations.feed_urls`)."""

from django.urls import path

from tandem.integrations import views, views_feeds, views_outbound

app_name = "integrations"
OUTBOUND = "settings/integrations/"
urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/new/", views.import_create, name="import_create"),
    path("imports/<int:import_job_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:import_job_id>/run/", views.import_run, name="import_run"),
    # Calendar feeds (issue 10)
    path("calendar-feeds/", views_feeds.calendar_feeds, name="calendar_feeds"),
    # Outbound webhooks, chat channels and delivery failures (issue 10)
    path(f"{OUTBOUND}webhooks/", views_outbound.webhook_endpoint_list, name="webhook_endpoint_list"),
    path(f"{OUTBOUND}webhooks/<int:webhook_endpoint_id>/", views_outbound.webhook_endpoint_detail,
         name="webhook_endpoint_detail"),
    path(f"{OUTBOUND}webhooks/<int:webhook_endpoint_id>/rotate-secret/", views_outbound.webhook_endpoint_rotate,
         name="webhook_endpoint_rotate"),
    path(f"{OUTBOUND}webhooks/<int:webhook_endpoint_id>/activate/", views_outbound.webhook_endpoint_activate,
         name="webhook_endpoint_activate"),
    path(f"{OUTBOUND}webhooks/<int:webhook_endpoint_id>/ping/", views_outbound.webhook_endpoint_ping,
         name="webhook_endpoint_ping"),
    path(f"{OUTBOUND}webhooks/<int:webhook_endpoint_id>/delete/", views_outbound.webhook_endpoint_delete,
         name="webhook_endpoint_delete"),
    path(f"{OUTBOUND}deliveries/<int:outbound_message_id>/replay/", views_outbound.outbound_message_replay,
         name="outbound_message_replay"),
    path(f"{OUTBOUND}deliveries/failures/", views_outbound.outbound_failures, name="outbound_failures"),
    path(f"{OUTBOUND}chat/", views_outbound.chat_channel_list, name="chat_channel_list"),
    path(f"{OUTBOUND}chat/<int:chat_channel_id>/", views_outbound.chat_channel_detail, name="chat_channel_detail"),
    path(f"{OUTBOUND}chat/<int:chat_channel_id>/action/", views_outbound.chat_channel_action,
         name="chat_channel_action"),
]
