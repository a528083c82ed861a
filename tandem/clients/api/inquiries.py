"""``/inquiries``: client requests, queued by SLA due time, with the respond / assign /
resolve / reopen actions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.clients import selectors, services
from tandem.clients.api.references import (
    REFERENCE_FIELDS,
    account_reference,
    contact_reference,
    contact_references,
    user_reference,
)
from tandem.clients.schemas import (
    InquiryAssignIn,
    InquiryCreateIn,
    InquiryListQuery,
    InquiryOut,
    InquiryPage,
    InquiryReopenIn,
    InquiryResolveIn,
    InquiryRespondIn,
    InquiryUpdateIn,
    inquiry_out,
)
from tandem.core.api import (
    CREATE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    MAX_ID,
    UPDATE_ERRORS,
    current_user,
    error_responses,
    paginate,
    renamed_fields,
)

router = Router(tags=["inquiries"])

# The respond action logs an interaction: its errors name the respond body's fields.
RESPOND_FIELDS = {**REFERENCE_FIELDS, "occurred_at": "occurred_at"}
SUBJECT_LENGTH = 200


def _inquiry_id() -> Any:
    return Path(..., ge=1, le=MAX_ID)


@router.get("/inquiries", response={200: InquiryPage, **error_responses(LIST_ERRORS)})
def list_inquiries(request: HttpRequest, filters: Query[InquiryListQuery]) -> dict[str, Any]:
    """The inquiry queue: inquiries at the accounts the caller may see and those
    assigned to them, the soonest SLA due time first."""
    actor = current_user(request)
    queryset = selectors.inquiry_queue(
        actor=actor,
        filters=selectors.InquiryFilters(
            account_id=filters.account_id,
            assignee_id=filters.assignee_id,
            status=filters.status or "",
            open_only=filters.open,
            priority=filters.priority or "",
        ),
    )
    inquiries, meta = paginate(queryset, filters)
    return {**meta, "items": [inquiry_out(row, actor=actor) for row in inquiries]}


@router.get("/inquiries/{inquiry_id}", response={200: InquiryOut, **error_responses(DETAIL_ERRORS)})
def get_inquiry(request: HttpRequest, inquiry_id: int = _inquiry_id()) -> dict[str, Any]:
    actor = current_user(request)
    return inquiry_out(selectors.inquiry_get(actor=actor, inquiry_id=inquiry_id), actor=actor)


@router.post("/inquiries", response={201: InquiryOut, **error_responses(CREATE_ERRORS)})
def create_inquiry(request: HttpRequest, payload: InquiryCreateIn) -> Status[dict[str, Any]]:
    """Record a client request at ``account_id``. Its SLA target (business hours, by
    the account's tier and the priority) and due time are fixed now."""
    actor = current_user(request)
    account = account_reference(actor, payload.account_id)
    contact = contact_reference(actor, payload.contact_id)
    assignee = user_reference("assignee_id", actor, payload.assignee_id)
    with renamed_fields(REFERENCE_FIELDS):
        inquiry = services.inquiry_create(
            actor=actor, account=account, subject=payload.subject, body=payload.body,
            channel=payload.channel, priority=payload.priority, contact=contact, assignee=assignee,
            received_at=payload.received_at,
        )
    return Status(201, inquiry_out(inquiry, actor=actor))


@router.patch("/inquiries/{inquiry_id}", response={200: InquiryOut, **error_responses(UPDATE_ERRORS)})
def update_inquiry(
    request: HttpRequest, payload: InquiryUpdateIn, inquiry_id: int = _inquiry_id()
) -> dict[str, Any]:
    """Change the request, checked against the ``version`` you read (409). A new
    priority before the first response re-dates the SLA."""
    actor = current_user(request)
    inquiry = selectors.inquiry_get(actor=actor, inquiry_id=inquiry_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    inquiry = services.inquiry_update(
        actor=actor, inquiry=inquiry, data=changes, expected_version=expected_version
    )
    return inquiry_out(inquiry, actor=actor)


@router.post(
    "/inquiries/{inquiry_id}/respond", response={200: InquiryOut, **error_responses(UPDATE_ERRORS)}
)
def respond_to_inquiry(
    request: HttpRequest, payload: InquiryRespondIn, inquiry_id: int = _inquiry_id()
) -> dict[str, Any]:
    """Log the answer as an outbound interaction on the inquiry's account. Whoever may
    change the account may, and so may the inquiry's assignee even without access to
    the account (the response is the one interaction they may create there). The first
    answer sets ``first_response_at`` and the response times; a later one changes only
    the account's history."""
    actor = current_user(request)
    inquiry = selectors.inquiry_get(actor=actor, inquiry_id=inquiry_id)
    contacts = contact_references(actor, payload.contact_ids)
    subject = payload.subject.strip() or f"Re: {inquiry.subject}"[:SUBJECT_LENGTH]
    data: dict[str, Any] = {"kind": payload.kind, "subject": subject, "summary": payload.summary}
    if payload.occurred_at is not None:
        data["occurred_at"] = payload.occurred_at
    with renamed_fields(RESPOND_FIELDS):
        services.inquiry_respond(actor=actor, inquiry=inquiry, data=data, contacts=contacts)
    return inquiry_out(inquiry, actor=actor)


@router.post(
    "/inquiries/{inquiry_id}/assign", response={200: InquiryOut, **error_responses(UPDATE_ERRORS)}
)
def assign_inquiry(
    request: HttpRequest, payload: InquiryAssignIn, inquiry_id: int = _inquiry_id()
) -> dict[str, Any]:
    """Give the inquiry to an active user (``null``: nobody)."""
    actor = current_user(request)
    inquiry = selectors.inquiry_get(actor=actor, inquiry_id=inquiry_id)
    assignee = user_reference("assignee_id", actor, payload.assignee_id)
    with renamed_fields(REFERENCE_FIELDS):
        inquiry = services.inquiry_assign(
            actor=actor, inquiry=inquiry, assignee=assignee, expected_version=payload.version
        )
    return inquiry_out(inquiry, actor=actor)


@router.post(
    "/inquiries/{inquiry_id}/resolve", response={200: InquiryOut, **error_responses(UPDATE_ERRORS)}
)
def resolve_inquiry(
    request: HttpRequest, payload: InquiryResolveIn, inquiry_id: int = _inquiry_id()
) -> dict[str, Any]:
    """Close the inquiry with how it was resolved."""
    actor = current_user(request)
    inquiry = selectors.inquiry_get(actor=actor, inquiry_id=inquiry_id)
    inquiry = services.inquiry_resolve(
        actor=actor, inquiry=inquiry, resolution=payload.resolution, at=payload.at,
        expected_version=payload.version,
    )
    return inquiry_out(inquiry, actor=actor)


@router.post(
    "/inquiries/{inquiry_id}/reopen", response={200: InquiryOut, **error_responses(UPDATE_ERRORS)}
)
def reopen_inquiry(
    request: HttpRequest, payload: InquiryReopenIn, inquiry_id: int = _inquiry_id()
) -> dict[str, Any]:
    """Open a resolved inquiry again (``responded`` if it had an answer, else ``open``);
    with ``version`` it is refused (409) if the inquiry changed since."""
    actor = current_user(request)
    inquiry = selectors.inquiry_get(actor=actor, inquiry_id=inquiry_id)
    return inquiry_out(services.inquiry_reopen(actor=actor, inquiry=inquiry, expected_version=payload.version), actor=actor)
