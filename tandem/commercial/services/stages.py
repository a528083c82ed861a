"""Pipeline stages: add, rename, reorder, set their default probability and forecast
category, deactivate, delete (admins only, the stage policy).

Rules: a stage in use (an opportunity sits in it) cannot be deleted, only deactivated,
and keeps its outcome (open / won / lost: the opportunities' status follows it); the
pipeline always keeps at least one active open stage, one won and one lost.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from tandem.commercial.models import ForecastCategory, Opportunity, Stage, StageOutcome
from tandem.core.permissions import require_change, require_create, require_delete
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import Actor

STAGE_FIELDS = ("name", "order", "probability", "forecast_category", "outcome", "is_active")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(STAGE_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if "name" in data:
        data["name"] = str(data["name"]).strip()
    return data


def _closing_defaults(data: dict[str, Any]) -> None:
    outcome = data.get("outcome")
    if outcome == StageOutcome.WON:
        data.update(probability=100, forecast_category=ForecastCategory.CLOSED)
    elif outcome == StageOutcome.LOST:
        data.update(probability=0, forecast_category=ForecastCategory.OMITTED)


def _keep_one_of_each(*, leaving: Stage) -> None:
    others = Stage.objects.filter(is_active=True, outcome=leaving.outcome).exclude(pk=leaving.pk)
    if leaving.is_active and not others.exists():
        label = {"open": "open", "won": "won", "lost": "lost"}[leaving.outcome]
        raise ValidationError({"is_active": f"The pipeline needs at least one active {label} stage."})


@transaction.atomic
def stage_create(*, actor: Actor, data: dict[str, Any]) -> Stage:
    require_create(actor, Stage)
    data = _clean(data)
    data.setdefault("outcome", StageOutcome.OPEN)
    if "order" not in data:
        data["order"] = (Stage.objects.aggregate(top=Max("order"))["top"] or 0) + 1
    _closing_defaults(data)
    return model_create(actor=actor, model=Stage, data=data)


@transaction.atomic
def stage_update(*, actor: Actor, stage: Stage, data: dict[str, Any], expected_version: int | None = None) -> Stage:
    require_change(actor, stage)
    data = _clean(data)
    in_use = Opportunity.objects.filter(stage=stage).exists()
    if "outcome" in data and data["outcome"] != stage.outcome and in_use:
        raise ValidationError({"outcome": "Opportunities sit in this stage: its outcome cannot change."})
    if data.get("is_active") is False or ("outcome" in data and data["outcome"] != stage.outcome):
        _keep_one_of_each(leaving=stage)
    if data.get("outcome", stage.outcome) != StageOutcome.OPEN:  # a closing stage's figures are fixed
        data.pop("probability", None)
        data.pop("forecast_category", None)
        _closing_defaults(data)
    return model_update(actor=actor, instance=stage, data=data, expected_version=expected_version)


@transaction.atomic
def stage_delete(*, actor: Actor, stage: Stage) -> None:
    require_delete(actor, stage)
    if Opportunity.objects.filter(stage=stage).exists():
        raise ValidationError({"stage": f"Opportunities sit in {stage}: deactivate it instead of deleting it."})
    _keep_one_of_each(leaving=stage)
    model_delete(actor=actor, instance=stage)
