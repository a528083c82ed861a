"""Who may see import jobs: their creator, and admins and executives."""

from __future__ import annotations

from typing import Any

from django.db import models

from tandem.core.permissions import Policy, has_role, is_admin, register, sees_everything
from tandem.core.roles import Role
from tandem.integrations.models import ImportJob


def may_import(user: Any) -> bool:
    return is_admin(user) or has_role(user, Role.ACCOUNT_MANAGER)


@register(ImportJob)
class ImportJobPolicy(Policy):
    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user):
            return queryset
        if user is None or not user.is_authenticated or not user.is_active:
            return queryset.none()
        return queryset.filter(created_by=user)

    def can_create(self, user: Any) -> bool:
        return may_import(user)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return may_import(user) and (is_admin(user) or obj.created_by_id == user.pk)  # type: ignore[attr-defined]
