"""Shapes of the Gantt's API: a window of the plan's rows, and a bar's new days."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from tandem.clients.schemas.bodies import VERSION_FIELD, StrictIn
from tandem.clients.schemas.values import Day, ReferenceId
from tandem.delivery.calendars import to_local
from tandem.delivery.schemas import LocalTime
from tandem.delivery.selectors.gantt import DEFAULT_WINDOW, MAX_FOLDS, MAX_WINDOW, GanttWindow


class GanttQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    offset: int = Field(default=0, ge=0, le=1_000_000, description="The first visible row to answer, from 0.")
    limit: int = Field(default=DEFAULT_WINDOW, ge=1, le=MAX_WINDOW, description="How many rows.")
    depth: int | None = Field(
        default=None, ge=0, le=100,
        description="Outline levels shown (0: all). Default: all for plans of up to 300 tasks, else 1.",
    )
    collapsed: list[ReferenceId] = Field(
        default_factory=list, max_length=MAX_FOLDS, description="Summary tasks folded (their tasks hidden).",
    )
    expanded: list[ReferenceId] = Field(
        default_factory=list, max_length=MAX_FOLDS, description="Summary tasks opened below the depth.",
    )


class GanttRowOut(BaseModel):
    id: int
    parent_id: int | None
    name: str
    wbs: str
    level: int
    start: LocalTime | None = Field(description="Scheduled (early) start, local time of the project's calendar.")
    end: LocalTime | None = Field(description="Scheduled (early) finish.")
    progress: int = Field(description="Percent complete.")
    is_summary: bool
    is_milestone: bool
    is_critical: bool
    collapsed: bool = Field(description="A folded summary: its tasks are not in the rows.")
    dependencies: list[int] = Field(description="Its predecessors among these rows.")
    baseline_start: LocalTime | None
    baseline_finish: LocalTime | None
    version: int


class GanttOut(BaseModel):
    offset: int
    limit: int
    depth: int = Field(description="Outline levels shown by default (0: all).")
    visible_count: int = Field(description="Rows visible with this folding, over all windows.")
    task_count: int = Field(description="Tasks in the plan.")
    baseline: str | None = Field(description="The baseline shown (the latest saved), if any.")
    rows: list[GanttRowOut]


class TaskDatesIn(StrictIn):
    """A bar's days on the chart, both included, in the project's calendar."""

    version: int = VERSION_FIELD
    start: Day = Field(description="The bar's first day.")
    finish: Day = Field(description="The bar's last day.")


def gantt_out(window: GanttWindow, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "offset": window.offset, "limit": window.limit, "depth": window.depth,
        "visible_count": window.visible_count, "task_count": window.task_count, "baseline": window.baseline_name,
        "rows": [
            {
                "id": row.id, "parent_id": row.parent_id, "name": row.name, "wbs": row.wbs, "level": row.level,
                "start": to_local(row.start, zone), "end": to_local(row.finish, zone), "progress": row.progress,
                "is_summary": row.is_summary, "is_milestone": row.is_milestone, "is_critical": row.is_critical,
                "collapsed": row.collapsed, "dependencies": row.dependencies,
                "baseline_start": to_local(row.baseline_start, zone),
                "baseline_finish": to_local(row.baseline_finish, zone), "version": row.version,
            }
            for row in window.rows
        ],
    }
