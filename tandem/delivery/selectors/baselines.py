"""Baselines and the variance of the current plan against one (issue 9, "Baselines").

The rules
    * **Dates** are compared in **working days of the project's calendar** (its own,
      else the organisation's): the working time between the baseline date and the
      current one, divided by the calendar's working day (480 minutes on an 8-hour
      day), to a tenth of a day. A weekend or a holiday between the two dates does not
      count; a task that moved from Friday 17:00 to Monday 17:00 is one day late.
      Positive: later than the baseline (late); negative: earlier (early); 0: on time.
    * **Work**: current work − baseline work, in minutes (hours on the pages). A
      summary task's work is the sum of the work tasks under it, as when it was saved.
    * **Cost**: current work priced at the baseline's planned rate (its cost ÷ its work
      hours, see :mod:`tandem.delivery.services.baselines`) − the baseline cost. With
      no budget the rate is 0 and so is every cost variance.
    * **The project**: the finish variance is the current scheduled finish against the
      baseline's finish; work and cost variance are the totals over the work tasks.
    * A task added after the baseline was saved has no baseline values (its variance is
      empty, ``in_baseline`` false); a task deleted since has left the baseline with it
      (its rows go with the task), while the baseline's totals stay as saved.

Cost: :func:`baseline_variance` reads the plan's tasks and the baseline's rows in two
queries (besides the calendar), whatever the plan's size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from tandem.core.permissions import get_visible
from tandem.delivery.calendars import project_calendar, to_local
from tandem.delivery.models import Baseline, BaselineTask, Project, Task
from tandem.delivery.scheduling import Timeline

TENTH = Decimal("0.1")
CENT = Decimal("0.01")
VARIANCE_ORDERS = ("plan", "slipping")


@dataclass(frozen=True)
class TaskVariance:
    task_id: int
    wbs: str
    name: str
    outline_level: int
    is_summary: bool
    is_milestone: bool
    in_baseline: bool
    baseline_start: dt.datetime | None
    baseline_finish: dt.datetime | None
    current_start: dt.datetime | None
    current_finish: dt.datetime | None
    start_days: Decimal | None  # working days, positive: later than the baseline
    finish_days: Decimal | None
    baseline_work_minutes: int | None
    current_work_minutes: int
    work_minutes: int | None  # current − baseline
    baseline_cost: Decimal | None
    current_cost: Decimal
    cost: Decimal | None  # current − baseline


@dataclass(frozen=True)
class ProjectVariance:
    baseline: Baseline
    zone: ZoneInfo
    minutes_per_day: int
    hourly_rate: Decimal  # the baseline's planned rate, per work hour
    currency: str
    baseline_finish: dt.datetime | None
    current_finish: dt.datetime | None
    finish_days: Decimal | None
    baseline_work_minutes: int
    current_work_minutes: int
    work_minutes: int
    baseline_cost: Decimal
    current_cost: Decimal
    cost: Decimal
    tasks: list[TaskVariance]

    @property
    def slipping_count(self) -> int:
        return sum(1 for row in self.tasks if row.finish_days is not None and row.finish_days > 0)


def baseline_list(*, project: Project) -> QuerySet[Baseline]:
    """The project's baselines, the latest first, with who saved them (the caller has
    checked the project is visible)."""
    return Baseline.objects.filter(project=project).select_related("saved_by").order_by("-created_at", "-pk")


def baseline_get(*, actor: Any, baseline_id: Any) -> Baseline:
    """One baseline the actor may see (its project's visibility), with its project."""
    return get_visible(
        actor, Baseline.objects.select_related("project", "project__manager", "project__calendar", "saved_by"),
        baseline_id,
    )


def hourly_rate(baseline: Baseline) -> Decimal:
    """The baseline's planned rate: its cost ÷ its work hours (0 without work)."""
    if not baseline.work_minutes:
        return Decimal(0)
    return Decimal(baseline.cost) * 60 / baseline.work_minutes


def _days(timeline: Timeline | None, zone: ZoneInfo, minutes_per_day: int,
          baseline: dt.datetime | None, current: dt.datetime | None) -> Decimal | None:
    if timeline is None or baseline is None or current is None:
        return None
    minutes = timeline.offset(to_local(current, zone)) - timeline.offset(to_local(baseline, zone))  # type: ignore[arg-type]
    return (Decimal(minutes) / minutes_per_day).quantize(TENTH, rounding=ROUND_HALF_UP) + 0


def baseline_variance(*, project: Project, baseline: Baseline, order: str = "plan") -> ProjectVariance:
    """The variance of ``project``'s current plan against ``baseline`` (one of its
    own; the caller has checked both are visible), per task in plan order (``order=
    "slipping"``: the latest finishes against the baseline first) and for the
    project."""
    calendar, zone = project_calendar(project)
    minutes_per_day = calendar.minutes_per_day or 480
    try:
        timeline: Timeline | None = Timeline(calendar, dt.datetime.combine(project.start_date, dt.time(0)))
    except ValueError:  # a calendar without working time: dates cannot be compared
        timeline = None
    rate = hourly_rate(baseline)
    saved = {
        row[0]: row[1:]
        for row in BaselineTask.objects.filter(baseline=baseline).values_list(
            "task_id", "start", "finish", "work_minutes", "cost")
    }
    tasks = Task.objects.filter(project=project).order_by("outline_index", "pk").values_list(
        "id", "parent_id", "wbs", "name", "outline_level", "is_summary", "is_milestone", "early_start",
        "early_finish", "work_minutes")
    plan = list(tasks)
    # A summary's current work is the sum of the work tasks under it (as when saved).
    work = {row[0]: (0 if row[5] else row[9]) for row in plan}
    parents = {row[0]: row[1] for row in plan}
    for task_id, *_rest in plan:
        if work[task_id]:
            parent = parents[task_id]
            while parent is not None:
                work[parent] += work[task_id]
                parent = parents[parent]
    rows: list[TaskVariance] = []
    for task_id, _parent, wbs, name, level, summary, milestone, start, finish, _work in plan:
        current_work = work[task_id]
        current_cost = (rate * current_work / 60).quantize(CENT, rounding=ROUND_HALF_UP)
        before = saved.get(task_id)
        if before is None:
            rows.append(TaskVariance(
                task_id, wbs, name, level, summary, milestone, False, None, None, start, finish, None, None,
                None, current_work, None, None, current_cost, None))
            continue
        base_start, base_finish, base_work, base_cost = before
        rows.append(TaskVariance(
            task_id=task_id, wbs=wbs, name=name, outline_level=level, is_summary=summary, is_milestone=milestone,
            in_baseline=True, baseline_start=base_start, baseline_finish=base_finish, current_start=start,
            current_finish=finish,
            start_days=_days(timeline, zone, minutes_per_day, base_start, start),
            finish_days=_days(timeline, zone, minutes_per_day, base_finish, finish),
            baseline_work_minutes=base_work, current_work_minutes=current_work, work_minutes=current_work - base_work,
            baseline_cost=base_cost, current_cost=current_cost, cost=current_cost - base_cost,
        ))
    if order == "slipping":
        rows.sort(key=lambda row: -(row.finish_days if row.finish_days is not None else Decimal("-1e9")))
    total_work = sum(work[row[0]] for row in plan if not row[5])
    total_cost = (rate * total_work / 60).quantize(CENT, rounding=ROUND_HALF_UP)
    return ProjectVariance(
        baseline=baseline, zone=zone, minutes_per_day=minutes_per_day, hourly_rate=rate,
        currency=baseline.currency, baseline_finish=baseline.finish, current_finish=project.scheduled_finish,
        finish_days=_days(timeline, zone, minutes_per_day, baseline.finish, project.scheduled_finish),
        baseline_work_minutes=baseline.work_minutes, current_work_minutes=total_work,
        work_minutes=total_work - baseline.work_minutes, baseline_cost=Decimal(baseline.cost),
        current_cost=total_cost, cost=total_cost - Decimal(baseline.cost), tasks=rows,
    )
