"""Who may see and change the records of the core app.

Notifications are private: each user sees and marks read only their own (admins
included); nobody creates them by hand, the jobs that send them run as the system.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from tandem.core import saved_views  # noqa: F401  (registers the saved-view policy)
from tandem.core.models import Notification
from tandem.core.permissions import Policy, register


@register(Notification)
class NotificationPolicy(Policy):
    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if user is None or not user.is_authenticated or not user.is_active:
            return queryset.none()
        return queryset.filter(recipient=user.pk)

    def can_create(self, user: Any) -> bool:
        return False

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return bool(
            user is not None
            and user.is_authenticated
            and user.is_active
            and obj.recipient_id == user.pk  # type: ignore[attr-defined]
        )
