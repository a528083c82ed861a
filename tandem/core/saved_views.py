"""Saved views of list pages: who sees which (the policy) and the read (the selector).

A saved view is private to its owner, or shared with the owner's team. ``core`` knows
nothing of teams (they belong to the people app, which ``core`` may not import): the
team of a user is read through a hook, :func:`team_id_of` for the user's own team id
(an integer, or ``None``) and :func:`team_id_lookup` for the same thing as an expression
a query can compare with (so listing the views costs one query, not two). By default
both read the user model's ``person__team_id`` path by name; the people app may
register other functions with :func:`register_team_hooks`. A shared view stores the
team id as a plain integer, taken when it is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q

from tandem.core.models import SavedView, SavedViewVisibility
from tandem.core.permissions import Policy, is_admin, register


def _team_id_of(user: Any) -> int | None:
    person = getattr(user, "person", None)  # a missing profile raises AttributeError
    return getattr(person, "team_id", None)


def _team_id_lookup(user: Any) -> Any:
    return get_user_model()._default_manager.filter(pk=user.pk).values("person__team_id")[:1]


_hooks: dict[str, Callable[[Any], Any]] = {"of": _team_id_of, "lookup": _team_id_lookup}


def register_team_hooks(*, of: Callable[[Any], int | None], lookup: Callable[[Any], Any]) -> None:
    """Replace how a user's team is found (``of``: the id; ``lookup``: a value or
    subquery usable as ``team_id=...`` in a filter)."""
    _hooks.update(of=of, lookup=lookup)


def team_id_of(user: Any) -> int | None:
    return _hooks["of"](user)


def team_id_lookup(user: Any) -> Any:
    return _hooks["lookup"](user)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


@register(SavedView)
class SavedViewPolicy(Policy):
    """The owner sees, edits and deletes their views; members of the owner's team see
    the views shared with it; administrators see and delete all."""

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if not _active(user):
            return queryset.none()
        if is_admin(user):
            return queryset
        shared = Q(visibility=SavedViewVisibility.TEAM, team_id__isnull=False, team_id=team_id_lookup(user))
        return queryset.filter(Q(owner_id=user.pk) | shared)

    def can_create(self, user: Any) -> bool:
        return _active(user)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return _active(user) and (is_admin(user) or obj.owner_id == user.pk)  # type: ignore[attr-defined]

    def can_delete(self, user: Any, obj: models.Model) -> bool:
        return self.can_change(user, obj)


def saved_view_list(*, actor: Any, list_key: str) -> list[SavedView]:
    """The views of one list ``actor`` may open: their own, then those shared with
    their team (administrators: only their own and their team's here, to keep the menu
    short; they reach any view by id). One query."""
    if not _active(actor):
        return []
    shared = Q(visibility=SavedViewVisibility.TEAM, team_id__isnull=False, team_id=team_id_lookup(actor))
    queryset = SavedView.objects.filter(Q(owner_id=actor.pk) | shared, list_key=list_key)
    return list(queryset.only("id", "name", "query", "owner_id", "visibility", "version", "list_key").order_by("name", "id"))
