"""The scheduling engine of delivery: pure functions over plain values, no database.

* :mod:`.calendar` turns a project's working calendar into a working-time axis: every
  date is a count of working minutes from the project's origin, and back.
* :mod:`.network` builds the dependency network (the four link types with lag or lead,
  summary tasks, constraints, actual dates), refuses cycles by naming the tasks in them,
  and runs the critical path method: forward and backward pass, early and late dates,
  total float, the critical path.
* :mod:`.montecarlo` samples three-point estimates over the same network, vectorised
  with numpy and seeded: P50 / P80 / P95 finish and each task's criticality index.

The services of delivery load a project, call :func:`schedule` and save what changed;
the benchmark P6 measures exactly that against the computation alone.
"""

from .calendar import ProjectCalendar, Timeline
from .montecarlo import Estimate, ForecastResult, forecast
from .network import (
    ConstraintType,
    CycleError,
    Link,
    LinkType,
    ScheduledTask,
    ScheduleResult,
    TaskInput,
    schedule,
)

__all__ = [
    "ConstraintType",
    "CycleError",
    "Estimate",
    "ForecastResult",
    "Link",
    "LinkType",
    "ProjectCalendar",
    "ScheduleResult",
    "ScheduledTask",
    "TaskInput",
    "Timeline",
    "forecast",
    "schedule",
]
