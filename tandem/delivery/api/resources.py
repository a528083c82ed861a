"""``/projects/{id}/allocations`` (list, create), ``/allocations/{id}`` (read, change,
delete) and ``/capacity`` (per person and ISO week: available, allocated, over).

Thin, as :mod:`tandem.delivery.api.projects`: fetch what the caller may see (404
otherwise; a ``user_id`` they may not see is a 422 on that field), call one resources
service (403 for anyone but the project's manager and admins, 409 on a stale version,
422 naming the field), render. Capacity reads the caller's page of people in one
query, then allocations, time off and holidays in one query each.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Status

from tandem.clients.api.references import user_reference
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
from tandem.core.permissions import require_change
from tandem.delivery import selectors, services
from tandem.delivery.schemas import VersionQuery
from tandem.delivery.schemas.resources import (
    AllocationCreateIn,
    AllocationOut,
    AllocationPage,
    AllocationUpdateIn,
    CapacityOut,
    CapacityQuery,
    allocation_out,
    capacity_person_out,
)
from tandem.delivery.selectors import capacity

router = Router(tags=["resources"])
ID = Path(..., ge=1, le=MAX_ID)
REFERENCE_FIELDS = {"user": "user_id"}
NESTED_CREATE_ERRORS = (*CREATE_ERRORS, 404)


@router.get("/projects/{project_id}/allocations", response={200: AllocationPage, **error_responses(DETAIL_ERRORS)})
def list_allocations(request: HttpRequest, params: Query[PageParams], project_id: int = ID) -> dict[str, Any]:
    """The project's allocations, by start, a page at a time."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    rows, meta = paginate(capacity.allocation_list(project=project).select_related("project"), params)
    return {**meta, "items": [allocation_out(row, actor=actor) for row in rows]}


@router.post("/projects/{project_id}/allocations",
             response={201: AllocationOut, **error_responses(NESTED_CREATE_ERRORS)})
def create_allocation(request: HttpRequest, payload: AllocationCreateIn, project_id: int = ID) -> Status[dict[str, Any]]:
    """Allocate a person to the project (its manager, admins); they join its team."""
    actor = current_user(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    require_change(actor, project)  # who may not allocate here hears 403 before the person is looked up
    data = payload.model_dump(exclude={"user_id"})
    data["user"] = user_reference("user_id", actor, payload.user_id)
    with renamed_fields(REFERENCE_FIELDS):
        allocation = services.allocation_create(actor=actor, project=project, data=data)
    return Status(201, allocation_out(allocation, actor=actor))


@router.get("/allocations/{allocation_id}", response={200: AllocationOut, **error_responses(DETAIL_ERRORS)})
def get_allocation(request: HttpRequest, allocation_id: int = ID) -> dict[str, Any]:
    actor = current_user(request)
    return allocation_out(capacity.allocation_get(actor=actor, allocation_id=allocation_id), actor=actor)


@router.patch("/allocations/{allocation_id}", response={200: AllocationOut, **error_responses(UPDATE_ERRORS)})
def update_allocation(request: HttpRequest, payload: AllocationUpdateIn, allocation_id: int = ID) -> dict[str, Any]:
    """Change the person, dates, hours or note; a stale ``version`` answers 409."""
    actor = current_user(request)
    allocation = capacity.allocation_get(actor=actor, allocation_id=allocation_id)
    require_change(actor, allocation)  # 403 before the person is looked up
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    if "user_id" in changes:
        changes["user"] = user_reference("user_id", actor, changes.pop("user_id"))
    with renamed_fields(REFERENCE_FIELDS):
        allocation = services.allocation_update(
            actor=actor, allocation=allocation, data=changes, expected_version=expected_version)
    return allocation_out(allocation, actor=actor)


@router.delete("/allocations/{allocation_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_allocation(request: HttpRequest, query: Query[VersionQuery], allocation_id: int = ID) -> Status[None]:
    """Remove the allocation; with ``?version=`` a stale one answers 409."""
    actor = current_user(request)
    allocation = capacity.allocation_get(actor=actor, allocation_id=allocation_id)
    services.allocation_delete(actor=actor, allocation=allocation, expected_version=query.version)
    return Status(204, None)


@router.get("/capacity", response={200: CapacityOut, **error_responses(LIST_ERRORS)})
def get_capacity(request: HttpRequest, query: Query[CapacityQuery]) -> dict[str, Any]:
    """Per person (a page of them, by name) and ISO week from the week of ``start``:
    capacity, holidays, time off, available (= capacity − holidays − time off),
    allocated (prorated by working days) and ``over`` (allocated > available).
    Project managers, executives and admins see every active person; anyone else,
    themselves."""
    actor = current_user(request)
    start = capacity.week_start(query.start or timezone.localdate())
    people, meta = paginate(capacity.capacity_people(actor=actor, team_id=query.team), query)
    grid = capacity.capacity_grid(users=people, start=start, weeks=query.weeks)
    return {**meta, "start": start, "items": [capacity_person_out(row, actor=actor) for row in grid]}
