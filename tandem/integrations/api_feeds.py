"""``/calendar-feeds``: the caller's calendar feed links (list, make, revoke). The
secret URL is in the answer to the POST only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Path, Query, Router, Status
from pydantic import BaseModel, ConfigDict, Field

from tandem.core.api import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    PageMeta,
    PageParams,
    current_user,
    error_responses,
    paginate,
    resolve_reference,
)
from tandem.core.permissions import get_visible, scoped
from tandem.delivery import selectors as delivery_selectors
from tandem.integrations.feeds import calendar_feed_create, calendar_feed_revoke
from tandem.integrations.models import CalendarFeed

router = Router(tags=["calendar feeds"])
ID = Path(..., ge=1, le=MAX_ID)


class CalendarFeedOut(BaseModel):
    id: int
    project_id: int | None
    token_hint: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class CalendarFeedCreatedOut(CalendarFeedOut):
    url: str = Field(description="The secret link; shown only now.")


class CalendarFeedPage(PageMeta):
    items: list[CalendarFeedOut]


class CalendarFeedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    project_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="Empty: your own feed.")


def feed_out(feed: CalendarFeed) -> dict[str, Any]:
    return {"id": feed.pk, "project_id": feed.project_id, "token_hint": feed.token_hint,
            "created_at": feed.created_at, "revoked_at": feed.revoked_at, "last_used_at": feed.last_used_at}


@router.get("/calendar-feeds", response={200: CalendarFeedPage, **error_responses(LIST_ERRORS)})
def list_feeds(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    rows, meta = paginate(scoped(current_user(request), CalendarFeed).order_by("-created_at", "-id"), params)
    return {**meta, "items": [feed_out(row) for row in rows]}


@router.post("/calendar-feeds", response={201: CalendarFeedCreatedOut, **error_responses(CREATE_ERRORS)})
def create_feed(request: HttpRequest, payload: CalendarFeedIn) -> Status[dict[str, Any]]:
    actor = current_user(request)
    project = None
    if payload.project_id is not None:
        project = resolve_reference(
            "project_id", lambda: delivery_selectors.project_get(actor=actor, project_id=payload.project_id))
    feed, token = calendar_feed_create(actor=actor, project=project)
    url = request.build_absolute_uri(reverse("calendar_feed", kwargs={"token": token}))
    return Status(201, {**feed_out(feed), "url": url})


@router.delete("/calendar-feeds/{calendar_feed_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def revoke_feed(request: HttpRequest, calendar_feed_id: int = ID) -> Status[None]:
    actor = current_user(request)
    feed = get_visible(actor, CalendarFeed, calendar_feed_id)
    calendar_feed_revoke(actor=actor, feed=feed)
    return Status(204, None)
