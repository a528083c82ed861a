"""Delivery's interchange: project files in and out, as a neutral :class:`Plan`.

* :mod:`.plan` — the plan value (tasks in outline order, links, resources, assignments,
  calendar) and its conversion to the scheduler's inputs;
* :mod:`.mspdi` — MS Project XML, read and written;
* :mod:`.asana` — Asana's CSV export, read.

Pure code: no database. The services of delivery map a plan to and from the models.
"""

from .asana import read_asana_csv
from .mspdi import read_mspdi, write_mspdi
from .plan import Plan, PlanAssignment, PlanError, PlanLink, PlanResource, PlanTask, scheduled

__all__ = [
    "Plan",
    "PlanAssignment",
    "PlanError",
    "PlanLink",
    "PlanResource",
    "PlanTask",
    "read_asana_csv",
    "read_mspdi",
    "scheduled",
    "write_mspdi",
]
