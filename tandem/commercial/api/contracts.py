"""``/contracts`` (with their negotiation rounds, billing milestones and lifecycle
actions), ``/negotiation-rounds``, ``/billing-milestones`` (+ ``/bill``),
``/opportunities/{id}/convert`` and ``/project-requests``.

Thin: parse, fetch what the caller may see (404 otherwise; a body naming an object the
caller may not see is a 422 on that field), call one service (403 / 409 / 422), render.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.clients.api.references import REFERENCE_FIELDS, account_reference, user_reference
from tandem.commercial import services
from tandem.commercial.models import Opportunity
from tandem.commercial.schemas.contracts import (
    ActivateIn,
    BillIn,
    ContractCreateIn,
    ContractDetailOut,
    ContractListQuery,
    ContractOut,
    ContractPage,
    ContractUpdateIn,
    ConvertIn,
    ConvertOut,
    LifecycleActionIn,
    MilestoneCreateIn,
    MilestoneOut,
    MilestoneUpdateIn,
    ProjectRequestDeclineIn,
    ProjectRequestListQuery,
    ProjectRequestOut,
    ProjectRequestPage,
    ProjectRequestUpdateIn,
    RoundCreateIn,
    RoundOut,
    RoundUpdateIn,
    TerminateIn,
    contract_out,
    milestone_out,
    project_request_out,
    round_out,
)
from tandem.commercial.selectors import contracts as selectors
from tandem.core.api import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    UPDATE_ERRORS,
    current_user,
    error_responses,
    paginate,
    renamed_fields,
)
from tandem.core.permissions import get_visible

router = Router(tags=["contracts"])
ID = Path(..., ge=1, le=MAX_ID)


def _detail(contract: Any, actor: Any) -> dict[str, Any]:
    rounds = list(selectors.negotiation_round_list(actor=actor, contract=contract))
    milestones = selectors.billing_milestone_list(actor=actor, contract=contract)
    previous = [None, *(item.value for item in rounds[:-1])]
    return {
        **contract_out(contract, actor=actor),
        "rounds": [round_out(item, actor=actor, previous=before) for item, before in zip(rounds, previous, strict=True)],
        "milestones": [milestone_out(item, currency=contract.currency) for item in milestones],
    }


def _reload(actor: Any, contract_id: int) -> dict[str, Any]:
    return contract_out(selectors.contract_get(actor=actor, contract_id=contract_id), actor=actor)


# --- Contracts ------------------------------------------------------------------------------


@router.get("/contracts", response={200: ContractPage, **error_responses(LIST_ERRORS)})
def list_contracts(request: HttpRequest, filters: Query[ContractListQuery]) -> dict[str, Any]:
    """Contracts at the accounts the caller may see; ``ending_within`` is the renewals
    filter (active contracts ending within that many days, past ends included)."""
    actor = current_user(request)
    owner_id = actor.pk if filters.mine else filters.owner_id
    queryset = selectors.contract_list(actor=actor, filters=selectors.ContractFilters(
        status=filters.status or "", owner_id=owner_id, account_id=filters.account_id, kind=filters.kind or "",
        ending_within=filters.ending_within, sort=filters.sort,
    ))
    contracts, meta = paginate(queryset, filters)
    return {**meta, "items": [contract_out(row, actor=actor) for row in contracts]}


@router.post("/contracts", response={201: ContractOut, **error_responses(CREATE_ERRORS)})
def create_contract(request: HttpRequest, payload: ContractCreateIn) -> Status[dict[str, Any]]:
    """A draft contract; number ``C-<start year>-NNNN``."""
    actor = current_user(request)
    account = account_reference(actor, payload.account_id)
    owner = user_reference("owner_id", actor, payload.owner_id)
    data = payload.model_dump(exclude={"account_id", "owner_id"})
    if data["currency"] is None:
        del data["currency"]
    if owner is not None:
        data["owner"] = owner
    with renamed_fields(REFERENCE_FIELDS):
        contract = services.contract_create(actor=actor, account=account, data=data)
    return Status(201, contract_out(contract, actor=actor))


@router.get("/contracts/{contract_id}", response={200: ContractDetailOut, **error_responses(DETAIL_ERRORS)})
def get_contract(request: HttpRequest, contract_id: int = ID) -> dict[str, Any]:
    """A contract with its negotiation rounds (each with its change against the one
    before) and its billing milestones."""
    actor = current_user(request)
    return _detail(selectors.contract_get(actor=actor, contract_id=contract_id), actor)


@router.patch("/contracts/{contract_id}", response={200: ContractOut, **error_responses(UPDATE_ERRORS)})
def update_contract(request: HttpRequest, payload: ContractUpdateIn, contract_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    contract = selectors.contract_get(actor=actor, contract_id=contract_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    if "owner_id" in changes:
        changes["owner"] = user_reference("owner_id", actor, changes.pop("owner_id"))
    with renamed_fields(REFERENCE_FIELDS):
        contract = services.contract_update(actor=actor, contract=contract, data=changes, expected_version=expected_version)
    return contract_out(contract, actor=actor)


@router.post("/contracts/{contract_id}/negotiate", response={200: ContractOut, **error_responses(UPDATE_ERRORS)})
def start_contract_negotiation(request: HttpRequest, payload: LifecycleActionIn, contract_id: int = ID) -> dict[str, Any]:
    """Draft → negotiation."""
    actor = current_user(request)
    contract = selectors.contract_get(actor=actor, contract_id=contract_id)
    services.contract_start_negotiation(actor=actor, contract=contract, expected_version=payload.version)
    return _reload(actor, contract_id)


@router.post("/contracts/{contract_id}/activate", response={200: ContractOut, **error_responses(UPDATE_ERRORS)})
def activate_contract(request: HttpRequest, payload: ActivateIn, contract_id: int = ID) -> dict[str, Any]:
    """Negotiation → active (signed on ``signed_on``, default today); refused while a
    proposal waits for an answer."""
    actor = current_user(request)
    contract = selectors.contract_get(actor=actor, contract_id=contract_id)
    services.contract_activate(actor=actor, contract=contract, signed_on=payload.signed_on, expected_version=payload.version)
    return _reload(actor, contract_id)


@router.post("/contracts/{contract_id}/expire", response={200: ContractOut, **error_responses(UPDATE_ERRORS)})
def expire_contract(request: HttpRequest, payload: LifecycleActionIn, contract_id: int = ID) -> dict[str, Any]:
    """Active → expired, once its end date has passed (the daily job does this too)."""
    actor = current_user(request)
    contract = selectors.contract_get(actor=actor, contract_id=contract_id)
    services.contract_expire(actor=actor, contract=contract, expected_version=payload.version)
    return _reload(actor, contract_id)


@router.post("/contracts/{contract_id}/terminate", response={200: ContractOut, **error_responses(UPDATE_ERRORS)})
def terminate_contract(request: HttpRequest, payload: TerminateIn, contract_id: int = ID) -> dict[str, Any]:
    """Active → terminated early, with a reason and a date (default today)."""
    actor = current_user(request)
    contract = selectors.contract_get(actor=actor, contract_id=contract_id)
    services.contract_terminate(
        actor=actor, contract=contract, reason=payload.reason, on=payload.on, expected_version=payload.version
    )
    return _reload(actor, contract_id)


# --- Negotiation rounds ------------------------------------------------------------------------


@router.get("/contracts/{contract_id}/rounds", response={200: list[RoundOut], **error_responses(DETAIL_ERRORS)})
def list_negotiation_rounds(request: HttpRequest, contract_id: int = ID) -> list[dict[str, Any]]:
    actor = current_user(request)
    return _detail(selectors.contract_get(actor=actor, contract_id=contract_id), actor)["rounds"]


@router.post("/contracts/{contract_id}/rounds", response={201: RoundOut, **error_responses(CREATE_ERRORS)})
def create_negotiation_round(request: HttpRequest, payload: RoundCreateIn, contract_id: int = ID) -> Status[dict[str, Any]]:
    actor = current_user(request)
    contract = selectors.contract_get(actor=actor, contract_id=contract_id)
    data = payload.model_dump()
    if data["proposed_at"] is None:
        del data["proposed_at"]
    item = services.negotiation_round_create(actor=actor, contract=contract, data=data)
    return Status(201, round_out(item, actor=actor, previous=_previous_value(item)))


def _previous_value(item: Any) -> Any:
    if item.number <= 1:
        return None
    return type(item).objects.filter(contract_id=item.contract_id, number=item.number - 1).values_list("value", flat=True).first()


@router.get("/negotiation-rounds/{negotiation_round_id}", response={200: RoundOut, **error_responses(DETAIL_ERRORS)})
def get_negotiation_round(request: HttpRequest, negotiation_round_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    item = selectors.negotiation_round_get(actor=actor, negotiation_round_id=negotiation_round_id)
    return round_out(item, actor=actor, previous=_previous_value(item))


@router.patch("/negotiation-rounds/{negotiation_round_id}", response={200: RoundOut, **error_responses(UPDATE_ERRORS)})
def update_negotiation_round(request: HttpRequest, payload: RoundUpdateIn, negotiation_round_id: int = ID) -> dict[str, Any]:
    """Record the answer (``outcome``); accepting the latest round sets the contract's
    value and monthly amount."""
    actor = current_user(request)
    item = selectors.negotiation_round_get(actor=actor, negotiation_round_id=negotiation_round_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    item = services.negotiation_round_update(actor=actor, negotiation_round=item, data=changes, expected_version=expected_version)
    return round_out(item, actor=actor, previous=_previous_value(item))


# --- Billing milestones ------------------------------------------------------------------------


@router.get("/contracts/{contract_id}/milestones", response={200: list[MilestoneOut], **error_responses(DETAIL_ERRORS)})
def list_billing_milestones(request: HttpRequest, contract_id: int = ID) -> list[dict[str, Any]]:
    actor = current_user(request)
    contract = selectors.contract_get(actor=actor, contract_id=contract_id)
    return [milestone_out(item, currency=contract.currency) for item in selectors.billing_milestone_list(actor=actor, contract=contract)]


@router.post("/contracts/{contract_id}/milestones", response={201: MilestoneOut, **error_responses(CREATE_ERRORS)})
def create_billing_milestone(request: HttpRequest, payload: MilestoneCreateIn, contract_id: int = ID) -> Status[dict[str, Any]]:
    actor = current_user(request)
    contract = selectors.contract_get(actor=actor, contract_id=contract_id)
    item = services.billing_milestone_create(actor=actor, contract=contract, data=payload.model_dump())
    return Status(201, milestone_out(item, currency=contract.currency))


@router.get("/billing-milestones/{billing_milestone_id}", response={200: MilestoneOut, **error_responses(DETAIL_ERRORS)})
def get_billing_milestone(request: HttpRequest, billing_milestone_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    item = selectors.billing_milestone_get(actor=actor, billing_milestone_id=billing_milestone_id)
    return milestone_out(item, currency=item.contract.currency)


@router.patch("/billing-milestones/{billing_milestone_id}", response={200: MilestoneOut, **error_responses(UPDATE_ERRORS)})
def update_billing_milestone(request: HttpRequest, payload: MilestoneUpdateIn, billing_milestone_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    item = selectors.billing_milestone_get(actor=actor, billing_milestone_id=billing_milestone_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    item = services.billing_milestone_update(actor=actor, milestone=item, data=changes, expected_version=expected_version)
    return milestone_out(item, currency=item.contract.currency)


@router.delete("/billing-milestones/{billing_milestone_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_billing_milestone(request: HttpRequest, billing_milestone_id: int = ID) -> Status[None]:
    """Remove a milestone not billed yet."""
    actor = current_user(request)
    item = selectors.billing_milestone_get(actor=actor, billing_milestone_id=billing_milestone_id)
    services.billing_milestone_delete(actor=actor, milestone=item)
    return Status(204, None)


@router.post("/billing-milestones/{billing_milestone_id}/bill", response={200: MilestoneOut, **error_responses(UPDATE_ERRORS)})
def bill_billing_milestone(request: HttpRequest, payload: BillIn, billing_milestone_id: int = ID) -> dict[str, Any]:
    """Bill it (active contracts only, once): writes its milestone revenue entry for the
    month of ``on``."""
    actor = current_user(request)
    item = selectors.billing_milestone_get(actor=actor, billing_milestone_id=billing_milestone_id)
    services.billing_milestone_bill(actor=actor, milestone=item, on=payload.on, expected_version=payload.version)
    item = selectors.billing_milestone_get(actor=actor, billing_milestone_id=billing_milestone_id)
    return milestone_out(item, currency=item.contract.currency)


# --- Won → contract → project request -----------------------------------------------------------


@router.post("/opportunities/{opportunity_id}/convert", response={200: ConvertOut, **error_responses(UPDATE_ERRORS)})
def convert_opportunity(request: HttpRequest, payload: ConvertIn, opportunity_id: int = ID) -> dict[str, Any]:
    """A won opportunity's draft contract and project request. Idempotent: calling it
    again answers the same records with ``created_*`` false."""
    actor = current_user(request)
    opportunity = get_visible(actor, Opportunity.objects.select_related("account"), opportunity_id)
    result = services.opportunity_convert(
        actor=actor, opportunity=opportunity, create_contract=payload.create_contract,
        create_project_request=payload.create_project_request,
    )
    return {
        "contract": contract_out(result.contract, actor=actor) if result.contract else None,
        "project_request": project_request_out(result.project_request) if result.project_request else None,
        "created_contract": result.created_contract,
        "created_project_request": result.created_project_request,
    }


@router.get("/project-requests", response={200: ProjectRequestPage, **error_responses(LIST_ERRORS)})
def list_project_requests(request: HttpRequest, filters: Query[ProjectRequestListQuery]) -> dict[str, Any]:
    """What won deals ask delivery to start, newest first."""
    actor = current_user(request)
    queryset = selectors.project_request_list(actor=actor, account_id=filters.account_id, status=filters.status or "")
    items, meta = paginate(queryset, filters)
    return {**meta, "items": [project_request_out(item) for item in items]}


@router.get("/project-requests/{project_request_id}", response={200: ProjectRequestOut, **error_responses(DETAIL_ERRORS)})
def get_project_request(request: HttpRequest, project_request_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    return project_request_out(selectors.project_request_get(actor=actor, project_request_id=project_request_id))


@router.patch("/project-requests/{project_request_id}", response={200: ProjectRequestOut, **error_responses(UPDATE_ERRORS)})
def update_project_request(request: HttpRequest, payload: ProjectRequestUpdateIn, project_request_id: int = ID) -> dict[str, Any]:
    """Change a request still waiting for delivery."""
    actor = current_user(request)
    item = selectors.project_request_get(actor=actor, project_request_id=project_request_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    return project_request_out(
        services.project_request_update(actor=actor, project_request=item, data=changes, expected_version=expected_version)
    )


@router.post("/project-requests/{project_request_id}/decline", response={200: ProjectRequestOut, **error_responses(UPDATE_ERRORS)})
def decline_project_request(request: HttpRequest, payload: ProjectRequestDeclineIn, project_request_id: int = ID) -> dict[str, Any]:
    """Decline a request still waiting for delivery, with the reason (kept on it)."""
    actor = current_user(request)
    item = selectors.project_request_get(actor=actor, project_request_id=project_request_id)
    return project_request_out(services.project_request_decline(
        actor=actor, project_request=item, reason=payload.reason, expected_version=payload.version,
    ))
