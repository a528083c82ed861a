"""The risk register API: ``/projects/{id}/risks``, ``/accounts/{id}/risks``,
``/risks`` (every risk the caller sees, filtered), ``/risks/{id}`` (read, change with
``version``, delete), ``/risks/{id}/occurred``, ``/risks/{id}/contingency-tasks`` and
``/projects/{id}/risk-exposure`` (now, the heat map counts and the 90-day trend).

Thin: parse, fetch what the caller may see (404), call one governance service (403,
409, 422), render."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.clients.api.references import user_reference
from tandem.clients.selectors import account_get
from tandem.core.api import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    UPDATE_ERRORS,
    PageParams,
    current_user,
    error_responses,
    paginate,
    renamed_fields,
)
from tandem.core.errors import PermissionDeniedError
from tandem.core.permissions import policy_for, require_change
from tandem.delivery import selectors as delivery_selectors
from tandem.delivery.schemas import VersionQuery
from tandem.governance.models import Risk
from tandem.governance.schemas.risks import (
    ContingencyOut,
    ExposureOut,
    RiskCreateIn,
    RiskListQuery,
    RiskOccurredIn,
    RiskOut,
    RiskPage,
    RiskUpdateIn,
    risk_out,
)
from tandem.governance.selectors.risks import (
    RiskFilters,
    exposure_trend,
    heat_map,
    risk_get,
    risk_list,
)
from tandem.governance.services import risks as services

router = Router(tags=["risks"])
ID = Path(..., ge=1, le=MAX_ID)
NESTED_CREATE_ERRORS = (*CREATE_ERRORS, 404)
REFERENCE_FIELDS = {"owner": "owner_id"}


def _owner(actor: Any, data: dict[str, Any]) -> dict[str, Any]:
    if "owner_id" in data:
        data["owner"] = user_reference("owner_id", actor, data.pop("owner_id"))
    return data


def _filters(query: RiskListQuery, **extra: Any) -> RiskFilters:
    return RiskFilters(status=query.status or "", category=query.category or "", owner_id=query.owner_id,
                       probability=query.probability, impact=query.impact, review_due=query.review_due, **extra)


def _require_adder(actor: Any, **subject: Any) -> None:
    if not policy_for(Risk).can_change(actor, Risk(**subject)):
        raise PermissionDeniedError("Only the project's manager or the account's managers add its risks.")


@router.get("/projects/{project_id}/risks", response={200: RiskPage, **error_responses(DETAIL_ERRORS)})
def list_project_risks(request: HttpRequest, params: Query[PageParams], query: Query[RiskListQuery],
                       project_id: int = ID) -> dict[str, Any]:
    """The project's risks, highest score first."""
    actor = current_user(request)
    project = delivery_selectors.project_get(actor=actor, project_id=project_id)
    risks, meta = paginate(risk_list(actor=actor, filters=_filters(query, project_id=project.pk)), params)
    return {**meta, "items": [risk_out(risk, actor=actor) for risk in risks]}


@router.post("/projects/{project_id}/risks", response={201: RiskOut, **error_responses(NESTED_CREATE_ERRORS)})
def create_project_risk(request: HttpRequest, payload: RiskCreateIn, project_id: int = ID) -> Status[dict[str, Any]]:
    """Add a risk to the project's register (its manager); publishes ``risk.raised``."""
    actor = current_user(request)
    project = delivery_selectors.project_get(actor=actor, project_id=project_id)
    _require_adder(actor, project=project)
    data = _owner(actor, payload.model_dump())
    with renamed_fields(REFERENCE_FIELDS):
        risk = services.risk_create(actor=actor, project=project, data=data)
    return Status(201, risk_out(risk, actor=actor))


@router.get("/accounts/{account_id}/risks", response={200: RiskPage, **error_responses(DETAIL_ERRORS)})
def list_account_risks(request: HttpRequest, params: Query[PageParams], query: Query[RiskListQuery],
                       account_id: int = ID) -> dict[str, Any]:
    """The account's relationship risks (not its projects')."""
    actor = current_user(request)
    account = account_get(actor=actor, account_id=account_id)
    risks, meta = paginate(risk_list(actor=actor, filters=_filters(query, account_id=account.pk)), params)
    return {**meta, "items": [risk_out(risk, actor=actor) for risk in risks]}


