"""``/projects/{id}/baselines`` (list, save) and ``/baselines/{id}`` (the baseline with
the variance of the current plan against it, a page of task rows at a time; delete).

Thin, as :mod:`tandem.delivery.api.projects`: a project or baseline the caller may not
see is a 404; saving or deleting one they see but do not manage is a 403 (from the
service); a duplicate name is a 422 on ``name``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.core.api import (
    DELETE_ERRORS,
    DETAIL_ERRORS,
    MAX_ID,
    PageParams,
    current_user,
    error_responses,
    paginate,
)
from tandem.delivery import selectors
from tandem.delivery.api.projects import NESTED_CREATE_ERRORS
from tandem.delivery.calendars import project_time_zone
from tandem.delivery.schemas import VersionQuery
from tandem.delivery.schemas.baselines import (
    BaselineCreateIn,
    BaselineDetailOut,
    BaselineOut,
    BaselinePage,
    VarianceQuery,
    baseline_out,
    project_variance_out,
    task_variance_out,
)
from tandem.delivery.selectors import baselines as baseline_selectors
from tandem.delivery.services.baselines import baseline_delete, baseline_save

router = Router(tags=["baselines"])
ID = Path(..., ge=1, le=MAX_ID)


@router.get("/projects/{project_id}/baselines", response={200: BaselinePage, **error_responses(DETAIL_ERRORS)})
def list_baselines(request: HttpRequest, params: Query[PageParams], project_id: int = ID) -> dict[str, Any]:
    """The project's baselines, the latest first."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    baselines, meta = paginate(baseline_selectors.baseline_list(project=project), params)
    zone = project_time_zone()
    return {**meta, "items": [baseline_out(baseline, actor=actor, zone=zone) for baseline in baselines]}


@router.post("/projects/{project_id}/baselines", response={201: BaselineOut, **error_responses(NESTED_CREATE_ERRORS)})
def create_baseline(request: HttpRequest, payload: BaselineCreateIn, project_id: int = ID) -> Status[dict[str, Any]]:
    """Save the plan as it stands under ``name`` (the project's manager): each task's
    scheduled dates, duration, work and planned cost (the budget spread by work)."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    baseline = baseline_save(actor=actor, project=project, name=payload.name)
    return Status(201, baseline_out(baseline, actor=actor, zone=project_time_zone()))


@router.get("/baselines/{baseline_id}", response={200: BaselineDetailOut, **error_responses(DETAIL_ERRORS)})
def get_baseline(request: HttpRequest, query: Query[VarianceQuery], baseline_id: int = ID) -> dict[str, Any]:
    """The baseline, the project's variance against it and the variance per task (a
    page at a time; ``order=slipping``: the latest finishes first)."""
    actor = current_user(request)
    baseline = baseline_selectors.baseline_get(actor=actor, baseline_id=baseline_id)
    variance = baseline_selectors.baseline_variance(project=baseline.project, baseline=baseline, order=query.order)
    rows = variance.tasks[query.offset: query.offset + query.limit]
    return {
        **baseline_out(baseline, actor=actor, zone=variance.zone),
        "count": len(variance.tasks), "count_is_capped": False, "limit": query.limit, "offset": query.offset,
        "variance": project_variance_out(variance),
        "items": [task_variance_out(row, variance.zone) for row in rows],
    }


@router.delete("/baselines/{baseline_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_baseline(request: HttpRequest, query: Query[VersionQuery], baseline_id: int = ID) -> Status[None]:
    """Delete the baseline and its rows (the project's manager); with ``?version=`` a
    stale one answers 409."""
    actor = current_user(request)
    baseline = baseline_selectors.baseline_get(actor=actor, baseline_id=baseline_id)
    baseline_delete(actor=actor, baseline=baseline, expected_version=query.version)
    return Status(204, None)
