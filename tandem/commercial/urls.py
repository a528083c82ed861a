"""Commercial pages, mounted under ``/sales/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from django.urls import path  # noqa: F401  (routes join as the pages land)

app_name = "commercial"
urlpatterns: list[object] = []
