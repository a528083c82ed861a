"""SWOT analyses of a project or an account: four quadrants of ordered items. A
weakness or threat becomes a linked risk, an opportunity a linked sales opportunity,
each in one step and only once. Who writes: as for risks (the subject's managers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tandem.core.errors import PermissionDeniedError
from tandem.core.permissions import policy_for, require_change, require_create
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import SystemActor
from tandem.delivery.models import Project
from tandem.governance.models import Risk, RiskCategory, SwotAnalysis, SwotItem, SwotQuadrant
from tandem.governance.services.risks import risk_create

ANALYSIS_FIELDS = ("title", "context")


def _require(actor: SystemActor, obj: Any) -> None:
    if actor is not None:
        require_change(actor, obj)


@transaction.atomic
def swot_analysis_create(
    *, actor: SystemActor, data: dict[str, Any], project: Project | None = None, account: Any = None,
) -> SwotAnalysis:
    if (project is None) == (account is None):
        raise ValidationError({"project": "An analysis belongs to one project or one account."})
    if actor is not None:
        require_create(actor, SwotAnalysis)
        if not policy_for(SwotAnalysis).can_change(actor, SwotAnalysis(project=project, account=account)):
            raise PermissionDeniedError("Only the project's manager or the account's managers start its analyses.")
    data = _clean_analysis(data)
    if not data.get("title"):
        raise ValidationError({"title": "Give the analysis a title."})
    return model_create(actor=actor, model=SwotAnalysis,
                        data={**data, "project": project, "account": account, "author": actor})


def _clean_analysis(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(ANALYSIS_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = {key: str(value or "").strip() for key, value in data.items()}
    if "title" in data and not data["title"]:
        raise ValidationError({"title": "Give the analysis a title."})
    return data


@transaction.atomic
def swot_analysis_update(
    *, actor: SystemActor, analysis: SwotAnalysis, data: dict[str, Any], expected_version: int | None = None,
) -> SwotAnalysis:
    _require(actor, analysis)
    return model_update(actor=actor, instance=analysis, data=_clean_analysis(data), expected_version=expected_version)


@transaction.atomic
def swot_analysis_delete(*, actor: SystemActor, analysis: SwotAnalysis, expected_version: int | None = None) -> None:
    _require(actor, analysis)
    model_delete(actor=actor, instance=analysis, expected_version=expected_version)


def _text(text: Any) -> str:
    value = str(text or "").strip()
    if not value:
        raise ValidationError({"text": "Write the item in a few words."})
    if len(value) > 500:
        raise ValidationError({"text": "Keep the item under 500 characters."})
    return value


@transaction.atomic
def swot_item_create(*, actor: SystemActor, analysis: SwotAnalysis, quadrant: str, text: str) -> SwotItem:
    """An item at the end of its quadrant."""
    _require(actor, analysis)
    if quadrant not in SwotQuadrant.values:
        raise ValidationError({"quadrant": "Choose strength, weakness, opportunity or threat."})
    last = SwotItem.objects.filter(analysis=analysis, quadrant=quadrant).aggregate(last=Max("position"))["last"]
    return model_create(actor=actor, model=SwotItem, data={
        "analysis": analysis, "quadrant": quadrant, "text": _text(text), "position": 0 if last is None else last + 1})


@transaction.atomic
def swot_item_update(*, actor: SystemActor, item: SwotItem, text: str, expected_version: int | None = None) -> SwotItem:
    _require(actor, item)
    return model_update(actor=actor, instance=item, data={"text": _text(text)}, expected_version=expected_version)


@transaction.atomic
def swot_item_delete(*, actor: SystemActor, item: SwotItem, expected_version: int | None = None) -> None:
    _require(actor, item)
    model_delete(actor=actor, instance=item, expected_version=expected_version)


@transaction.atomic
def swot_item_move(*, actor: SystemActor, item: SwotItem, direction: str, expected_version: int | None = None) -> SwotItem:
    """Swap the item with its neighbour above (``up``) or below (``down``) in its
    quadrant; at the edge nothing moves."""
    _require(actor, item)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move an item up or down."})
    siblings = list(SwotItem.objects.select_for_update().filter(analysis=item.analysis_id, quadrant=item.quadrant)
                    .order_by("position", "id"))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(siblings):
        return item
    order = [sibling.pk for sibling in siblings]
    order[index], order[other_index] = order[other_index], order[index]
    wanted = {pk: position for position, pk in enumerate(order)}
    for sibling in siblings:
        if sibling.position != wanted[sibling.pk]:
            if sibling.pk == item.pk:
                item = model_update(actor=actor, instance=item, data={"position": wanted[item.pk]},
                                    expected_version=expected_version)
            else:
                model_update(actor=actor, instance=sibling, data={"position": wanted[sibling.pk]})
    return item


@transaction.atomic
def swot_item_to_risk(*, actor: SystemActor, item: SwotItem) -> Risk:
    """A weakness or threat becomes an open risk of the analysis's project or account
    (probability and impact 3 until someone rates it), linked to the item; once."""
    _require(actor, item)
    item = SwotItem.objects.select_for_update(of=("self",)).select_related("analysis__project", "analysis__account").get(pk=item.pk)
    if item.quadrant not in (SwotQuadrant.WEAKNESS, SwotQuadrant.THREAT):
        raise ValidationError({"quadrant": "Only a weakness or a threat becomes a risk."})
    if item.risk_id is not None:
        raise ValidationError({"risk": "This item is a risk already."})
    analysis = item.analysis
    category = RiskCategory.CLIENT if analysis.project_id is None else (
        RiskCategory.EXTERNAL if item.quadrant == SwotQuadrant.THREAT else RiskCategory.QUALITY)
    risk = risk_create(actor=actor, project=analysis.project, account=analysis.account if analysis.project is None else None,
                       data={"title": item.text[:200], "description": f"From the SWOT analysis “{analysis.title}”.",
                             "probability": 3, "impact": 3, "category": category,
                             "owner": actor if actor is not None else None})
    model_update(actor=actor, instance=item, data={"risk": risk})
    return risk


@transaction.atomic
def swot_item_to_opportunity(*, actor: SystemActor, item: SwotItem) -> Any:
    """An opportunity item becomes a sales opportunity of the account (a project's:
    its account's), closing in 90 days, linked to the item; once."""
    from tandem.commercial.services import opportunity_create

    _require(actor, item)
    item = SwotItem.objects.select_for_update(of=("self",)).select_related("analysis__project__account", "analysis__account").get(
        pk=item.pk)
    if item.quadrant != SwotQuadrant.OPPORTUNITY:
        raise ValidationError({"quadrant": "Only an opportunity becomes a sales opportunity."})
    if item.opportunity_id is not None:
        raise ValidationError({"opportunity": "This item is a sales opportunity already."})
    analysis = item.analysis
    account = analysis.account if analysis.project is None else analysis.project.account
    if account is None:
        raise ValidationError({"opportunity": "This is an internal project without a client account: "
                                              "a sales opportunity needs an account."})
    opportunity = opportunity_create(actor=actor, account=account, data={
        "name": item.text[:200], "expected_close_date": timezone.localdate() + dt.timedelta(days=90)})
    model_update(actor=actor, instance=item, data={"opportunity": opportunity})
    return opportunity
