"""Opportunities and their lines: create, change, move along the pipeline, win, lose.

The rules, in one place for pages, the API, imports and the demo:

* An opportunity belongs to an account the actor may change (its account manager, their
  team, admins); its owner must be an active account manager or admin (default: the
  actor if they are an account manager, else the account's owner).
* Its stage decides its status (open / won / lost) and, on every move, its default
  probability and forecast category (the caller may give others). Closing sets
  ``closed_on`` (default today); reopening clears it and the lost reason.
* ``amount`` is entered, or, once the opportunity has lines, the sum of the lines
  (``quantity × unit_price × (1 − discount % / 100)``, each rounded to the cent).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from tandem.clients.models import Account
from tandem.clients.policies import may_change_account
from tandem.commercial.models import (
    ForecastCategory,
    Opportunity,
    OpportunityLine,
    OpportunityStatus,
    Stage,
    StageOutcome,
)
from tandem.core.errors import PermissionDeniedError
from tandem.core.events import event_publish
from tandem.core.permissions import has_role, require_change, require_delete
from tandem.core.roles import Role
from tandem.core.services import model_create, model_delete, model_update
from tandem.core.types import Actor, SystemActor

OPPORTUNITY_FIELDS = (
    "name", "type", "amount", "currency", "expected_close_date", "owner", "next_step", "forecast_category",
    "probability", "pricing_strategy", "description", "lost_reason", "renews_contract",
)
_SETTABLE = frozenset(OPPORTUNITY_FIELDS)
LINE_FIELDS = ("product", "description", "quantity", "unit_price", "discount_percent", "position")
CENT = Decimal("0.01")


def line_amount(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    """``quantity × unit_price × (1 − discount_percent / 100)``, to the cent, half up."""
    gross = Decimal(quantity) * Decimal(unit_price)
    return (gross * (Decimal(100) - Decimal(discount_percent or 0)) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def _today() -> dt.date:
    return timezone.localdate()


def _require_account_change(actor: SystemActor, account: Account) -> None:
    if actor is not None and not may_change_account(actor, account):
        raise PermissionDeniedError(f"You may not add opportunities to {account}.")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    if not _SETTABLE.issuperset(data):
        unknown = sorted(data.keys() - _SETTABLE)
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if "currency" in data and isinstance(data["currency"], str):
        data["currency"] = data["currency"].upper()
    owner = data.get("owner")
    if owner is not None and not (owner.is_active and (Role.ACCOUNT_MANAGER in owner.roles or Role.ADMIN in owner.roles)):
        raise ValidationError({"owner": "The owner must be an active account manager."})
    return data


def _stage_fields(stage: Stage, *, closed_on: dt.date | None) -> dict[str, Any]:
    """Status, probability, forecast category and closing date that follow ``stage``."""
    if not stage.is_active:
        raise ValidationError({"stage": f"The stage {stage} is no longer in use."})
    fields: dict[str, Any] = {
        "stage": stage, "status": stage.outcome, "probability": stage.probability,
        "forecast_category": stage.forecast_category,
    }
    if stage.outcome == StageOutcome.OPEN:
        fields.update(closed_on=None, lost_reason="")
    else:
        fields["closed_on"] = closed_on or _today()
        fields["forecast_category"] = ForecastCategory.CLOSED if stage.outcome == StageOutcome.WON else ForecastCategory.OMITTED
        fields["probability"] = 100 if stage.outcome == StageOutcome.WON else 0
    return fields


def first_stage() -> Stage:
    stage = Stage.objects.filter(is_active=True, outcome=StageOutcome.OPEN).order_by("order", "id").first()
    if stage is None:
        raise ValidationError({"stage": "No open pipeline stage is set up: add one under Settings → Pipeline stages."})
    return stage


def closing_stage(outcome: str) -> Stage:
    stage = Stage.objects.filter(is_active=True, outcome=outcome).order_by("order", "id").first()
    if stage is None:
        label = "won" if outcome == StageOutcome.WON else "lost"
        raise ValidationError({"stage": f"No {label} stage is set up: add one under Settings → Pipeline stages."})
    return stage


def new_opportunity_fields(
    *, actor: SystemActor, account: Account, data: dict[str, Any], stage: Stage | None, closed_on: dt.date | None = None,
) -> dict[str, Any]:
    """The fields of a new opportunity after every rule of :func:`opportunity_create`
    (shared with the bulk import); ``closed_on`` is the closing date of a won or lost
    stage (default today). Raises ``ValidationError``."""
    data = _clean(data)
    if "owner" not in data or data["owner"] is None:
        data["owner"] = actor if actor is not None and has_role(actor, Role.ACCOUNT_MANAGER) else account.owner
    data.setdefault("currency", account.currency)
    explicit: dict[str, Any] = {key: data.pop(key) for key in ("probability", "forecast_category") if key in data}
    fields = _stage_fields(stage or first_stage(), closed_on=closed_on)
    if fields["status"] == OpportunityStatus.OPEN:
        fields.update(explicit)
    return {"account": account, **data, **fields}


@transaction.atomic
def opportunity_create(
    *, actor: SystemActor, account: Account, data: dict[str, Any], stage: Stage | None = None,
    closed_on: dt.date | None = None, source: str = "manual", external_id: str | None = None,
) -> Opportunity:
    _require_account_change(actor, account)
    fields = new_opportunity_fields(actor=actor, account=account, data=data, stage=stage, closed_on=closed_on)
    return model_create(actor=actor, model=Opportunity, data={**fields, "source": source, "external_id": external_id})


@transaction.atomic
def opportunity_update(
    *, actor: Actor, opportunity: Opportunity, data: dict[str, Any], expected_version: int | None = None
) -> Opportunity:
    require_change(actor, opportunity)
    data = _clean(data)
    if opportunity.amount_from_lines and "amount" in data and Decimal(data["amount"]) != opportunity.amount:
        raise ValidationError({"amount": "The amount is the sum of the lines; change the lines instead."})
    if opportunity.status != OpportunityStatus.OPEN:
        for name in ("probability", "forecast_category"):
            if name in data and data[name] != getattr(opportunity, name):
                raise ValidationError({name: "A closed opportunity keeps its probability and forecast category."})
    if data.get("lost_reason") and opportunity.status != OpportunityStatus.LOST:
        raise ValidationError({"lost_reason": "Only a lost opportunity has a lost reason."})
    return model_update(actor=actor, instance=opportunity, data=data, expected_version=expected_version)


@transaction.atomic
def opportunity_move(
    *, actor: SystemActor, opportunity: Opportunity, stage: Stage, expected_version: int | None = None,
    closed_on: dt.date | None = None, lost_reason: str = "",
) -> Opportunity:
    """Move to ``stage`` (a board drop, a stage picked on the page, an accepted quote)."""
    if actor is not None:
        require_change(actor, opportunity)
    fields = _stage_fields(stage, closed_on=closed_on)
    if stage.outcome == StageOutcome.LOST:
        fields["lost_reason"] = lost_reason.strip()
    elif lost_reason.strip():
        raise ValidationError({"lost_reason": "Only a lost opportunity has a lost reason."})
    before = opportunity.status
    updated = model_update(actor=actor, instance=opportunity, data=fields, expected_version=expected_version)
    if stage.outcome != StageOutcome.OPEN and before != stage.outcome:
        _announce_outcome(actor=actor, opportunity=updated)
    return updated


def _announce_outcome(*, actor: SystemActor, opportunity: Opportunity) -> None:
    """Publish ``opportunity.won`` / ``opportunity.lost`` when the outcome is set (in the
    move's transaction; webhooks and chat hear it after the commit)."""
    won = opportunity.status == OpportunityStatus.WON
    event_publish(
        type="opportunity.won" if won else "opportunity.lost", actor=actor, account_id=opportunity.account_id,
        data={
            "opportunity": {"id": opportunity.pk, "name": opportunity.name, "amount": opportunity.amount,
                            "currency": opportunity.currency, "closed_on": opportunity.closed_on,
                            "lost_reason": opportunity.lost_reason},
            "account": {"id": opportunity.account_id, "name": opportunity.account.name},
            "url": reverse("commercial:opportunity_detail", args=[opportunity.pk]),
        },
    )


def opportunity_mark_won(
    *, actor: SystemActor, opportunity: Opportunity, closed_on: dt.date | None = None, expected_version: int | None = None
) -> Opportunity:
    return opportunity_move(
        actor=actor, opportunity=opportunity, stage=closing_stage(StageOutcome.WON), closed_on=closed_on,
        expected_version=expected_version,
    )


def opportunity_mark_lost(
    *, actor: SystemActor, opportunity: Opportunity, lost_reason: str, closed_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Opportunity:
    if not lost_reason.strip():
        raise ValidationError({"lost_reason": "Say why the opportunity was lost."})
    return opportunity_move(
        actor=actor, opportunity=opportunity, stage=closing_stage(StageOutcome.LOST), closed_on=closed_on,
        lost_reason=lost_reason, expected_version=expected_version,
    )


@transaction.atomic
def opportunity_delete(*, actor: Actor, opportunity: Opportunity) -> None:
    require_delete(actor, opportunity)
    model_delete(actor=actor, instance=opportunity)


# --- Lines -------------------------------------------------------------------------------


def _clean_line(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(LINE_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    product = data.get("product")
    if product is not None:
        data.setdefault("description", product.name)
    if not data.get("description") and product is None:
        raise ValidationError({"description": "Describe the line or choose a product."})
    return data


def _refresh_amount(*, actor: SystemActor, opportunity: Opportunity) -> Opportunity:
    """The opportunity's amount becomes the sum of its lines (0 with none left)."""
    total = OpportunityLine.objects.filter(opportunity=opportunity).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    has_lines = OpportunityLine.objects.filter(opportunity=opportunity).exists()
    if opportunity.amount == total and opportunity.amount_from_lines == has_lines:
        return opportunity
    return model_update(
        actor=actor, instance=opportunity, data={"amount": total, "amount_from_lines": has_lines},
        expected_version=opportunity.version,
    )


@transaction.atomic
def opportunity_line_create(*, actor: SystemActor, opportunity: Opportunity, data: dict[str, Any]) -> OpportunityLine:
    if actor is not None:
        require_change(actor, opportunity)
    data = _clean_line(data)
    if "unit_price" not in data or data["unit_price"] is None:
        raise ValidationError({"unit_price": "Give the unit price."})
    data.setdefault("quantity", Decimal(1))
    data.setdefault("discount_percent", Decimal(0))
    if "position" not in data:
        data["position"] = OpportunityLine.objects.filter(opportunity=opportunity).count()
    data["amount"] = line_amount(data["quantity"], data["unit_price"], data["discount_percent"])
    line = model_create(actor=actor, model=OpportunityLine, data={"opportunity": opportunity, **data})
    _refresh_amount(actor=actor, opportunity=opportunity)
    return line


@transaction.atomic
def opportunity_line_update(
    *, actor: Actor, line: OpportunityLine, data: dict[str, Any], expected_version: int | None = None
) -> OpportunityLine:
    require_change(actor, line)
    data = _clean_line(data if "product" in data else {"description": line.description, **data})
    merged = {name: data.get(name, getattr(line, name)) for name in ("quantity", "unit_price", "discount_percent")}
    data["amount"] = line_amount(merged["quantity"], merged["unit_price"], merged["discount_percent"])
    line = model_update(actor=actor, instance=line, data=data, expected_version=expected_version)
    _refresh_amount(actor=actor, opportunity=Opportunity.objects.get(pk=line.opportunity_id))
    return line


@transaction.atomic
def opportunity_line_delete(*, actor: Actor, line: OpportunityLine) -> None:
    require_delete(actor, line)
    opportunity = Opportunity.objects.get(pk=line.opportunity_id)
    model_delete(actor=actor, instance=line)
    _refresh_amount(actor=actor, opportunity=opportunity)
