"""``/opportunities`` (with their lines inline on one opportunity), ``/move``, lines
(``/opportunities/{opportunity_id}/lines``, ``/opportunity-lines/{opportunity_line_id}``)
and ``/stages``.

Thin: parse, resolve references as the caller sees them (an id they may not see is a
422 on the field), call one pipeline service or selector, render. The services check
permission (403) and version (409)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.clients import selectors as client_selectors
from tandem.commercial import services
from tandem.commercial.models import Product
from tandem.commercial.schemas.opportunities import (
    OpportunityCreateIn,
    OpportunityLineCreateIn,
    OpportunityLineOut,
    OpportunityLineUpdateIn,
    OpportunityListQuery,
    OpportunityMoveIn,
    OpportunityOut,
    OpportunityPage,
    OpportunityUpdateIn,
    StageList,
    line_out,
    opportunity_out,
    stage_out,
)
from tandem.commercial.selectors import opportunities as selectors
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
    resolve_reference,
)
from tandem.core.permissions import get_visible
from tandem.people import selectors as people_selectors

router = Router(tags=["opportunities"])

REFERENCE_FIELDS = {"account": "account_id", "owner": "owner_id", "stage": "stage_id", "product": "product_id"}


def _owner(actor: Any, owner_id: int | None) -> Any:
    if owner_id is None:
        return None
    return resolve_reference("owner_id", lambda: people_selectors.user_get(actor=actor, user_id=owner_id))


def _stage(actor: Any, stage_id: int) -> Any:
    return resolve_reference("stage_id", lambda: selectors.stage_get(actor=actor, stage_id=stage_id))


def _product(actor: Any, product_id: int | None) -> Product | None:
    if product_id is None:
        return None
    return resolve_reference("product_id", lambda: get_visible(actor, Product.objects.all(), product_id))


def _detail(actor: Any, opportunity_id: int) -> dict[str, Any]:
    opportunity = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    return opportunity_out(opportunity, lines=list(selectors.opportunity_lines(opportunity=opportunity)))


@router.get("/opportunities", response={200: OpportunityPage, **error_responses(LIST_ERRORS)})
def list_opportunities(request: HttpRequest, filters: Query[OpportunityListQuery]) -> dict[str, Any]:
    """Opportunities at the accounts the caller may see (and those they own), by expected
    close date; the filters are the list page's."""
    actor = current_user(request)
    queryset = selectors.opportunity_list(actor=actor, filters=selectors.OpportunityFilters(
        status=filters.status or "", stage_id=filters.stage_id, type=filters.type or "", owner_id=filters.owner_id,
        account_id=filters.account_id, forecast_category=filters.forecast_category or "",
        close_from=filters.close_from, close_to=filters.close_to, search=filters.search, sort=filters.sort,
    ))
    rows, meta = paginate(queryset, filters)
    return {**meta, "items": [opportunity_out(row) for row in rows]}


