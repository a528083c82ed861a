"""Won → contract → project request: what a won opportunity hands to delivery.

* :func:`opportunity_convert` turns a won opportunity into its draft contract (value =
  the opportunity's amount, its currency and pricing strategy, linked to it) and a
  project request for delivery (budget = the amount). It is idempotent: the opportunity
  row is locked, and a second call returns the contract and request made the first
  time (``created_*`` false) instead of making more.
* A project request is open ("waiting for delivery") until delivery takes it up with
  :func:`project_request_accept` (the delivery app calls it when it starts the project)
  or someone who may change the account declines it with a reason
  (:func:`project_request_decline`). Until then it shows on the account and on its
  page, "waiting for delivery".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.clients.policies import may_change_account
from tandem.commercial.models import (
    Contract,
    ContractKind,
    Opportunity,
    OpportunityStatus,
    PricingStrategy,
    ProjectRequest,
    ProjectRequestStatus,
)
from tandem.commercial.services.contracts import add_months, contract_create
from tandem.core.errors import PermissionDeniedError
from tandem.core.permissions import has_role, is_admin, require_change
from tandem.core.roles import Role
from tandem.core.services import model_create, model_update
from tandem.core.types import SystemActor

PROJECT_REQUEST_FIELDS = ("name", "description", "requested_start", "budget", "currency", "pricing_strategy")
KIND_FOR_STRATEGY: dict[str, str] = {
    PricingStrategy.RETAINER: ContractKind.RETAINER,
    PricingStrategy.SUBSCRIPTION: ContractKind.SUBSCRIPTION,
}


@dataclass(frozen=True)
class ConvertResult:
    contract: Contract | None
    project_request: ProjectRequest | None
    created_contract: bool = False
    created_project_request: bool = False


def _require_won(opportunity: Opportunity) -> None:
    if opportunity.status != OpportunityStatus.WON:
        raise ValidationError({"opportunity": "Only a won opportunity becomes a contract and a project request."})


def _require_account_change(actor: SystemActor, opportunity: Opportunity) -> None:
    if actor is not None and not may_change_account(actor, opportunity.account):
        raise PermissionDeniedError(f"You may not add contracts or project requests to {opportunity.account}.")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(PROJECT_REQUEST_FIELDS))
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    data = dict(data)
    if isinstance(data.get("currency"), str):
        data["currency"] = data["currency"].upper()
    return data


@transaction.atomic
def project_request_create(
    *, actor: SystemActor, opportunity: Opportunity, data: dict[str, Any], contract: Contract | None = None
) -> ProjectRequest:
    """The project request of a won opportunity (one per opportunity)."""
    _require_account_change(actor, opportunity)
    _require_won(opportunity)
    if ProjectRequest.objects.filter(opportunity=opportunity).exists():
        raise ValidationError({"opportunity": "This opportunity has its project request already."})
    if contract is not None and contract.account_id != opportunity.account_id:
        raise ValidationError({"contract": "The contract belongs to another account."})
    data = _clean(data)
    fields: dict[str, Any] = {
        "name": opportunity.name, "budget": opportunity.amount, "currency": opportunity.currency,
        "pricing_strategy": opportunity.pricing_strategy, **data,
    }
    if not fields["name"]:
        raise ValidationError({"name": "Name the project."})
    return model_create(
        actor=actor, model=ProjectRequest,
        data={
            **fields, "account_id": opportunity.account_id, "opportunity": opportunity, "contract": contract,
            "status": ProjectRequestStatus.OPEN, "requested_by": actor,
        },
    )


@transaction.atomic
def project_request_update(
    *, actor: SystemActor, project_request: ProjectRequest, data: dict[str, Any], expected_version: int | None = None
) -> ProjectRequest:
    """Change an open request (name, description, start, budget); one delivery took up
    or declined no longer changes."""
    if actor is not None:
        require_change(actor, project_request)
    if project_request.status != ProjectRequestStatus.OPEN:
        raise ValidationError({"status": f"This request is {project_request.get_status_display().lower()}: it no longer changes."})
    return model_update(actor=actor, instance=project_request, data=_clean(data), expected_version=expected_version)


def settled_message(request: ProjectRequest) -> str:
    """Why a request that is no longer open cannot be settled again."""
    if request.status == ProjectRequestStatus.ACCEPTED:
        return "A project was already started from this request."
    return "This request was declined already."


def _settle(
    *, actor: SystemActor, project_request: ProjectRequest, data: dict[str, Any], expected_version: int | None,
    audit_actor: SystemActor = None,
) -> ProjectRequest:
    """``actor`` must be allowed to change the request (``None``: checked by the caller);
    ``audit_actor`` (default ``actor``) is who the history names."""
    if actor is not None:
        require_change(actor, project_request)
    # Lock the row: of two people settling the same request at once, the second sees
    # the first's answer (or a stale version) instead of overwriting it.
    current = ProjectRequest.objects.select_for_update().get(pk=project_request.pk)
    if current.status != ProjectRequestStatus.OPEN:
        raise ValidationError({"status": settled_message(current)})
    return model_update(actor=audit_actor or actor, instance=project_request, data=data,
                        expected_version=expected_version)


@transaction.atomic
def project_request_accept(
    *, actor: SystemActor, project_request: ProjectRequest, expected_version: int | None = None
) -> ProjectRequest:
    """Delivery takes the request up (its project starts): status accepted. Project
    managers accept requests (delivery's service starts the project with it), as do
    those who may change the account."""
    taker = actor is not None and (is_admin(actor) or has_role(actor, Role.PROJECT_MANAGER))
    return _settle(
        actor=None if taker else actor, project_request=project_request,
        data={"status": ProjectRequestStatus.ACCEPTED}, expected_version=expected_version, audit_actor=actor,
    )


@transaction.atomic
def project_request_decline(
    *, actor: SystemActor, project_request: ProjectRequest, reason: str, expected_version: int | None = None
) -> ProjectRequest:
    """The request will not become a project (the client changed their mind, the work
    went elsewhere…): status declined with its ``reason`` (required, kept on the request
    and in its history). Only an open request is declined; the contract stays as it is."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the request is declined."})
    if len(reason) > 300:
        raise ValidationError({"reason": "Keep the reason under 300 characters."})
    return _settle(
        actor=actor, project_request=project_request,
        data={"status": ProjectRequestStatus.DECLINED, "decline_reason": reason}, expected_version=expected_version,
    )


