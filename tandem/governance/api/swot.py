"""The SWOT API: analyses under ``/projects/{id}/swot-analyses`` and
``/accounts/{id}/swot-analyses``, one analysis at ``/swot-analyses/{id}`` (with its
items), its items at ``/swot-analyses/{id}/items`` and ``/swot-items/{id}`` (PATCH
``text`` and / or ``move``), and ``/swot-items/{id}/risk`` and ``/opportunity``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.clients.selectors import account_get
from tandem.core.api import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    DETAIL_ERRORS,
    MAX_ID,
    UPDATE_ERRORS,
    PageParams,
    current_user,
    error_responses,
    paginate,
)
from tandem.core.errors import PermissionDeniedError
from tandem.core.permissions import policy_for, require_change
from tandem.delivery import selectors as delivery_selectors
from tandem.delivery.schemas import VersionQuery
from tandem.governance.models import SwotAnalysis
from tandem.governance.schemas.risks import (
    OpportunityLinkOut,
    RiskOut,
    SwotAnalysisCreateIn,
    SwotAnalysisOut,
    SwotAnalysisPage,
    SwotAnalysisUpdateIn,
    SwotItemCreateIn,
    SwotItemOut,
    SwotItemUpdateIn,
    risk_out,
    swot_item_out,
    swot_out,
)
from tandem.governance.selectors.risks import risk_get, swot_get, swot_item_get, swot_list
from tandem.governance.services import swot as services

router = Router(tags=["swot"])
ID = Path(..., ge=1, le=MAX_ID)
NESTED_CREATE_ERRORS = (*CREATE_ERRORS, 404)


def _require_adder(actor: Any, **subject: Any) -> None:
    if not policy_for(SwotAnalysis).can_change(actor, SwotAnalysis(**subject)):
        raise PermissionDeniedError("Only the project's manager or the account's managers start its analyses.")


@router.get("/projects/{project_id}/swot-analyses", response={200: SwotAnalysisPage, **error_responses(DETAIL_ERRORS)})
def list_project_swot_analyses(request: HttpRequest, params: Query[PageParams], project_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    project = delivery_selectors.project_get(actor=actor, project_id=project_id)
    rows, meta = paginate(swot_list(actor=actor, project=project).prefetch_related("items"), params)
    return {**meta, "items": [swot_out(row) for row in rows]}


@router.post("/projects/{project_id}/swot-analyses",
             response={201: SwotAnalysisOut, **error_responses(NESTED_CREATE_ERRORS)})
def create_project_swot_analysis(request: HttpRequest, payload: SwotAnalysisCreateIn,
                                 project_id: int = ID) -> Status[dict[str, Any]]:
    actor = current_user(request)
    project = delivery_selectors.project_get(actor=actor, project_id=project_id)
    _require_adder(actor, project=project)
    analysis = services.swot_analysis_create(actor=actor, project=project, data=payload.model_dump())
    return Status(201, swot_out(swot_get(actor=actor, swot_analysis_id=analysis.pk)))


@router.get("/accounts/{account_id}/swot-analyses", response={200: SwotAnalysisPage, **error_responses(DETAIL_ERRORS)})
def list_account_swot_analyses(request: HttpRequest, params: Query[PageParams], account_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    account = account_get(actor=actor, account_id=account_id)
    rows, meta = paginate(swot_list(actor=actor, account=account).prefetch_related("items"), params)
    return {**meta, "items": [swot_out(row) for row in rows]}


@router.post("/accounts/{account_id}/swot-analyses",
             response={201: SwotAnalysisOut, **error_responses(NESTED_CREATE_ERRORS)})
def create_account_swot_analysis(request: HttpRequest, payload: SwotAnalysisCreateIn,
                                 account_id: int = ID) -> Status[dict[str, Any]]:
    actor = current_user(request)
    account = account_get(actor=actor, account_id=account_id)
    _require_adder(actor, account=account)
    analysis = services.swot_analysis_create(actor=actor, account=account, data=payload.model_dump())
    return Status(201, swot_out(swot_get(actor=actor, swot_analysis_id=analysis.pk)))


@router.get("/swot-analyses/{swot_analysis_id}", response={200: SwotAnalysisOut, **error_responses(DETAIL_ERRORS)})
def get_swot_analysis(request: HttpRequest, swot_analysis_id: int = ID) -> dict[str, Any]:
    return swot_out(swot_get(actor=current_user(request), swot_analysis_id=swot_analysis_id))


@router.patch("/swot-analyses/{swot_analysis_id}", response={200: SwotAnalysisOut, **error_responses(UPDATE_ERRORS)})
def update_swot_analysis(request: HttpRequest, payload: SwotAnalysisUpdateIn, swot_analysis_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    analysis = swot_get(actor=actor, swot_analysis_id=swot_analysis_id)
    require_change(actor, analysis)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    services.swot_analysis_update(actor=actor, analysis=analysis, data=changes, expected_version=version)
    return swot_out(swot_get(actor=actor, swot_analysis_id=analysis.pk))


@router.delete("/swot-analyses/{swot_analysis_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_swot_analysis(request: HttpRequest, query: Query[VersionQuery], swot_analysis_id: int = ID) -> Status[None]:
    actor = current_user(request)
    analysis = swot_get(actor=actor, swot_analysis_id=swot_analysis_id)
    services.swot_analysis_delete(actor=actor, analysis=analysis, expected_version=query.version)
    return Status(204, None)


@router.post("/swot-analyses/{swot_analysis_id}/items", response={201: SwotItemOut, **error_responses(NESTED_CREATE_ERRORS)})
def create_swot_item(request: HttpRequest, payload: SwotItemCreateIn, swot_analysis_id: int = ID) -> Status[dict[str, Any]]:
    """An item at the end of its quadrant."""
    actor = current_user(request)
    analysis = swot_get(actor=actor, swot_analysis_id=swot_analysis_id)
    require_change(actor, analysis)
    item = services.swot_item_create(actor=actor, analysis=analysis, quadrant=payload.quadrant, text=payload.text)
    return Status(201, swot_item_out(item))


@router.get("/swot-items/{swot_item_id}", response={200: SwotItemOut, **error_responses(DETAIL_ERRORS)})
def get_swot_item(request: HttpRequest, swot_item_id: int = ID) -> dict[str, Any]:
    return swot_item_out(swot_item_get(actor=current_user(request), swot_item_id=swot_item_id))


@router.patch("/swot-items/{swot_item_id}", response={200: SwotItemOut, **error_responses(UPDATE_ERRORS)})
def update_swot_item(request: HttpRequest, payload: SwotItemUpdateIn, swot_item_id: int = ID) -> dict[str, Any]:
    """Change the text and / or move it up or down its quadrant."""
    actor = current_user(request)
    item = swot_item_get(actor=actor, swot_item_id=swot_item_id)
    require_change(actor, item)
    changes = payload.model_dump(exclude_unset=True)
    version = changes["version"]
    if "text" in changes:
        item = services.swot_item_update(actor=actor, item=item, text=changes["text"], expected_version=version)
        version = item.version
    if changes.get("move"):
        item = services.swot_item_move(actor=actor, item=item, direction=changes["move"], expected_version=version)
    return swot_item_out(swot_item_get(actor=actor, swot_item_id=item.pk))


@router.delete("/swot-items/{swot_item_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_swot_item(request: HttpRequest, query: Query[VersionQuery], swot_item_id: int = ID) -> Status[None]:
    actor = current_user(request)
    item = swot_item_get(actor=actor, swot_item_id=swot_item_id)
    services.swot_item_delete(actor=actor, item=item, expected_version=query.version)
    return Status(204, None)


@router.post("/swot-items/{swot_item_id}/risk", response={201: RiskOut, **error_responses(UPDATE_ERRORS)})
def create_risk_from_swot_item(request: HttpRequest, swot_item_id: int = ID) -> Status[dict[str, Any]]:
    """A weakness or threat becomes a linked risk of the same project or account; once."""
    actor = current_user(request)
    item = swot_item_get(actor=actor, swot_item_id=swot_item_id)
    risk = services.swot_item_to_risk(actor=actor, item=item)
    return Status(201, risk_out(risk_get(actor=actor, risk_id=risk.pk), actor=actor))


@router.post("/swot-items/{swot_item_id}/opportunity",
             response={201: OpportunityLinkOut, **error_responses(UPDATE_ERRORS)})
def create_opportunity_from_swot_item(request: HttpRequest, swot_item_id: int = ID) -> Status[dict[str, Any]]:
    """An opportunity item becomes a sales opportunity of the account (a project's
    account); once. An internal project without account is refused (422)."""
    actor = current_user(request)
    item = swot_item_get(actor=actor, swot_item_id=swot_item_id)
    opportunity = services.swot_item_to_opportunity(actor=actor, item=item)
    item = swot_item_get(actor=actor, swot_item_id=item.pk)
    return Status(201, {"item": swot_item_out(item), "opportunity_id": opportunity.pk})
