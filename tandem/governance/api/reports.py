"""``/projects/{id}/status-reports`` (list, make the draft), ``/status-reports/{id}``
(get, edit a draft with ``version``, delete a draft), ``/status-reports/{id}/publish``
and ``/status-reports`` (the portfolio: each visible active project's latest report).

Thin: a project or report the caller may not see is a 404; writing one they see but do
not manage is a 403 (from the service); a stale ``version`` is a 409.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

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
)
from tandem.delivery import selectors as delivery_selectors
from tandem.delivery.schemas import VersionQuery
from tandem.governance.schemas.reports import (
    PortfolioPage,
    PortfolioParams,
    StatusReportDraftIn,
    StatusReportOut,
    StatusReportPage,
    StatusReportPublishIn,
    StatusReportUpdateIn,
    portfolio_row_out,
    report_out,
)
from tandem.governance.selectors import reports as selectors
from tandem.governance.services.reports import (
    status_report_delete,
    status_report_draft,
    status_report_publish,
    status_report_update,
)

router = Router(tags=["status reports"])
ID = Path(..., ge=1, le=MAX_ID)


@router.get("/projects/{project_id}/status-reports", response={200: StatusReportPage, **error_responses(DETAIL_ERRORS)})
def list_status_reports(request: HttpRequest, params: Query[PageParams], project_id: int = ID) -> dict[str, Any]:
    """The project's reports, the latest period first."""
    actor = current_user(request)
    project = delivery_selectors.project_get(actor=actor, project_id=project_id)
    reports, meta = paginate(selectors.status_report_list(project=project), params)
    return {**meta, "items": [report_out(report, actor=actor) for report in reports]}


@router.post("/projects/{project_id}/status-reports",
             response={200: StatusReportOut, 201: StatusReportOut, **error_responses((*CREATE_ERRORS, 404))})
def create_status_report(request: HttpRequest, payload: StatusReportDraftIn,
                         project_id: int = ID) -> Status[dict[str, Any]]:
    """Make this period's draft from the project's data (the project's manager); when
    a draft exists already it is answered instead (200)."""
    actor = current_user(request)
    project = delivery_selectors.project_get(actor=actor, project_id=project_id)
    before = selectors.status_report_list(project=project).filter(status="draft").values_list("pk", flat=True).first()
    report = status_report_draft(actor=actor, project=project, period_end=payload.period_end)
    return Status(200 if before == report.pk else 201, report_out(report, actor=actor))


@router.get("/status-reports", response={200: PortfolioPage, **error_responses(LIST_ERRORS)})
def portfolio(request: HttpRequest, params: Query[PortfolioParams]) -> dict[str, Any]:
    """Every active project you see with its latest published report's RAGs."""
    actor = current_user(request)
    filters = selectors.PortfolioFilters(rag=params.rag or "", manager_id=params.manager_id, due=params.due)
    projects, meta = paginate(selectors.portfolio_list(actor=actor, filters=filters), params)
    return {**meta, "items": [portfolio_row_out(project, actor=actor) for project in projects]}


@router.get("/status-reports/{status_report_id}", response={200: StatusReportOut, **error_responses(DETAIL_ERRORS)})
def get_status_report(request: HttpRequest, status_report_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    return report_out(selectors.status_report_get(actor=actor, status_report_id=status_report_id), actor=actor)


@router.patch("/status-reports/{status_report_id}", response={200: StatusReportOut, **error_responses(UPDATE_ERRORS)})
def update_status_report(request: HttpRequest, payload: StatusReportUpdateIn,
                         status_report_id: int = ID) -> dict[str, Any]:
    """Edit a draft's RAGs and texts; a published report answers 422 on ``status``."""
    actor = current_user(request)
    report = selectors.status_report_get(actor=actor, status_report_id=status_report_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    report = status_report_update(actor=actor, report=report, data=changes, version=version)
    return report_out(report, actor=actor)


@router.delete("/status-reports/{status_report_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_status_report(request: HttpRequest, query: Query[VersionQuery], status_report_id: int = ID) -> Status[None]:
    """Delete a draft; with ``?version=`` a stale one answers 409."""
    actor = current_user(request)
    report = selectors.status_report_get(actor=actor, status_report_id=status_report_id)
    status_report_delete(actor=actor, report=report, version=query.version)
    return Status(204, None)


@router.post("/status-reports/{status_report_id}/publish",
             response={200: StatusReportOut, **error_responses(UPDATE_ERRORS)})
def publish_status_report(request: HttpRequest, payload: StatusReportPublishIn,
                          status_report_id: int = ID) -> dict[str, Any]:
    """Publish a draft and send it to the stakeholders who receive reports."""
    actor = current_user(request)
    report = selectors.status_report_get(actor=actor, status_report_id=status_report_id)
    report = status_report_publish(actor=actor, report=report, version=payload.version)
    return report_out(report, actor=actor)
