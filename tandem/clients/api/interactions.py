"""``/interactions`` (calls, e-mails, meetings, video calls, notes, QBRs) and
``/follow-ups`` (dated next steps)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.clients import selectors, services
from tandem.clients.api.references import (
    REFERENCE_FIELDS,
    account_reference,
    contact_references,
    inquiry_reference,
    user_references,
)
from tandem.clients.schemas import (
    FollowUpActionIn,
    FollowUpListQuery,
    FollowUpOut,
    FollowUpPage,
    InteractionCreateIn,
    InteractionListQuery,
    InteractionOut,
    InteractionPage,
    InteractionUpdateIn,
    VersionQuery,
    follow_up_out,
    interaction_out,
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

router = Router(tags=["interactions"])

# The interaction's own fields; the rest of a body names other objects.
INTERACTION_BODY_FIELDS = {
    "kind", "direction", "occurred_at", "duration_minutes", "subject", "summary", "next_steps", "meeting_link",
}


@router.get("/interactions", response={200: InteractionPage, **error_responses(LIST_ERRORS)})
def list_interactions(request: HttpRequest, filters: Query[InteractionListQuery]) -> dict[str, Any]:
    """Interactions at the accounts the caller may see, newest first; ``since`` is
    inclusive, ``until`` exclusive."""
    actor = current_user(request)
    queryset = selectors.interaction_list(
        actor=actor,
        filters=selectors.InteractionFilters(
            account_id=filters.account_id,
            kind=filters.kind or "",
            since=filters.since,
            until=filters.until,
            search=filters.search,
        ),
    ).prefetch_related("contacts", "users")
    interactions, meta = paginate(queryset, filters)
    return {**meta, "items": [interaction_out(row, actor=actor) for row in interactions]}


@router.get(
    "/interactions/{interaction_id}", response={200: InteractionOut, **error_responses(DETAIL_ERRORS)}
)
def get_interaction(
    request: HttpRequest, interaction_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    actor = current_user(request)
    return interaction_out(selectors.interaction_get(actor=actor, interaction_id=interaction_id), actor=actor)


@router.post("/interactions", response={201: InteractionOut, **error_responses(CREATE_ERRORS)})
def create_interaction(request: HttpRequest, payload: InteractionCreateIn) -> Status[dict[str, Any]]:
    """Log an interaction at ``account_id``. Contacts must belong to that account and
    ``inquiry_id`` must be one of its inquiries (else 422 on the field). It moves the
    account's last contact (except notes and internal entries); an outbound answer to
    an inquiry is its response; ``follow_up_due`` makes ``next_steps`` your follow-up."""
    actor = current_user(request)
    account = account_reference(actor, payload.account_id)
    contacts = contact_references(actor, payload.contact_ids)
    users = user_references(actor, payload.user_ids)
    inquiry = inquiry_reference(actor, payload.inquiry_id)
    data = payload.model_dump(include=INTERACTION_BODY_FIELDS)
    if data["occurred_at"] is None:
        del data["occurred_at"]
    with renamed_fields(REFERENCE_FIELDS):
        interaction = services.interaction_create(
            actor=actor, account=account, data=data, contacts=contacts, users=users, inquiry=inquiry,
            follow_up_due=payload.follow_up_due,
        )
    return Status(201, interaction_out(interaction, actor=actor))


@router.patch(
    "/interactions/{interaction_id}", response={200: InteractionOut, **error_responses(UPDATE_ERRORS)}
)
def update_interaction(
    request: HttpRequest, payload: InteractionUpdateIn, interaction_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Change an interaction, checked against the ``version`` you read (409);
    ``contact_ids`` and ``user_ids``, when sent, replace the participants."""
    actor = current_user(request)
    interaction = selectors.interaction_get(actor=actor, interaction_id=interaction_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    contact_ids = changes.pop("contact_ids", None)
    user_ids = changes.pop("user_ids", None)
    contacts = contact_references(actor, contact_ids) if contact_ids is not None else None
    users = user_references(actor, user_ids) if user_ids is not None else None
    with renamed_fields(REFERENCE_FIELDS):
        interaction = services.interaction_update(
            actor=actor, interaction=interaction, data=changes, expected_version=expected_version,
            contacts=contacts, users=users,
        )
    return interaction_out(interaction, actor=actor)


@router.delete(
    "/interactions/{interaction_id}", response={204: None, **error_responses(DELETE_ERRORS)}
)
def delete_interaction(
    request: HttpRequest, query: Query[VersionQuery], interaction_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    """Delete an interaction; the account's last contact is recomputed. With
    ``?version=`` the delete is refused (409) if it changed since."""
    actor = current_user(request)
    interaction = selectors.interaction_get(actor=actor, interaction_id=interaction_id)
    services.interaction_delete(actor=actor, interaction=interaction, expected_version=query.version)
    return Status(204, None)


# --- Follow-ups --------------------------------------------------------------------------


@router.get("/follow-ups", response={200: FollowUpPage, **error_responses(LIST_ERRORS)})
def list_follow_ups(request: HttpRequest, filters: Query[FollowUpListQuery]) -> dict[str, Any]:
    """Follow-ups by due date: by default your own that are not done yet."""
    actor = current_user(request)
    queryset = selectors.follow_up_list(actor=actor, filters=selectors.FollowUpFilters(
        owner_id=actor.pk if filters.mine else None, state="open" if filters.open else "any",
        account_id=filters.account_id,
    ))
    follow_ups, meta = paginate(queryset, filters)
    return {**meta, "items": [follow_up_out(row, actor=actor) for row in follow_ups]}


@router.post(
    "/follow-ups/{follow_up_id}/complete", response={200: FollowUpOut, **error_responses(UPDATE_ERRORS)}
)
def complete_follow_up(
    request: HttpRequest, payload: FollowUpActionIn, follow_up_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Mark a follow-up done (its owner, or whoever may change its account); a
    follow-up already done keeps its first completion time. With ``version`` it is
    refused (409) if the follow-up changed since."""
    actor = current_user(request)
    follow_up = selectors.follow_up_get(actor=actor, follow_up_id=follow_up_id)
    return follow_up_out(
        services.follow_up_complete(actor=actor, follow_up=follow_up, expected_version=payload.version), actor=actor
    )


@router.post(
    "/follow-ups/{follow_up_id}/reopen", response={200: FollowUpOut, **error_responses(UPDATE_ERRORS)}
)
def reopen_follow_up(
    request: HttpRequest, payload: FollowUpActionIn, follow_up_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Mark a done follow-up open again; with ``version`` it is refused (409) if the
    follow-up changed since."""
    actor = current_user(request)
    follow_up = selectors.follow_up_get(actor=actor, follow_up_id=follow_up_id)
    return follow_up_out(
        services.follow_up_reopen(actor=actor, follow_up=follow_up, expected_version=payload.version), actor=actor
    )
