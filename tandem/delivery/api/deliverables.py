"""``POST /deliverables/{id}/acceptance``: move a deliverable's acceptance state.

Thin, like :mod:`tandem.delivery.api.projects`: fetch the deliverable the caller may see
(404 otherwise), call :func:`tandem.delivery.services.deliverable_set_acceptance` (403
unless the caller manages the project, 409 on a stale ``version``, 422 naming the
field), answer the deliverable. The service publishes ``deliverable.status_changed``
when the state moved."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Router

from tandem.core.api import MAX_ID, UPDATE_ERRORS, current_user, error_responses
from tandem.delivery import selectors, services
from tandem.delivery.schemas.deliverables import (
    DeliverableAcceptanceIn,
    DeliverableOut,
    deliverable_out,
)

router = Router(tags=["deliverables"])
ID = Path(..., ge=1, le=MAX_ID)


@router.post("/deliverables/{deliverable_id}/acceptance",
             response={200: DeliverableOut, **error_responses(UPDATE_ERRORS)})
def set_deliverable_acceptance(
    request: HttpRequest, payload: DeliverableAcceptanceIn, deliverable_id: int = ID,
) -> dict[str, Any]:
    """Move the acceptance state (the project's manager); accepting records the day and,
    when given, who accepted it for the client."""
    actor = current_user(request)
    deliverable = selectors.deliverable_get(actor=actor, deliverable_id=deliverable_id)
    deliverable = services.deliverable_set_acceptance(
        actor=actor, deliverable=deliverable, state=payload.acceptance_state, accepted_by=payload.accepted_by.strip(),
        expected_version=payload.version,
    )
    return deliverable_out(deliverable)
