"""Time entries in the API: bodies (strict) and answers. ``cost_rate`` / ``cost_currency``
are restricted: ``null`` for whoever may not see costs (:class:`TimeEntryPolicy`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, Strict

from tandem.clients.schemas.bodies import VERSION_FIELD, StrictIn
from tandem.clients.schemas.values import Day, ReferenceId, body_text, patch_text
from tandem.core.api import PageMeta, PageParams, optional
from tandem.core.permissions import policy_for
from tandem.delivery.models import TimeEntry

Hours = Annotated[Decimal, Strict(False), Field(ge=0, le=24, max_digits=4, decimal_places=2)]
StatusName = Literal["draft", "submitted", "approved", "rejected"]


class TimeEntryOut(BaseModel):
    id: int
    version: int
    user_id: int
    project_id: int
    project_code: str
    task_id: int | None
    date: dt.date
    hours: str
    is_billable: bool
    note: str
    status: str
    submitted_at: dt.datetime | None
    decided_by_id: int | None
    decided_at: dt.datetime | None
    return_reason: str
    cost_rate: str | None
    cost_currency: str | None


class TimeEntryPage(PageMeta):
    items: list[TimeEntryOut]


class TimeEntryListQuery(PageParams):
    project_id: ReferenceId | None = Field(default=None, description="A project's time (its manager); default: mine.")
    user_id: ReferenceId | None = None
    status: StatusName | None = None
    date_from: Day | None = None
    date_to: Day | None = None


class TimeEntryCreateIn(StrictIn):
    """Set one's own hours for a cell (project, task, day): creates the entry or changes
    the cell's entry."""

    project_id: ReferenceId
    task_id: ReferenceId | None = None
    date: Day
    hours: Hours
    is_billable: bool | None = None
    note: str = body_text(300)


class TimeEntryUpdateIn(StrictIn):
    version: int = VERSION_FIELD
    hours: Hours = optional()
    is_billable: bool = optional()
    note: str = patch_text(300)
    task_id: ReferenceId | None = optional()
    date: Day = optional()


class WeekIn(StrictIn):
    week: Day = Field(description="Any day of the week to submit (weeks run Monday to Sunday).")


class SubmittedOut(BaseModel):
    submitted: int


class DecisionIn(StrictIn):
    time_entry_ids: list[ReferenceId] = Field(min_length=1, max_length=1000)


class ReturnIn(DecisionIn):
    reason: str = body_text(300, required=True)


class DecisionOut(BaseModel):
    items: list[TimeEntryOut]


def time_entry_out(entry: TimeEntry, *, actor: Any) -> dict[str, Any]:
    sees_cost = policy_for(TimeEntry).can_see_restricted(actor, entry)
    return {
        "id": entry.pk, "version": entry.version, "user_id": entry.user_id, "project_id": entry.project_id,
        "project_code": entry.project.code, "task_id": entry.task_id, "date": entry.date, "hours": str(entry.hours),
        "is_billable": entry.is_billable, "note": entry.note, "status": entry.status,
        "submitted_at": entry.submitted_at, "decided_by_id": entry.decided_by_id, "decided_at": entry.decided_at,
        "return_reason": entry.return_reason,
        "cost_rate": str(entry.cost_rate) if sees_cost and entry.cost_rate is not None else None,
        "cost_currency": (entry.cost_currency or None) if sees_cost else None,
    }