@router.post("/accounts/{account_id}/risks", response={201: RiskOut, **error_responses(NESTED_CREATE_ERRORS)})
def create_account_risk(request: HttpRequest, payload: RiskCreateIn, account_id: int = ID) -> Status[dict[str, Any]]:
    """Add a relationship risk to the account (its account managers)."""
    actor = current_user(request)
    account = account_get(actor=actor, account_id=account_id)
    _require_adder(actor, account=account)
    data = _owner(actor, payload.model_dump())
    with renamed_fields(REFERENCE_FIELDS):
        risk = services.risk_create(actor=actor, account=account, data=data)
    return Status(201, risk_out(risk, actor=actor))


@router.get("/risks", response={200: RiskPage, **error_responses(LIST_ERRORS)})
def list_risks(request: HttpRequest, params: Query[PageParams], query: Query[RiskListQuery]) -> dict[str, Any]:
    """Every risk the caller may see, filtered, highest score first."""
    actor = current_user(request)
    risks, meta = paginate(risk_list(actor=actor, filters=_filters(query)), params)
    return {**meta, "items": [risk_out(risk, actor=actor) for risk in risks]}


@router.get("/risks/{risk_id}", response={200: RiskOut, **error_responses(DETAIL_ERRORS)})
def get_risk(request: HttpRequest, risk_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    return risk_out(risk_get(actor=actor, risk_id=risk_id), actor=actor)


@router.patch("/risks/{risk_id}", response={200: RiskOut, **error_responses(UPDATE_ERRORS)})
def update_risk(request: HttpRequest, payload: RiskUpdateIn, risk_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    risk = risk_get(actor=actor, risk_id=risk_id)
    require_change(actor, risk)
    changes = _owner(actor, payload.model_dump(exclude_unset=True))
    expected_version = changes.pop("version")
    with renamed_fields(REFERENCE_FIELDS):
        risk = services.risk_update(actor=actor, risk=risk, data=changes, expected_version=expected_version)
    return risk_out(risk, actor=actor)


@router.delete("/risks/{risk_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_risk(request: HttpRequest, query: Query[VersionQuery], risk_id: int = ID) -> Status[None]:
    actor = current_user(request)
    risk = risk_get(actor=actor, risk_id=risk_id)
    services.risk_delete(actor=actor, risk=risk, expected_version=query.version)
    return Status(204, None)


@router.post("/risks/{risk_id}/occurred", response={200: RiskOut, **error_responses(UPDATE_ERRORS)})
def mark_risk_occurred(request: HttpRequest, payload: RiskOccurredIn, risk_id: int = ID) -> dict[str, Any]:
    """The risk happened (publishes ``risk.occurred``); with ``make_tasks`` its
    contingency plan becomes tasks in the same step."""
    actor = current_user(request)
    risk = risk_get(actor=actor, risk_id=risk_id)
    risk = services.risk_mark_occurred(actor=actor, risk=risk, expected_version=payload.version,
                                       make_tasks=payload.make_tasks)
    return risk_out(risk_get(actor=actor, risk_id=risk.pk), actor=actor)


@router.post("/risks/{risk_id}/contingency-tasks", response={201: ContingencyOut, **error_responses(UPDATE_ERRORS)})
def create_contingency_tasks(request: HttpRequest, risk_id: int = ID) -> Status[dict[str, Any]]:
    """Turn the contingency plan into a summary task with one task a step (project
    risks) or one follow-up a step for the owner (account risks); once."""
    actor = current_user(request)
    risk = risk_get(actor=actor, risk_id=risk_id)
    made = services.risk_contingency_to_tasks(actor=actor, risk=risk)
    risk = risk_get(actor=actor, risk_id=risk.pk)
    is_task = risk.project_id is not None
    return Status(201, {"risk": risk_out(risk, actor=actor),
                        "task_ids": [row.pk for row in made] if is_task else [],
                        "follow_up_ids": [] if is_task else [row.pk for row in made]})


@router.get("/projects/{project_id}/risk-exposure", response={200: ExposureOut, **error_responses(DETAIL_ERRORS)})
def get_risk_exposure(request: HttpRequest, project_id: int = ID) -> dict[str, Any]:
    """The project's exposure now, the heat map counts of open risks and the 90-day trend."""
    actor = current_user(request)
    project = delivery_selectors.project_get(actor=actor, project_id=project_id)
    exposure, open_risks = services.exposure_of(project=project)
    return {"project_id": project.pk, "exposure": exposure, "open_risks": open_risks,
            "heat_map": heat_map(risks=Risk.objects.filter(project=project)),
            "trend": [{"day": point.day, "exposure": point.exposure, "open_risks": point.open_risks}
                      for point in exposure_trend(project=project)]}
