"""Shapes of the resources API: allocations (``/projects/{id}/allocations``,
``/allocations/{id}``) and capacity (``/capacity``). Hours are decimal strings with two
places; bodies accept a JSON number or such a string. Bodies refuse unknown fields."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, WithJsonSchema

from tandem.clients.schemas.bodies import VERSION_FIELD, StrictIn
from tandem.clients.schemas.refs import UserRef, decimal_text, user_ref
from tandem.clients.schemas.values import Day, ReferenceId, body_text, patch_text
from tandem.core.api import MAX_ID, PageMeta, PageParams, optional
from tandem.delivery.models import Allocation
from tandem.delivery.selectors.capacity import DEFAULT_WEEKS, MAX_WEEKS, PersonCapacity

_HOURS_TEXT = re.compile(r"^\d{1,3}(\.\d{1,2})?$")


def _hours_value(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError("Use a number or a decimal string such as \"12.50\".")
    if isinstance(value, str) and not _HOURS_TEXT.match(value):
        raise ValueError("Use digits with at most two decimal places, such as \"12.50\".")
    return value


WeeklyHours = Annotated[
    Decimal,
    BeforeValidator(_hours_value),
    Strict(False),
    Field(ge=0, le=168, max_digits=5, decimal_places=2),
    WithJsonSchema({
        "anyOf": [{"type": "number", "minimum": 0, "maximum": 168},
                  {"type": "string", "pattern": _HOURS_TEXT.pattern}],
        "description": "Hours a week, 0 to 168: a JSON number or a string such as \"12.50\".",
    }),
]


class AllocationCreateIn(StrictIn):
    """``user_id`` works ``hours_per_week`` on the project from ``start_date`` to
    ``end_date`` (inclusive); they join the project's team."""

    user_id: ReferenceId = Field(description="An active person.")
    start_date: Day
    end_date: Day = Field(description="The last day, on or after start_date.")
    hours_per_week: WeeklyHours
    note: str = body_text(200)


class AllocationUpdateIn(StrictIn):
    """Send ``version`` and only the fields to change."""

    version: int = VERSION_FIELD
    user_id: ReferenceId = optional()
    start_date: Day = optional()
    end_date: Day = optional()
    hours_per_week: WeeklyHours = optional()
    note: str = patch_text(200)


class ProjectBrief(BaseModel):
    id: int
    code: str
    name: str


class AllocationOut(BaseModel):
    id: int
    project: ProjectBrief
    user: UserRef | None
    start_date: dt.date
    end_date: dt.date
    hours_per_week: str = Field(description="Decimal string.")
    note: str
    version: int


class AllocationPage(PageMeta):
    items: list[AllocationOut]


def allocation_out(allocation: Allocation, *, actor: Any) -> dict[str, Any]:
    project = allocation.project
    return {
        "id": allocation.pk,
        "project": {"id": project.pk, "code": project.code, "name": project.name},
        "user": user_ref(allocation.user, actor=actor),
        "start_date": allocation.start_date,
        "end_date": allocation.end_date,
        "hours_per_week": decimal_text(allocation.hours_per_week),
        "note": allocation.note,
        "version": allocation.version,
    }


class CapacityQuery(PageParams):
    start: dt.date | None = Field(default=None, description="Any day of the first week (default: this week).")
    weeks: int = Field(default=DEFAULT_WEEKS, ge=1, le=MAX_WEEKS, description=f"Weeks, 1 to {MAX_WEEKS}.")
    team: int | None = Field(default=None, ge=1, le=MAX_ID, description="Only the people of this team.")

    model_config = ConfigDict(extra="ignore")


class CapacityWeekOut(BaseModel):
    week: dt.date = Field(description="The Monday of the ISO week.")
    capacity: str = Field(description="Weekly capacity hours over the person's working days.")
    holidays: str = Field(description="Hours of organisation holidays on their working days.")
    time_off: str = Field(description="Hours of their time off on working days that are no holiday.")
    available: str = Field(description="capacity − holidays − time_off.")
    allocated: str = Field(description="Allocations prorated by the working days of the week inside their dates.")
    free: str = Field(description="available − allocated (negative when over).")
    over: bool = Field(description="allocated > available.")


class CapacityPersonOut(BaseModel):
    user: UserRef | None
    team: str | None
    weekly_capacity_hours: str
    weeks: list[CapacityWeekOut]


class CapacityOut(PageMeta):
    start: dt.date = Field(description="The Monday of the first week.")
    items: list[CapacityPersonOut]


def capacity_person_out(row: PersonCapacity, *, actor: Any) -> dict[str, Any]:
    return {
        "user": user_ref(row.user, actor=actor),
        "team": row.team_name or None,
        "weekly_capacity_hours": decimal_text(row.weekly_capacity),
        "weeks": [
            {"week": load.week, "capacity": decimal_text(load.capacity), "holidays": decimal_text(load.holidays),
             "time_off": decimal_text(load.time_off), "available": decimal_text(load.available),
             "allocated": decimal_text(load.allocated), "free": decimal_text(load.free), "over": load.over}
            for load in row.weeks
        ],
    }
