"""Request and response bodies of the comments API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from tandem.clients.schemas.bodies import VERSION_FIELD, StrictIn
from tandem.clients.schemas.values import ReferenceId, body_text
from tandem.core.api import PageMeta
from tandem.governance.models import Comment
from tandem.governance.services.comments import (
    BODY_LIMIT,
    comment_target,
    comment_url,
    target_kind,
    target_name,
)


class PersonRef(BaseModel):
    id: int
    name: str


class TargetRef(BaseModel):
    kind: str = Field(description="account, project, task, risk or meeting")
    id: int
    name: str


class CommentOut(BaseModel):
    id: int
    version: int
    target: TargetRef
    author: PersonRef | None
    body: str = Field(description="Plain text; picker mentions are written @[Full Name](user:<id>).")
    mentions: list[PersonRef]
    created_at: dt.datetime
    edited_at: dt.datetime | None
    url: str
    messages: list[str] = Field(default_factory=list, description="About people named but not notified.")


class CommentPage(PageMeta):
    items: list[CommentOut]


class CommentCreateIn(StrictIn):
    """A comment on exactly one record: send one of the five ids."""

    account_id: ReferenceId | None = None
    project_id: ReferenceId | None = None
    task_id: ReferenceId | None = None
    risk_id: ReferenceId | None = None
    meeting_id: ReferenceId | None = None
    body: str = body_text(BODY_LIMIT, required=True)


class CommentNestedIn(StrictIn):
    body: str = body_text(BODY_LIMIT, required=True)


class CommentUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    body: str = body_text(BODY_LIMIT, required=True)


class ActivityQuery(BaseModel):
    mentions: bool = Field(default=False, description="Only comments mentioning the person in the last 7 days.")


def _person(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": user.full_name or user.email}


def comment_out(comment: Comment, messages: list[str] | None = None) -> dict[str, Any]:
    target = comment_target(comment)
    return {
        "id": comment.pk,
        "version": comment.version,
        "target": {"kind": target_kind(target), "id": target.pk, "name": target_name(target)},
        "author": _person(comment.author),
        "body": comment.body,
        "mentions": [_person(user) for user in comment.mentions.all()],
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "url": comment_url(comment, target),
        "messages": messages or [],
    }