@router.get("/opportunities/{opportunity_id}", response={200: OpportunityOut, **error_responses(DETAIL_ERRORS)})
def get_opportunity(request: HttpRequest, opportunity_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """One opportunity with its lines."""
    return _detail(current_user(request), opportunity_id)


@router.post("/opportunities", response={201: OpportunityOut, **error_responses(CREATE_ERRORS)})
def create_opportunity(request: HttpRequest, payload: OpportunityCreateIn) -> Status[dict[str, Any]]:
    actor = current_user(request)
    account = resolve_reference("account_id", lambda: client_selectors.account_get(actor=actor, account_id=payload.account_id))
    stage = _stage(actor, payload.stage_id) if payload.stage_id is not None else None
    data = payload.model_dump(exclude={"account_id", "stage_id", "owner_id"})
    for name in ("currency", "probability", "forecast_category"):
        if data[name] is None:
            del data[name]
    data["owner"] = _owner(actor, payload.owner_id)
    with renamed_fields(REFERENCE_FIELDS):
        opportunity = services.opportunity_create(actor=actor, account=account, data=data, stage=stage)
    return Status(201, _detail(actor, opportunity.pk))


@router.patch("/opportunities/{opportunity_id}", response={200: OpportunityOut, **error_responses(UPDATE_ERRORS)})
def update_opportunity(
    request: HttpRequest, payload: OpportunityUpdateIn, opportunity_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Change an opportunity, checked against the ``version`` you read (409). The stage
    moves through ``/move``."""
    actor = current_user(request)
    opportunity = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    if "owner_id" in changes:
        changes["owner"] = _owner(actor, changes.pop("owner_id"))
    with renamed_fields(REFERENCE_FIELDS):
        services.opportunity_update(actor=actor, opportunity=opportunity, data=changes, expected_version=version)
    return _detail(actor, opportunity.pk)


@router.delete("/opportunities/{opportunity_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_opportunity(request: HttpRequest, opportunity_id: int = Path(..., ge=1, le=MAX_ID)) -> Status[None]:
    actor = current_user(request)
    opportunity = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    services.opportunity_delete(actor=actor, opportunity=opportunity)
    return Status(204, None)


@router.post("/opportunities/{opportunity_id}/move", response={200: OpportunityOut, **error_responses(UPDATE_ERRORS)})
def move_opportunity(
    request: HttpRequest, payload: OpportunityMoveIn, opportunity_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Move to ``stage_id`` (the board's move): status, probability and forecast category
    follow the stage; a lost stage needs ``lost_reason`` (422 without)."""
    actor = current_user(request)
    opportunity = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    stage = _stage(actor, payload.stage_id)
    with renamed_fields(REFERENCE_FIELDS):
        if stage.outcome == "lost" and not payload.lost_reason.strip():
            raise ValidationError({"lost_reason": "Say why the opportunity was lost."})
        services.opportunity_move(
            actor=actor, opportunity=opportunity, stage=stage, expected_version=payload.version,
            closed_on=payload.closed_on, lost_reason=payload.lost_reason,
        )
    return _detail(actor, opportunity.pk)


@router.post("/opportunities/{opportunity_id}/lines", response={201: OpportunityLineOut, **error_responses(CREATE_ERRORS)})
def create_opportunity_line(
    request: HttpRequest, payload: OpportunityLineCreateIn, opportunity_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[dict[str, Any]]:
    """Add a line; the opportunity's amount becomes the sum of its lines."""
    actor = current_user(request)
    opportunity = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    data = payload.model_dump(exclude={"product_id"})
    if data["position"] is None:
        del data["position"]
    if not data["description"]:
        del data["description"]
    data["product"] = _product(actor, payload.product_id)
    with renamed_fields(REFERENCE_FIELDS):
        line = services.opportunity_line_create(actor=actor, opportunity=opportunity, data=data)
    return Status(201, line_out(line))


@router.patch(
    "/opportunity-lines/{opportunity_line_id}", response={200: OpportunityLineOut, **error_responses(UPDATE_ERRORS)}
)
def update_opportunity_line(
    request: HttpRequest, payload: OpportunityLineUpdateIn, opportunity_line_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    actor = current_user(request)
    line = selectors.opportunity_line_get(actor=actor, opportunity_line_id=opportunity_line_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    if "product_id" in changes:
        changes["product"] = _product(actor, changes.pop("product_id"))
    with renamed_fields(REFERENCE_FIELDS):
        line = services.opportunity_line_update(actor=actor, line=line, data=changes, expected_version=version)
    return line_out(line)


@router.delete("/opportunity-lines/{opportunity_line_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_opportunity_line(
    request: HttpRequest, opportunity_line_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    actor = current_user(request)
    line = selectors.opportunity_line_get(actor=actor, opportunity_line_id=opportunity_line_id)
    services.opportunity_line_delete(actor=actor, line=line)
    return Status(204, None)


@router.get("/stages", response={200: StageList, **error_responses(LIST_ERRORS)})
def list_stages(request: HttpRequest) -> dict[str, Any]:
    """The pipeline stages in order, those out of use included (``is_active``)."""
    actor = current_user(request)
    return {"items": [stage_out(stage) for stage in selectors.stage_list(actor=actor, include_inactive=True)]}
