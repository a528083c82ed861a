"""``/meetings``, ``/meeting-series`` and ``/action-items`` (issue 10, point 2).

Thin: parse, fetch what the caller may see (404 otherwise), call one service (403 on a
record seen but not changeable, 409 on a stale ``version``, 422 naming the field).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Path, Query, Router, Status
from pydantic import BaseModel, ConfigDict, Field

from tandem.clients.api.references import account_reference, user_reference
from tandem.clients.models import Contact
from tandem.core.api import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    UPDATE_ERRORS,
    PageMeta,
    PageParams,
    current_user,
    error_responses,
    paginate,
    resolve_reference,
)
from tandem.core.permissions import require_change, require_create, scoped
from tandem.delivery import selectors as delivery_selectors
from tandem.delivery.schemas import VersionQuery
from tandem.governance.models import ActionItem, Meeting, MeetingSeries
from tandem.governance.selectors import meetings as selectors
from tandem.governance.services import meetings as services

router = Router(tags=["meetings"])
ID = Path(..., ge=1, le=MAX_ID)
NESTED_CREATE_ERRORS = (*CREATE_ERRORS, 404)
Kind = Literal["status", "kickoff", "qbr", "retrospective", "steering", "other"]


class Reference(BaseModel):
    id: int
    name: str


class ActionItemOut(BaseModel):
    id: int
    meeting_id: int
    description: str
    owner: Reference | None
    due_date: dt.date | None
    status: str
    done_at: dt.datetime | None
    task_id: int | None
    follow_up_id: int | None
    version: int


class MeetingOut(BaseModel):
    id: int
    title: str
    kind: str
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    video_link: str
    project: Reference | None
    account: Reference | None
    series_id: int | None
    recurrence_id: dt.datetime | None
    interaction_id: int | None
    version: int


class MeetingDetailOut(MeetingOut):
    agenda: str
    notes: str
    organizer: Reference | None
    users: list[Reference]
    contacts: list[Reference]


class MeetingPage(PageMeta):
    items: list[MeetingOut]


class ActionItemPage(PageMeta):
    items: list[ActionItemOut]


class MeetingFilterQuery(PageParams):
    when: Literal["upcoming", "past", "all"] = "all"
    mine: bool = False
    project_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    account_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    kind: Kind | None = None


class MeetingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    kind: Kind = "status"
    starts_at: dt.datetime
    ends_at: dt.datetime
    project_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    account_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    location: str = Field(default="", max_length=200)
    video_link: str = Field(default="", max_length=500)
    agenda: str = ""
    user_ids: list[int] = []
    contact_ids: list[int] = []


class MeetingPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1, le=MAX_ID)
    title: str | None = Field(default=None, max_length=200)
    kind: Kind | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    location: str | None = Field(default=None, max_length=200)
    video_link: str | None = Field(default=None, max_length=500)
    agenda: str | None = None
    notes: str | None = None
    user_ids: list[int] | None = None
    contact_ids: list[int] | None = None


class HeldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int | None = Field(default=None, ge=1, le=MAX_ID)
    notes: str | None = None


class SeriesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)
    kind: Kind = "status"
    first_starts_at: dt.datetime
    duration_minutes: int = Field(default=30, ge=1, le=1440)
    time_zone: str = "UTC"
    recurrence: Literal["weekly", "biweekly", "monthly", "custom"] = "weekly"
    rrule: str = Field(default="", max_length=500)
    project_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    account_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    location: str = Field(default="", max_length=200)
    video_link: str = Field(default="", max_length=500)
    agenda: str = ""
    user_ids: list[int] = []
    contact_ids: list[int] = []


class SeriesPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1, le=MAX_ID)
    title: str | None = Field(default=None, max_length=200)
    kind: Kind | None = None
    rrule: str | None = Field(default=None, max_length=500)
    first_starts_at: dt.datetime | None = None
    duration_minutes: int | None = Field(default=None, ge=1, le=1440)
    time_zone: str | None = None
    location: str | None = Field(default=None, max_length=200)
    video_link: str | None = Field(default=None, max_length=500)
    agenda: str | None = None
    ends_on: dt.date | None = Field(default=None, description="Stop the series after this day.")


class SeriesOut(BaseModel):
    id: int
    title: str
    kind: str
    rrule: str
    first_starts_at: dt.datetime
    duration_minutes: int
    time_zone: str
    ends_on: dt.date | None
    project: Reference | None
    account: Reference | None
    occurrences: int
    version: int


class ActionItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = Field(min_length=1, max_length=300)
    owner_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    due_date: dt.date | None = None


class ActionItemPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1, le=MAX_ID)
    description: str | None = Field(default=None, max_length=300)
    owner_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    due_date: dt.date | None = None
    status: Literal["open", "done"] | None = None


def _ref(obj: Any, name: str | None = None) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": name if name is not None else str(obj)}


def _project_ref(project: Any) -> dict[str, Any] | None:
    return None if project is None else {"id": project.pk, "name": f"{project.code} {project.name}"}


def meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk, "title": meeting.title, "kind": meeting.kind, "status": meeting.status,
        "starts_at": meeting.starts_at, "ends_at": meeting.ends_at, "location": meeting.location,
        "video_link": meeting.video_link, "project": _project_ref(meeting.project),
        "account": _ref(meeting.account), "series_id": meeting.series_id, "recurrence_id": meeting.recurrence_id,
        "interaction_id": meeting.interaction_id, "version": meeting.version,
    }


def meeting_detail_out(meeting: Meeting) -> dict[str, Any]:
    return {
        **meeting_out(meeting), "agenda": meeting.agenda, "notes": meeting.notes,
        "organizer": _ref(meeting.organizer, getattr(meeting.organizer, "full_name", None)),
        "users": [_ref(user, user.full_name) for user in meeting.users.order_by("full_name", "pk")],
        "contacts": [_ref(contact) for contact in meeting.contacts.order_by("pk")],
    }


def action_item_out(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.pk, "meeting_id": item.meeting_id, "description": item.description,
        "owner": _ref(item.owner, getattr(item.owner, "full_name", None)), "due_date": item.due_date,
        "status": item.status, "done_at": item.done_at, "task_id": item.task_id, "follow_up_id": item.follow_up_id,
        "version": item.version,
    }


def series_out(series: MeetingSeries) -> dict[str, Any]:
    return {
        "id": series.pk, "title": series.title, "kind": series.kind, "rrule": series.rrule,
        "first_starts_at": series.first_starts_at, "duration_minutes": series.duration_minutes,
        "time_zone": series.time_zone, "ends_on": series.ends_on, "project": _project_ref(series.project),
        "account": _ref(series.account), "occurrences": series.meetings.count(), "version": series.version,
    }


def _subjects(actor: Any, project_id: int | None, account_id: int | None) -> tuple[Any, Any]:
    project = None
    if project_id is not None:
        project = resolve_reference(
            "project_id", lambda: delivery_selectors.project_get(actor=actor, project_id=project_id))
    account = account_reference(actor, account_id) if account_id is not None else None
    return project, account


def _users(actor: Any, ids: list[int] | None) -> list[Any] | None:
    if ids is None:
        return None
    return [user_reference("user_ids", actor, pk) for pk in dict.fromkeys(ids)]


def _contacts(actor: Any, ids: list[int] | None) -> list[Contact] | None:
    if ids is None:
        return None
    found = {contact.pk: contact for contact in scoped(actor, Contact).filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"contact_ids": f"No contact with id {missing[0]}."})
    return [found[pk] for pk in dict.fromkeys(ids)]


@router.get("/meetings", response={200: MeetingPage, **error_responses(LIST_ERRORS)})
def list_meetings(request: HttpRequest, query: Query[MeetingFilterQuery]) -> dict[str, Any]:
    """Meetings the caller may see; ``when`` upcoming / past / all, ``mine`` (organised
    or attended), ``project_id``, ``account_id``, ``kind``."""
    actor = current_user(request)
    filters = selectors.MeetingFilters(when=query.when, mine=query.mine, project_id=query.project_id,
                                       account_id=query.account_id, kind=query.kind or "")
    rows, meta = paginate(selectors.meeting_list(actor=actor, filters=filters), query)
    return {**meta, "items": [meeting_out(row) for row in rows]}


@router.post("/meetings", response={201: MeetingDetailOut, **error_responses(CREATE_ERRORS)})
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Status[dict[str, Any]]:
    actor = current_user(request)
    require_create(actor, Meeting)
    project, account = _subjects(actor, payload.project_id, payload.account_id)
    meeting = services.meeting_create(
        actor=actor, project=project, account=account, users=_users(actor, payload.user_ids) or [],
        contacts=_contacts(actor, payload.contact_ids) or [],
        data=payload.model_dump(include={"title", "kind", "starts_at", "ends_at", "location", "video_link", "agenda"}))
    return Status(201, meeting_detail_out(meeting))


@router.get("/meetings/{meeting_id}", response={200: MeetingDetailOut, **error_responses(DETAIL_ERRORS)})
def get_meeting(request: HttpRequest, meeting_id: int = ID) -> dict[str, Any]:
    return meeting_detail_out(selectors.meeting_get(actor=current_user(request), meeting_id=meeting_id))


@router.patch("/meetings/{meeting_id}", response={200: MeetingDetailOut, **error_responses(UPDATE_ERRORS)})
def update_meeting(request: HttpRequest, payload: MeetingPatch, meeting_id: int = ID) -> dict[str, Any]:
    """Edit this meeting (for an occurrence of a series: this occurrence only); DELETE
    cancels it."""
    actor = current_user(request)
    meeting = selectors.meeting_get(actor=actor, meeting_id=meeting_id)
    require_change(actor, meeting)
    data = payload.model_dump(exclude_unset=True, exclude={"version", "user_ids", "contact_ids"})
    users, contacts = _users(actor, payload.user_ids), _contacts(actor, payload.contact_ids)
    meeting = services.meeting_update(actor=actor, meeting=meeting, data=data, expected_version=payload.version,
                                      users=users, contacts=contacts)
    return meeting_detail_out(meeting)


@router.delete("/meetings/{meeting_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_meeting(request: HttpRequest, query: Query[VersionQuery], meeting_id: int = ID) -> Status[None]:
    """Cancel the meeting (kept, so a series' feed shows the gap)."""
    actor = current_user(request)
    meeting = selectors.meeting_get(actor=actor, meeting_id=meeting_id)
    services.meeting_cancel(actor=actor, meeting=meeting, expected_version=query.version)
    return Status(204, None)


@router.post("/meetings/{meeting_id}/held", response={200: MeetingDetailOut, **error_responses(UPDATE_ERRORS)})
def mark_held(request: HttpRequest, payload: HeldIn, meeting_id: int = ID) -> dict[str, Any]:
    """Mark it held (with notes); client contacts attending make one account interaction."""
    actor = current_user(request)
    meeting = selectors.meeting_get(actor=actor, meeting_id=meeting_id)
    meeting = services.meeting_mark_held(actor=actor, meeting=meeting, notes=payload.notes,
                                         expected_version=payload.version)
    return meeting_detail_out(meeting)


@router.post("/meeting-series", response={201: SeriesOut, **error_responses(CREATE_ERRORS)})
def create_series(request: HttpRequest, payload: SeriesIn) -> Status[dict[str, Any]]:
    actor = current_user(request)
    require_create(actor, MeetingSeries)
    project, account = _subjects(actor, payload.project_id, payload.account_id)
    data = payload.model_dump(include={"title", "kind", "first_starts_at", "duration_minutes", "time_zone",
                                       "recurrence", "location", "video_link", "agenda"})
    if payload.recurrence == "custom":
        data["custom_rrule"] = payload.rrule
    series = services.meeting_series_create(
        actor=actor, project=project, account=account, data=data, users=_users(actor, payload.user_ids) or [],
        contacts=_contacts(actor, payload.contact_ids) or [])
    return Status(201, series_out(series))


@router.patch("/meeting-series/{meeting_series_id}", response={200: SeriesOut, **error_responses(UPDATE_ERRORS)})
def update_series(request: HttpRequest, payload: SeriesPatch, meeting_series_id: int = ID) -> dict[str, Any]:
    """Edit the whole series (future occurrences made again, past ones kept); ``ends_on``
    stops it."""
    actor = current_user(request)
    series = selectors.meeting_series_get(actor=actor, meeting_series_id=meeting_series_id)
    require_change(actor, series)
    data = payload.model_dump(exclude_unset=True, exclude={"version", "ends_on"})
    version = payload.version
    if data:
        series = services.meeting_series_update(actor=actor, series=series, data=data, expected_version=version)
        version = series.version
    if payload.ends_on is not None:
        series = services.meeting_series_stop(actor=actor, series=series, ends_on=payload.ends_on,
                                              expected_version=version)
    return series_out(series)


@router.get("/meetings/{meeting_id}/action-items", response={200: ActionItemPage, **error_responses(DETAIL_ERRORS)})
def list_action_items(request: HttpRequest, params: Query[PageParams], meeting_id: int = ID) -> dict[str, Any]:
    meeting = selectors.meeting_get(actor=current_user(request), meeting_id=meeting_id)
    rows, meta = paginate(selectors.meeting_action_items(meeting), params)
    return {**meta, "items": [action_item_out(row) for row in rows]}


@router.post("/meetings/{meeting_id}/action-items",
             response={201: ActionItemOut, **error_responses(NESTED_CREATE_ERRORS)})
def create_action_item(request: HttpRequest, payload: ActionItemIn, meeting_id: int = ID) -> Status[dict[str, Any]]:
    actor = current_user(request)
    meeting = selectors.meeting_get(actor=actor, meeting_id=meeting_id)
    require_change(actor, meeting)
    item = services.action_item_create(
        actor=actor, meeting=meeting, description=payload.description,
        owner=user_reference("owner_id", actor, payload.owner_id), due_date=payload.due_date)
    return Status(201, action_item_out(item))


@router.patch("/action-items/{action_item_id}", response={200: ActionItemOut, **error_responses(UPDATE_ERRORS)})
def update_action_item(request: HttpRequest, payload: ActionItemPatch, action_item_id: int = ID) -> dict[str, Any]:
    """Edit; ``status: done`` completes it, ``open`` reopens it."""
    actor = current_user(request)
    item = selectors.action_item_get(actor=actor, action_item_id=action_item_id)
    require_change(actor, item)
    data = payload.model_dump(exclude_unset=True, exclude={"version", "status", "owner_id"})
    if "owner_id" in payload.model_fields_set:
        data["owner"] = user_reference("owner_id", actor, payload.owner_id)
    version: int | None = payload.version
    if data:
        item = services.action_item_update(actor=actor, action_item=item, data=data, expected_version=version)
        version = None
    if payload.status == "done":
        item = services.action_item_complete(actor=actor, action_item=item, expected_version=version)
    elif payload.status == "open":
        item = services.action_item_reopen(actor=actor, action_item=item, expected_version=version)
    return action_item_out(item)


@router.post("/action-items/{action_item_id}/task", response={200: ActionItemOut, **error_responses(UPDATE_ERRORS)})
def action_item_task(request: HttpRequest, action_item_id: int = ID) -> dict[str, Any]:
    """Make it a task of the meeting's project, assigned to its owner (once)."""
    actor = current_user(request)
    item = selectors.action_item_get(actor=actor, action_item_id=action_item_id)
    return action_item_out(services.action_item_to_task(actor=actor, action_item=item))


@router.post("/action-items/{action_item_id}/follow-up",
             response={200: ActionItemOut, **error_responses(UPDATE_ERRORS)})
def action_item_follow_up(request: HttpRequest, action_item_id: int = ID) -> dict[str, Any]:
    """Make it a follow-up of the meeting's account for its owner (once)."""
    actor = current_user(request)
    item = selectors.action_item_get(actor=actor, action_item_id=action_item_id)
    return action_item_out(services.action_item_to_follow_up(actor=actor, action_item=item))
