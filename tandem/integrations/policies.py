"""Who may see import jobs (their creator, admins and executives), outbound webhooks,
chat channels, the outbound delivery log and calendar feeds."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from tandem.core.permissions import Policy, has_role, is_admin, register, sees_everything
from tandem.core.roles import Role
from tandem.delivery.policies import manages, project_access_q
from tandem.integrations.models import (
    CalendarFeed,
    ChatChannel,
    ImportJob,
    OutboundAttempt,
    OutboundMessage,
    WebhookEndpoint,
)


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


# --- Outbound webhooks, chat channels and calendar feeds (issue 10) ---------------


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


@register(WebhookEndpoint)
class WebhookEndpointPolicy(Policy):
    """Admins set up and see outbound webhooks (they reach outside systems)."""

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if is_admin(user) else queryset.none()

    def can_create(self, user: Any) -> bool:
        return is_admin(user)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return is_admin(user)


@register(ChatChannel)
class ChatChannelPolicy(Policy):
    """A project's channels: seen with the project, changed by its manager; a team's:
    seen by the team, changed by its lead; admins everything."""

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user):
            return queryset
        if not _active(user):
            return queryset.none()
        team_id = getattr(getattr(user, "person", None), "team_id", None)
        return queryset.filter(
            (Q(project__isnull=False) & project_access_q(user, "project__"))
            | Q(team__lead=user.pk) | (Q(team=team_id) if team_id else Q(pk__in=[]))
        )

    def can_create(self, user: Any) -> bool:
        return is_admin(user) or has_role(user, Role.PROJECT_MANAGER)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        if is_admin(user):
            return True
        if not _active(user):
            return False
        if obj.project_id is not None:  # type: ignore[attr-defined]
            return manages(user, obj.project)  # type: ignore[attr-defined]
        return obj.team.lead_id == user.pk  # type: ignore[attr-defined]


@register(OutboundMessage)
class OutboundMessagePolicy(WebhookEndpointPolicy):
    """The delivery log: admins (failures are theirs to see and replay)."""


@register(OutboundAttempt)
class OutboundAttemptPolicy(OutboundMessagePolicy):
    pass


@register(CalendarFeed)
class CalendarFeedPolicy(Policy):
    """Feeds are their owner's alone (admins may revoke any)."""

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if is_admin(user):
            return queryset
        if not _active(user):
            return queryset.none()
        return queryset.filter(owner=user.pk)

    def can_create(self, user: Any) -> bool:
        return _active(user)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return is_admin(user) or (_active(user) and obj.owner_id == user.pk)  # type: ignore[attr-defined]
