"""The no-login calendar feed, mounted at ``/calendar/`` (the secret token is the key)."""

from django.urls import path

from tandem.integrations.views_feeds import calendar_feed

urlpatterns = [
    path("<str:token>.ics", calendar_feed, name="calendar_feed"),
]
