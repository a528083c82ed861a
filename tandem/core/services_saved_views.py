"""Writes of saved views (:class:`tandem.core.models.SavedView`): audited,
permission-checked, version-checked (STYLE rule 1)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tandem.core.lists import normalise_query
from tandem.core.models import SavedView, SavedViewVisibility
from tandem.core.permissions import require_create, require_delete
from tandem.core.saved_views import team_id_of
from tandem.core.services import model_create, model_delete

NAME_MAX = 60


@transaction.atomic
def saved_view_create(*, actor: Any, list_key: str, name: str, query: str, visibility: str) -> SavedView:
    """Save the filters and sort of ``query`` on the list ``list_key`` under ``name``.
    A team view is shared with the team ``actor`` belongs to now."""
    require_create(actor, SavedView)
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the view a name."
    elif len(name) > NAME_MAX:
        errors["name"] = f"A name has at most {NAME_MAX} characters."
    if visibility not in SavedViewVisibility.values:
        errors["visibility"] = "Choose who sees the view: only you or your team."
    team_id = None
    if visibility == SavedViewVisibility.TEAM:
        team_id = team_id_of(actor)
        if team_id is None:
            errors["visibility"] = "You are in no team, so the view can only be yours."
    if errors:
        raise ValidationError(errors)
    if SavedView.objects.filter(owner_id=actor.pk, list_key=list_key, name=name).exists():
        raise ValidationError({"name": f"You already have a view named “{name}” on this list."})
    data = {
        "owner": actor, "list_key": list_key, "name": name, "query": normalise_query(query)[:1000],
        "visibility": visibility, "team_id": team_id,
    }
    try:
        with transaction.atomic():
            return model_create(actor=actor, model=SavedView, data=data)
    except IntegrityError as error:  # saved twice at the same moment
        raise ValidationError({"name": f"You already have a view named “{name}” on this list."}) from error


@transaction.atomic
def saved_view_delete(*, actor: Any, saved_view: SavedView, expected_version: int | None = None) -> None:
    require_delete(actor, saved_view)
    model_delete(actor=actor, instance=saved_view, expected_version=expected_version)
