"""Shapes of the baselines API: a baseline, and the variance of the current plan
against it (dates in working days of the project's calendar, work in hours, cost in
the baseline's currency; rules in :mod:`tandem.delivery.selectors.baselines`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from tandem.clients.schemas.bodies import StrictIn
from tandem.clients.schemas.refs import UserRef, decimal_text, user_ref
from tandem.clients.schemas.values import body_text
from tandem.core.api import PageMeta, PageParams
from tandem.delivery.calendars import to_local
from tandem.delivery.models import Baseline
from tandem.delivery.schemas import LocalTime
from tandem.delivery.selectors.baselines import ProjectVariance, TaskVariance
from tandem.delivery.services.baselines import NAME_MAX_LENGTH

VarianceOrder = Literal["plan", "slipping"]


class BaselineCreateIn(StrictIn):
    """Save the plan as it stands now under ``name`` (unique in the project)."""

    name: str = body_text(NAME_MAX_LENGTH, required=True, description="e.g. \"Signed off\"; unique in the project.")


class BaselineOut(BaseModel):
    id: int
    project_id: int
    name: str
    saved_by: UserRef | None
    saved_at: dt.datetime
    start: LocalTime | None = Field(description="The plan's scheduled start when saved, local time.")
    finish: LocalTime | None = Field(description="The plan's scheduled finish when saved, local time.")
    work_hours: float
    cost: str = Field(description="Decimal string: the budget spread over the plan's work (0 without a budget).")
    currency: str
    version: int


class BaselinePage(PageMeta):
    items: list[BaselineOut]


class VarianceQuery(PageParams):
    order: VarianceOrder = Field(default="plan", description="plan: WBS order; slipping: the latest finishes first.")


class TaskVarianceOut(BaseModel):
    task_id: int
    wbs: str
    name: str
    is_summary: bool
    in_baseline: bool = Field(description="False for a task added after the baseline was saved.")
    baseline_start: LocalTime | None
    baseline_finish: LocalTime | None
    current_start: LocalTime | None
    current_finish: LocalTime | None
    start_variance_days: float | None = Field(description="Working days; positive: later than the baseline.")
    finish_variance_days: float | None = Field(description="Working days; positive: later than the baseline.")
    baseline_work_hours: float | None
    current_work_hours: float
    work_variance_hours: float | None
    baseline_cost: str | None
    current_cost: str
    cost_variance: str | None


class ProjectVarianceOut(BaseModel):
    baseline_finish: LocalTime | None
    current_finish: LocalTime | None
    finish_variance_days: float | None = Field(description="Working days; positive: the project finishes later.")
    baseline_work_hours: float
    current_work_hours: float
    work_variance_hours: float
    hourly_rate: str = Field(description="The baseline's planned rate per work hour (its cost ÷ its work hours).")
    baseline_cost: str
    current_cost: str
    cost_variance: str
    currency: str
    tasks_slipping: int = Field(description="Tasks finishing later than in the baseline.")


class BaselineDetailOut(BaselineOut, PageMeta):
    variance: ProjectVarianceOut
    items: list[TaskVarianceOut] = Field(description="The variance per task, a page at a time.")


def _hours(minutes: int | None) -> float | None:
    return None if minutes is None else minutes / 60


def _days(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def baseline_out(baseline: Baseline, *, actor: Any, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": baseline.pk, "project_id": baseline.project_id, "name": baseline.name,
        "saved_by": user_ref(baseline.saved_by, actor=actor), "saved_at": baseline.created_at,
        "start": to_local(baseline.start, zone), "finish": to_local(baseline.finish, zone),
        "work_hours": baseline.work_minutes / 60, "cost": decimal_text(baseline.cost), "currency": baseline.currency,
        "version": baseline.version,
    }


def task_variance_out(row: TaskVariance, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "task_id": row.task_id, "wbs": row.wbs, "name": row.name, "is_summary": row.is_summary,
        "in_baseline": row.in_baseline,
        "baseline_start": to_local(row.baseline_start, zone), "baseline_finish": to_local(row.baseline_finish, zone),
        "current_start": to_local(row.current_start, zone), "current_finish": to_local(row.current_finish, zone),
        "start_variance_days": _days(row.start_days), "finish_variance_days": _days(row.finish_days),
        "baseline_work_hours": _hours(row.baseline_work_minutes), "current_work_hours": row.current_work_minutes / 60,
        "work_variance_hours": _hours(row.work_minutes), "baseline_cost": decimal_text(row.baseline_cost),
        "current_cost": decimal_text(row.current_cost), "cost_variance": decimal_text(row.cost),
    }


def project_variance_out(variance: ProjectVariance) -> dict[str, Any]:
    zone = variance.zone
    return {
        "baseline_finish": to_local(variance.baseline_finish, zone),
        "current_finish": to_local(variance.current_finish, zone),
        "finish_variance_days": _days(variance.finish_days),
        "baseline_work_hours": variance.baseline_work_minutes / 60,
        "current_work_hours": variance.current_work_minutes / 60,
        "work_variance_hours": variance.work_minutes / 60,
        "hourly_rate": decimal_text(variance.hourly_rate), "baseline_cost": decimal_text(variance.baseline_cost),
        "current_cost": decimal_text(variance.current_cost), "cost_variance": decimal_text(variance.cost),
        "currency": variance.currency, "tasks_slipping": variance.slipping_count,
    }


__all__ = [
    "BaselineCreateIn", "BaselineDetailOut", "BaselineOut", "BaselinePage", "VarianceQuery",
    "baseline_out", "project_variance_out", "task_variance_out",
]