@transaction.atomic
def opportunity_convert(
    *, actor: SystemActor, opportunity: Opportunity, create_contract: bool = True, create_project_request: bool = True,
    start: dt.date | None = None,
) -> ConvertResult:
    """The won opportunity's draft contract and project request (see the module
    docstring). The contract starts on ``start`` (default: the day it was won, else
    today) for twelve months."""
    _require_account_change(actor, opportunity)
    opportunity = Opportunity.objects.select_for_update().select_related("account").get(pk=opportunity.pk)
    _require_won(opportunity)
    contract = Contract.objects.filter(opportunity=opportunity).order_by("id").first()
    created_contract = False
    if contract is None and create_contract:
        start = start or opportunity.closed_on or timezone.localdate()
        owner = opportunity.owner if opportunity.owner is not None and opportunity.owner.is_active else None
        contract = contract_create(
            actor=actor, account=opportunity.account, opportunity=opportunity,
            data={
                "title": opportunity.name, "kind": KIND_FOR_STRATEGY.get(opportunity.pricing_strategy, ContractKind.STATEMENT_OF_WORK),
                "pricing_strategy": opportunity.pricing_strategy, "value": opportunity.amount,
                "currency": opportunity.currency, "start_date": start, "end_date": add_months(start, 12) - dt.timedelta(days=1),
                **({"owner": owner} if owner is not None and _may_own(owner) else {}),
            },
        )
        created_contract = True
    project_request = ProjectRequest.objects.filter(opportunity=opportunity).first()
    created_request = False
    if project_request is None and create_project_request:
        project_request = project_request_create(
            actor=actor, opportunity=opportunity, contract=contract,
            data={"requested_start": contract.start_date if contract is not None else None},
        )
        created_request = True
    return ConvertResult(contract, project_request, created_contract, created_request)


def _may_own(user: Any) -> bool:
    return Role.ACCOUNT_MANAGER in user.roles or Role.ADMIN in user.roles
