"""Shapes of the deliverables API: a deliverable with its acceptance, and the body that
moves its acceptance state."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import BaseModel, Field

from tandem.clients.schemas.bodies import VERSION_FIELD, StrictIn
from tandem.clients.schemas.values import body_text
from tandem.delivery.models import AcceptanceState, Deliverable

AcceptanceStateName = Literal["pending", "submitted", "accepted", "rejected"]
assert set(get_args(AcceptanceStateName)) == set(AcceptanceState.values)


class DeliverableAcceptanceIn(StrictIn):
    """Move the acceptance state: ``pending`` (not yet delivered), ``submitted``
    (waiting for acceptance), ``accepted`` or ``rejected``. Accepting records the day."""

    acceptance_state: AcceptanceStateName
    accepted_by: str = body_text(200, description="Who accepted it for the client (when accepting).")
    version: int = VERSION_FIELD


class DeliverableOut(BaseModel):
    id: int
    project_id: int
    name: str
    description: str
    due_date: dt.date | None
    acceptance_state: AcceptanceStateName
    accepted_on: dt.date | None = Field(description="The day it was accepted (set when accepting).")
    accepted_by: str
    task_id: int | None = Field(description="The task or milestone that produces it.")
    version: int


def deliverable_out(deliverable: Deliverable) -> dict[str, object]:
    return {
        "id": deliverable.pk, "project_id": deliverable.project_id, "name": deliverable.name,
        "description": deliverable.description, "due_date": deliverable.due_date,
        "acceptance_state": deliverable.acceptance_state, "accepted_on": deliverable.accepted_on,
        "accepted_by": deliverable.accepted_by, "task_id": deliverable.task_id, "version": deliverable.version,
    }
