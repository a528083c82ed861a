"""``/quotes``: quotes made from an opportunity's lines, their revisions, and the client's
answer (``send``, ``accept`` — which wins the opportunity —, ``decline``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from tandem.commercial import services
from tandem.commercial.schemas.quotes import (
    QuoteAcceptIn,
    QuoteActionIn,
    QuoteCreateIn,
    QuoteListQuery,
    QuoteOut,
    QuotePage,
    QuoteReviseIn,
    quote_out,
)
from tandem.commercial.selectors import quotes as selectors
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
    resolve_reference,
)

router = Router(tags=["quotes"])
REFERENCE_FIELDS = {"opportunity": "opportunity_id"}


@router.get("/quotes", response={200: QuotePage, **error_responses(LIST_ERRORS)})
def list_quotes(request: HttpRequest, filters: Query[QuoteListQuery]) -> dict[str, Any]:
    """Quotes of the opportunities the caller may see, newest issue first (every
    revision; ``status=superseded`` finds the replaced ones)."""
    actor = current_user(request)
    queryset = selectors.quote_list(actor=actor, filters=selectors.QuoteFilters(
        status=filters.status or "", account_id=filters.account_id, opportunity_id=filters.opportunity_id,
        search=filters.search, sort=filters.sort,
    ))
    quotes, meta = paginate(queryset, filters)
    return {**meta, "items": [quote_out(quote, actor=actor) for quote in quotes]}


@router.get("/quotes/{quote_id}", response={200: QuoteOut, **error_responses(DETAIL_ERRORS)})
def get_quote(request: HttpRequest, quote_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    actor = current_user(request)
    return quote_out(selectors.quote_get(actor=actor, quote_id=quote_id), actor=actor, with_lines=True)


@router.post("/quotes", response={201: QuoteOut, **error_responses(CREATE_ERRORS)})
def create_quote(request: HttpRequest, payload: QuoteCreateIn) -> Status[dict[str, Any]]:
    """A draft quote from the opportunity's current lines, numbered ``Q-<year>-NNNN``.
    The opportunity must be open and have lines (422 on ``opportunity_id`` otherwise)."""
    actor = current_user(request)
    opportunity = resolve_reference(
        "opportunity_id", lambda: selectors.quote_opportunity_get(actor=actor, opportunity_id=payload.opportunity_id)
    )
    with renamed_fields(REFERENCE_FIELDS):
        quote = services.quote_create(
            actor=actor, opportunity=opportunity, valid_until=payload.valid_until, terms=payload.terms, notes=payload.notes
        )
    return Status(201, quote_out(selectors.quote_get(actor=actor, quote_id=quote.pk), actor=actor, with_lines=True))


@router.post("/quotes/{quote_id}/revise", response={201: QuoteOut, **error_responses(UPDATE_ERRORS)})
def revise_quote(
    request: HttpRequest, payload: QuoteReviseIn, quote_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[dict[str, Any]]:
    """The next revision (same number, ``revision + 1``) from the opportunity's current
    lines; the revised quote becomes superseded."""
    actor = current_user(request)
    quote = selectors.quote_get(actor=actor, quote_id=quote_id)
    changes = payload.model_dump(exclude_unset=True)
    with renamed_fields(REFERENCE_FIELDS):
        revision = services.quote_revise(
            actor=actor, quote=quote, expected_version=changes.pop("version"), valid_until=changes.get("valid_until"),
            terms=changes.get("terms"), notes=changes.get("notes"),
        )
    return Status(201, quote_out(selectors.quote_get(actor=actor, quote_id=revision.pk), actor=actor, with_lines=True))


@router.post("/quotes/{quote_id}/send", response={200: QuoteOut, **error_responses(UPDATE_ERRORS)})
def send_quote(request: HttpRequest, payload: QuoteActionIn, quote_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """A draft becomes sent."""
    actor = current_user(request)
    quote = selectors.quote_get(actor=actor, quote_id=quote_id)
    with renamed_fields(REFERENCE_FIELDS):
        services.quote_send(actor=actor, quote=quote, expected_version=payload.version)
    return quote_out(selectors.quote_get(actor=actor, quote_id=quote_id), actor=actor, with_lines=True)


@router.post("/quotes/{quote_id}/accept", response={200: QuoteOut, **error_responses(UPDATE_ERRORS)})
def accept_quote(request: HttpRequest, payload: QuoteAcceptIn, quote_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """The client accepted (the latest revision, draft or sent, not expired): the
    opportunity is won and its other open quotes superseded."""
    actor = current_user(request)
    quote = selectors.quote_get(actor=actor, quote_id=quote_id)
    with renamed_fields(REFERENCE_FIELDS):
        services.quote_accept(
            actor=actor, quote=quote, accepted_by_name=payload.accepted_by_name, expected_version=payload.version
        )
    return quote_out(selectors.quote_get(actor=actor, quote_id=quote_id), actor=actor, with_lines=True)


@router.post("/quotes/{quote_id}/decline", response={200: QuoteOut, **error_responses(UPDATE_ERRORS)})
def decline_quote(request: HttpRequest, payload: QuoteActionIn, quote_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """The client declined; the quote may then be revised."""
    actor = current_user(request)
    quote = selectors.quote_get(actor=actor, quote_id=quote_id)
    with renamed_fields(REFERENCE_FIELDS):
        services.quote_decline(actor=actor, quote=quote, expected_version=payload.version)
    return quote_out(selectors.quote_get(actor=actor, quote_id=quote_id), actor=actor, with_lines=True)
