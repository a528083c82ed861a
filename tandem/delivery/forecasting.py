"""The Monte Carlo completion forecast of a stored project: load its plan as the
scheduler does (:func:`tandem.delivery.services.schedule.plan_load`), read the
three-point estimates, run :func:`tandem.delivery.scheduling.forecast`.

A read: nothing is written. A task with all three estimates (optimistic, most likely,
pessimistic minutes) is drawn from them; any other keeps its duration. Datetimes are
local times of the project's calendar. Three queries whatever the plan's size (tasks,
dependencies, estimates) besides the calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from tandem.delivery.models import Project, Task
from tandem.delivery.scheduling import CycleError, Estimate, forecast
from tandem.delivery.services.schedule import plan_load

MAX_RUNS = 20_000
DEFAULT_RUNS = 2_000


@dataclass(frozen=True)
class TaskCriticality:
    id: int
    wbs: str
    name: str
    criticality: float


@dataclass(frozen=True)
class ProjectForecast:
    runs: int
    seed: int
    p50: dt.datetime
    p80: dt.datetime
    p95: dt.datetime
    deterministic_finish: dt.datetime
    tasks: list[TaskCriticality]  # the leaf tasks in plan order
    histogram: list[tuple[dt.date, int]] = field(default_factory=list)  # finish day → runs finishing that day
    estimated_tasks: int = 0  # tasks with all three estimates (drawn; the others keep their duration)


def project_forecast(*, project: Project, runs: int = DEFAULT_RUNS, seed: int = 1) -> ProjectForecast | None:
    """The forecast of ``project`` (the caller has checked it is visible); ``None`` for
    a project without tasks."""
    if not 1 <= runs <= MAX_RUNS:
        raise ValidationError({"runs": f"Run the forecast between 1 and {MAX_RUNS:,} times."})
    plan = plan_load(project)
    if not plan.tasks:
        return None
    rows = list(Task.objects.filter(project=project).order_by("outline_index", "id").values_list(
        "id", "wbs", "name", "optimistic_minutes", "likely_minutes", "pessimistic_minutes"))
    estimates: dict[Hashable, Estimate] = {
        task_id: Estimate(optimistic, likely, pessimistic)
        for task_id, _wbs, _name, optimistic, likely, pessimistic in rows
        if optimistic is not None and likely is not None and pessimistic is not None
    }
    try:
        result = forecast(plan.tasks, plan.links, plan.calendar, plan.origin, estimates, runs=runs, seed=seed)
    except CycleError as error:
        raise ValidationError({"predecessor": str(error)}) from error
    return ProjectForecast(
        runs=result.runs, seed=result.seed, p50=result.finish[50], p80=result.finish[80], p95=result.finish[95],
        deterministic_finish=result.deterministic_finish,
        tasks=[
            TaskCriticality(id=task_id, wbs=wbs, name=name, criticality=result.criticality[task_id])
            for task_id, wbs, name, *_estimates in rows
            if task_id in result.criticality
        ],
        histogram=result.histogram,
        estimated_tasks=len(estimates),
    )
