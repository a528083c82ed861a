from django.contrib import admin
from django.urls import include, path

from config.api import api
from tandem.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("", include("tandem.people.urls_auth")),
    path("people/", include("tandem.people.urls")),
    path("clients/", include("tandem.clients.urls")),
    path("sales/", include("tandem.commercial.urls")),
    path("delivery/", include("tandem.delivery.urls")),
    path("governance/", include("tandem.governance.urls")),
    path("", include("tandem.integrations.urls")),
    path("calendar/", include("tandem.integrations.feed_urls")),
    path("", include("tandem.core.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
]
