"""``/contacts``: people at client accounts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.clients import selectors, services
from tandem.clients.api.references import REFERENCE_FIELDS, account_reference
from tandem.clients.schemas import (
    ContactCreateIn,
    ContactListQuery,
    ContactOut,
    ContactPage,
    ContactUpdateIn,
    VersionQuery,
    contact_out,
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

router = Router(tags=["contacts"])


@router.get("/contacts", response={200: ContactPage, **error_responses(LIST_ERRORS)})
def list_contacts(request: HttpRequest, filters: Query[ContactListQuery]) -> dict[str, Any]:
    """Contacts at the accounts the caller may see; ``search`` matches the first or last
    name or the e-mail. Inactive contacts only with ``include_inactive=true``."""
    actor = current_user(request)
    queryset = selectors.contact_list(
        actor=actor,
        filters=selectors.ContactFilters(
            search=filters.search,
            account_id=filters.account_id,
            decision_makers_only=filters.decision_makers,
            include_inactive=filters.include_inactive,
            sort=filters.sort,
        ),
    )
    contacts, meta = paginate(queryset, filters)
    return {**meta, "items": [contact_out(contact) for contact in contacts]}


@router.get("/contacts/{contact_id}", response={200: ContactOut, **error_responses(DETAIL_ERRORS)})
def get_contact(request: HttpRequest, contact_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    actor = current_user(request)
    return contact_out(selectors.contact_get(actor=actor, contact_id=contact_id))


@router.post("/contacts", response={201: ContactOut, **error_responses(CREATE_ERRORS)})
def create_contact(request: HttpRequest, payload: ContactCreateIn) -> Status[dict[str, Any]]:
    """Add a contact to ``account_id``, an account the caller may change (one they may
    not see is a 422 on ``account_id``). ``is_primary`` takes the flag from the
    account's other contacts."""
    actor = current_user(request)
    account = account_reference(actor, payload.account_id)
    with renamed_fields(REFERENCE_FIELDS):
        contact = services.contact_create(
            actor=actor, account=account, data=payload.model_dump(exclude={"account_id"})
        )
    return Status(201, contact_out(contact))


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **error_responses(UPDATE_ERRORS)})
def update_contact(
    request: HttpRequest, payload: ContactUpdateIn, contact_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Change a contact, checked against the ``version`` you read (409). The account of
    a contact is not changed here."""
    actor = current_user(request)
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    changes = payload.model_dump(exclude_unset=True)
    expected_version = changes.pop("version")
    with renamed_fields(REFERENCE_FIELDS):
        contact = services.contact_update(
            actor=actor, contact=contact, data=changes, expected_version=expected_version
        )
    return contact_out(contact)


@router.delete("/contacts/{contact_id}", response={204: None, **error_responses(DELETE_ERRORS)})
def delete_contact(
    request: HttpRequest, query: Query[VersionQuery], contact_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    """Delete a contact; interactions keep their other participants. With
    ``?version=`` the delete is refused (409) if the contact changed since."""
    actor = current_user(request)
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    services.contact_delete(actor=actor, contact=contact, expected_version=query.version)
    return Status(204, None)
