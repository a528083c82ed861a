"""Who may see and change people records (registered with tandem.core.permissions)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from tandem.core.permissions import Policy, is_admin, register, sees_everything
from tandem.people.models import (
    AccessToken,
    Holiday,
    OrganisationCalendar,
    Person,
    Team,
    TimeOff,
    User,
)


@register(User)
class UserPolicy(Policy):
    """Every signed-in user sees the active directory; admins and executives also see
    disabled accounts. Only admins create or change users."""

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user):
            return queryset
        if user.is_authenticated and user.is_active:
            return queryset.filter(Q(is_active=True) | Q(pk=user.pk))
        return queryset.none()


@register(Person)
class PersonPolicy(Policy):
    restricted_fields = frozenset({"cost_rate"})

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user):
            return queryset
        if user.is_authenticated and user.is_active:
            return queryset.filter(Q(user__is_active=True) | Q(user=user))
        return queryset.none()

    def can_see_restricted(self, user: Any, obj: models.Model | None = None) -> bool:
        if sees_everything(user):
            return True
        return obj is not None and getattr(obj, "user_id", None) == user.pk


@register(Team)
class TeamPolicy(Policy):
    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if user.is_authenticated and user.is_active else queryset.none()


@register(OrganisationCalendar)
class CalendarPolicy(TeamPolicy):
    pass


@register(Holiday)
class HolidayPolicy(TeamPolicy):
    pass


@register(TimeOff)
class TimeOffPolicy(Policy):
    """A person's own time off, their team lead's view of the team, and admins and
    executives. Admins and the person record or change it."""

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user):
            return queryset
        if not (user.is_authenticated and user.is_active):
            return queryset.none()
        return queryset.filter(Q(person__user=user) | Q(person__team__lead=user))

    def can_create(self, user: Any) -> bool:
        return bool(user.is_authenticated and user.is_active)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return is_admin(user) or obj.person.user_id == user.pk  # type: ignore[attr-defined]


@register(AccessToken)
class AccessTokenPolicy(Policy):
    """Tokens are personal: only their owner sees or revokes them (admins may revoke)."""

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if is_admin(user):
            return queryset
        if user.is_authenticated and user.is_active:
            return queryset.filter(user=user)
        return queryset.none()

    def can_create(self, user: Any) -> bool:
        return bool(user.is_authenticated and user.is_active)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return is_admin(user) or obj.user_id == user.pk  # type: ignore[attr-defined]
