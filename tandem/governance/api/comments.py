"""Comments: ``/accounts|projects|tasks|risks|meetings/{id}/comments`` (GET, the
record's thread, oldest first), ``POST /comments`` (a comment on the record named in the
body), ``PATCH`` / ``DELETE /comments/{id}`` (its author; admins delete too) and
``GET /people/{user_id}/activity`` (what a person wrote or was mentioned in, on records
the caller sees). Posting names the record in the body, not the path: commenting is
open to whoever sees a record, which is not a change of the record itself.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

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
from tandem.core.permissions import get_visible, require_create
from tandem.delivery.schemas import VersionQuery
from tandem.governance.models import Comment
from tandem.governance.schemas.comments import (
    ActivityQuery,
    CommentCreateIn,
    CommentOut,
    CommentPage,
    CommentUpdateIn,
    comment_out,
)
from tandem.governance.selectors.comments import comments_on, person_comments
from tandem.governance.services.comments import (
    comment_delete,
    comment_edit,
    comment_post,
    target_get,
)
from tandem.people.models import User

router = Router(tags=["comments"])
ID = Path(..., ge=1, le=MAX_ID)
KINDS = ("account", "project", "task", "risk", "meeting")


def _with_targets(queryset: models.QuerySet[Comment]) -> models.QuerySet[Comment]:
    return queryset.select_related("author", "account", "project", "task", "risk", "meeting")


def _thread(request: HttpRequest, kind: str, target_id: int, params: PageParams) -> dict[str, Any]:
    actor = current_user(request)
    target = target_get(actor=actor, kind=kind, target_id=target_id)
    comments, meta = paginate(_with_targets(comments_on(actor, target)).order_by("created_at", "id"), params)
    return {**meta, "items": [comment_out(comment) for comment in comments]}


@router.get("/accounts/{account_id}/comments", response={200: CommentPage, **error_responses(DETAIL_ERRORS)})
def account_comments(request: HttpRequest, params: Query[PageParams], account_id: int = ID) -> dict[str, Any]:
    """The account's comments, oldest first."""
    return _thread(request, "account", account_id, params)


@router.get("/projects/{project_id}/comments", response={200: CommentPage, **error_responses(DETAIL_ERRORS)})
def project_comments(request: HttpRequest, params: Query[PageParams], project_id: int = ID) -> dict[str, Any]:
    """The project's comments, oldest first."""
    return _thread(request, "project", project_id, params)


@router.get("/tasks/{task_id}/comments", response={200: CommentPage, **error_responses(DETAIL_ERRORS)})
def task_comments(request: HttpRequest, params: Query[PageParams], task_id: int = ID) -> dict[str, Any]:
    """The task's comments, oldest first."""
    return _thread(request, "task", task_id, params)


@router.get("/risks/{risk_id}/comments", response={200: CommentPage, **error_responses(DETAIL_ERRORS)})
def risk_comments(request: HttpRequest, params: Query[PageParams], risk_id: int = ID) -> dict[str, Any]:
    """The risk's comments, oldest first."""
    return _thread(request, "risk", risk_id, params)


@router.get("/meetings/{meeting_id}/comments", response={200: CommentPage, **error_responses(DETAIL_ERRORS)})
def meeting_comments(request: HttpRequest, params: Query[PageParams], meeting_id: int = ID) -> dict[str, Any]:
    """The meeting's comments, oldest first."""
    return _thread(request, "meeting", meeting_id, params)


@router.post("/comments", response={201: CommentOut, **error_responses((*CREATE_ERRORS, 404))})
def create_comment(request: HttpRequest, payload: CommentCreateIn) -> Status[dict[str, Any]]:
    """Post a comment on the one record named (``account_id``, ``project_id``,
    ``task_id``, ``risk_id`` or ``meeting_id``). People named who may not see the record
    are not mentioned; ``messages`` says so."""
    actor = current_user(request)
    require_create(actor, Comment)  # executives read: 403 before any reference is read
    named = [(kind, getattr(payload, f"{kind}_id")) for kind in KINDS if getattr(payload, f"{kind}_id") is not None]
    if len(named) != 1:
        raise ValidationError({"target": "Name exactly one record: account_id, project_id, task_id, risk_id or meeting_id."})
    kind, target_id = named[0]
    target = target_get(actor=actor, kind=kind, target_id=target_id)
    result = comment_post(actor=actor, target=target, body=payload.body)
    comment = _with_targets(Comment.objects.prefetch_related("mentions")).get(pk=result.comment.pk)
    return Status(201, comment_out(comment, result.messages))


def _comment(actor: Any, comment_id: int) -> Comment:
    return get_visible(actor, _with_targets(Comment.objects.prefetch_related("mentions")), comment_id)


@router.get("/comments/{comment_id}", response={200: CommentOut, **error_responses(DETAIL_ERRORS)})
def get_comment(request: HttpRequest, comment_id: int = ID) -> dict[str, Any]:
    return comment_out(_comment(current_user(request), comment_id))


@router.patch("/comments/{comment_id}", response={200: CommentOut, **error_responses(UPDATE_ERRORS)})
def update_comment(request: HttpRequest, payload: CommentUpdateIn, comment_id: int = ID) -> dict[str, Any]:
    """Rewrite the comment (its author); only people newly mentioned are notified."""
    actor = current_user(request)
    comment = _comment(actor, comment_id)
    result = comment_edit(actor=actor, comment=comment, body=payload.body, expected_version=payload.version)
    return comment_out(_comment(actor, result.comment.pk), result.messages)


@router.delete("/comments/{comment_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_comment(request: HttpRequest, query: Query[VersionQuery], comment_id: int = ID) -> Status[None]:
    actor = current_user(request)
    comment_delete(actor=actor, comment=_comment(actor, comment_id), expected_version=query.version)
    return Status(204, None)


@router.get("/people/{user_id}/activity", response={200: CommentPage, **error_responses(DETAIL_ERRORS)})
def person_activity(request: HttpRequest, params: Query[PageParams], filters: Query[ActivityQuery],
                    user_id: int = ID) -> dict[str, Any]:
    """Comments the person wrote or is mentioned in (``mentions=true``: mentioned in the
    last 7 days), on records the caller sees, newest first."""
    actor = current_user(request)
    person = get_visible(actor, User, user_id)
    queryset = person_comments(viewer=actor, person=person, mentions_only=filters.mentions)
    comments, meta = paginate(_with_targets(queryset.prefetch_related("mentions")).order_by("-created_at", "-id"), params)
    return {**meta, "items": [comment_out(comment) for comment in comments]}
