"""Governance pages, mounted under ``/governance/``. Routes naming one object use the
``<model>_id`` kwarg (see tandem.core.permissions.url_kwarg_for)."""

from typing import Any

from django.urls import path  # noqa: F401  (each part appends its routes below)

app_name = "governance"

urlpatterns: list[Any] = []
