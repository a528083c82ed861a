"""``/feedback``: what clients said, kept per account."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.clients import selectors, services
from tandem.clients.api.references import REFERENCE_FIELDS, account_reference, contact_reference
from tandem.clients.schemas import (
    FeedbackCreateIn,
    FeedbackListQuery,
    FeedbackOut,
    FeedbackPage,
    FeedbackUpdateIn,
    VersionQuery,
    feedback_out,
)
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
)

router = Router(tags=["feedback"])


@router.get("/feedback", response={200: FeedbackPage, **error_responses(LIST_ERRORS)})
def list_feedback(request: HttpRequest, filters: Query[FeedbackListQuery]) -> dict[str, Any]:
    """Feedback at the accounts the caller may see, newest first."""
    actor = current_user(request)
    queryset = selectors.feedback_list(
        actor=actor, account_id=filters.account_id, sentiment=filters.sentiment or ""
    ).select_related("recorded_by")
    rows, meta = paginate(queryset, filters)
    return {**meta, "items": [feedback_out(row, actor=actor) for row in rows]}


@router.get("/feedback/{feedback_id}", response={200: FeedbackOut, **error_responses(DETAIL_ERRORS)})
def get_feedback(request: HttpRequest, feedback_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    actor = current_user(request)
    return feedback_out(selectors.feedback_get(actor=actor, feedback_id=feedback_id), actor=actor)


@router.post("/feedback", response={201: FeedbackOut, **error_responses(CREATE_ERRORS)})
def create_feedback(request: HttpRequest, payload: FeedbackCreateIn) -> Status[dict[str, Any]]:
    """Record feedback at ``account_id``; ``contact_id`` must be a contact of that account."""
    actor = current_user(request)
    account = account_reference(actor, payload.account_id)
    contact = contact_reference(actor, payload.contact_id)
    data = payload.model_dump(include={"channel", "sentiment", "text", "received_at"})
    if data["received_at"] is None:
        del data["received_at"]
    with renamed_fields(REFERENCE_FIELDS):
        feedback = services.feedback_create(actor=actor, account=account, data=data, contact=contact)
    return Status(201, feedback_out(feedback, actor=actor))


@router.patch("/feedback/{feedback_id}", response={200: FeedbackOut, **error_responses(UPDATE_ERRORS)})
def update_feedback(
    request: HttpRequest, payload: FeedbackUpdateIn, feedback_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Change feedback, checked against the ``version`` you read (409)."""
    actor = current_user(request)
    feedback = selectors.feedback_get(actor=actor, feedback_id=feedback_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    if "contact_id" in changes:
        changes["contact"] = contact_reference(actor, changes.pop("contact_id"))
    with renamed_fields(REFERENCE_FIELDS):
        feedback = services.feedback_update(
            actor=actor, feedback=feedback, data=changes, expected_version=expected_version
        )
    return feedback_out(feedback, actor=actor)


@router.delete("/feedback/{feedback_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_feedback(
    request: HttpRequest, query: Query[VersionQuery], feedback_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    """Delete feedback; with ``?version=`` the delete is refused (409) if it changed since."""
    actor = current_user(request)
    feedback = selectors.feedback_get(actor=actor, feedback_id=feedback_id)
    services.feedback_delete(actor=actor, feedback=feedback, expected_version=query.version)
    return Status(204, None)
