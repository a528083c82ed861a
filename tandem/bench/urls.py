"""The bench's URLconf: every application route, plus the baselines of the ratios.

Only ``tandem bench`` uses it (``ROOT_URLCONF`` is switched while measuring), so the
baseline views are never reachable in the served application.
"""

from django.urls import path

from config.urls import urlpatterns as application_urlpatterns
from tandem.bench import views

urlpatterns = [
    *application_urlpatterns,
    path("bench/baseline/", views.baseline, name="bench_baseline"),
    path("bench/users.json", views.users_json, name="bench_users_json"),
]
