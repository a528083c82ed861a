"""``/time-entries`` (list, create or set a cell), ``/time-entries/{id}`` (change,
delete), ``/time-entries/submit`` (a week), ``/time-entries/approve`` and ``/return``
(a project manager's bulk decisions). Thin: parse, fetch what the caller may see, call
one time service (:mod:`tandem.delivery.services.time`), render."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.core.api import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    UPDATE_ERRORS,
    current_user,
    error_responses,
    paginate,
    renamed_fields,
    resolve_reference,
)
from tandem.core.errors import PermissionDeniedError
from tandem.delivery.models import Project, Task, TimeEntry
from tandem.delivery.schemas import VersionQuery
from tandem.delivery.schemas.time import (
    DecisionIn,
    DecisionOut,
    ReturnIn,
    SubmittedOut,
    TimeEntryCreateIn,
    TimeEntryListQuery,
    TimeEntryOut,
    TimeEntryPage,
    TimeEntryUpdateIn,
    WeekIn,
    time_entry_out,
)
from tandem.delivery.selectors import time as time_selectors
from tandem.delivery.services import time as time_services

router = Router(tags=["time"])
ID = Path(..., ge=1, le=MAX_ID)
RENAMED = {"task": "task_id", "project": "project_id", "entries": "time_entry_ids"}


@router.get("/time-entries", response={200: TimeEntryPage, **error_responses(LIST_ERRORS)})
def list_time_entries(request: HttpRequest, filters: Query[TimeEntryListQuery]) -> dict[str, Any]:
    """My time by default; with ``project_id``, the project's time for whoever sees it
    (its manager, the account's people, executives, admins). Newest first."""
    actor = current_user(request)
    queryset = time_selectors.time_entry_list(actor=actor, filters=time_selectors.TimeEntryFilters(
        project_id=filters.project_id, user_id=filters.user_id, status=filters.status or "",
        date_from=filters.date_from, date_to=filters.date_to,
    ))
    entries, meta = paginate(queryset, filters)
    return {**meta, "items": [time_entry_out(entry, actor=actor) for entry in entries]}


def _task(actor: Any, project: Project, task_id: int | None) -> Task | None:
    if task_id is None:
        return None
    return resolve_reference("task_id", lambda: time_selectors.recordable_get(
        actor=actor, project_id=project.pk, task_id=task_id)[1])


@router.post("/time-entries", response={201: TimeEntryOut, **error_responses(CREATE_ERRORS)})
def create_time_entry(request: HttpRequest, payload: TimeEntryCreateIn) -> Status[dict[str, Any]]:
    """Set my hours for a project (and task) on a day: the cell's entry is created or
    changed (a day holds at most 24 hours; approved time is locked)."""
    actor = current_user(request)
    project = resolve_reference("project_id", lambda: time_selectors.recordable_get(
        actor=actor, project_id=payload.project_id)[0])
    task = _task(actor, project, payload.task_id)
    if payload.hours == 0:
        raise ValidationError({"hours": "Enter more than 0 hours (DELETE removes an entry)."})
    with renamed_fields(RENAMED):
        entry = time_services.time_entry_save(
            actor=actor, project=project, task=task, date=payload.date, hours=payload.hours,
            is_billable=payload.is_billable, note=payload.note,
        )
    assert entry is not None
    return Status(201, time_entry_out(time_selectors.time_entry_get(actor=actor, time_entry_id=entry.pk), actor=actor))


@router.post("/time-entries/submit", response={200: SubmittedOut, **error_responses(CREATE_ERRORS)})
def submit_week(request: HttpRequest, payload: WeekIn) -> dict[str, Any]:
    """Submit my draft and returned time of the week containing ``week``."""
    actor = current_user(request)
    return {"submitted": time_services.timesheet_submit(actor=actor, week=payload.week)}


def _decidable(actor: Any, ids: list[int]) -> list[TimeEntry]:
    if not time_selectors.may_approve(actor):
        raise PermissionDeniedError("Only project managers approve or return time.")
    entries = list(time_selectors.approvable_entries(actor=actor).filter(pk__in=ids))
    if len(entries) != len(set(ids)):
        raise ValidationError({"time_entry_ids": "Name submitted time of the projects you manage."})
    return entries


def _answer(actor: Any, entries: list[TimeEntry]) -> dict[str, Any]:
    fresh = time_selectors.time_entries_by_ids(actor=actor, ids=[entry.pk for entry in entries])
    return {"items": [time_entry_out(entry, actor=actor) for entry in fresh]}


@router.post("/time-entries/approve", response={200: DecisionOut, **error_responses(CREATE_ERRORS)})
def approve_time(request: HttpRequest, payload: DecisionIn) -> dict[str, Any]:
    """Approve submitted time of projects I manage (all or nothing): locked, costed and,
    when billable on a time-and-materials project, recorded as revenue."""
    actor = current_user(request)
    with renamed_fields(RENAMED):
        entries = time_services.time_entries_approve(actor=actor, entries=_decidable(actor, payload.time_entry_ids))
    return _answer(actor, entries)


@router.post("/time-entries/return", response={200: DecisionOut, **error_responses(CREATE_ERRORS)})
def return_time(request: HttpRequest, payload: ReturnIn) -> dict[str, Any]:
    """Return submitted time to the people who recorded it, with the reason."""
    actor = current_user(request)
    with renamed_fields(RENAMED):
        entries = time_services.time_entries_return(
            actor=actor, entries=_decidable(actor, payload.time_entry_ids), reason=payload.reason,
        )
    return _answer(actor, entries)


# After the actions above: /time-entries/{id} would otherwise catch /time-entries/submit.


@router.patch("/time-entries/{time_entry_id}", response={200: TimeEntryOut, **error_responses(UPDATE_ERRORS)})
def update_time_entry(request: HttpRequest, payload: TimeEntryUpdateIn, time_entry_id: int = ID) -> dict[str, Any]:
    """Change my entry while it is a draft or returned."""
    actor = current_user(request)
    entry = time_selectors.time_entry_get(actor=actor, time_entry_id=time_entry_id)
    time_services.time_entry_require_owner(actor, entry)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    if "task_id" in changes:
        changes["task"] = _task(actor, entry.project, changes.pop("task_id"))
    with renamed_fields(RENAMED):
        time_services.time_entry_update(actor=actor, entry=entry, data=changes, expected_version=expected_version)
    return time_entry_out(time_selectors.time_entry_get(actor=actor, time_entry_id=entry.pk), actor=actor)


@router.delete("/time-entries/{time_entry_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_time_entry(request: HttpRequest, query: Query[VersionQuery], time_entry_id: int = ID) -> Status[None]:
    actor = current_user(request)
    entry = time_selectors.time_entry_get(actor=actor, time_entry_id=time_entry_id)
    time_services.time_entry_delete(actor=actor, entry=entry, expected_version=query.version)
    return Status(204, None)
