"""A bar dragged or resized on the Gantt, as a change of the plan.

The chart works in whole days of the project's calendar: a bar runs from its first
day to its last (both included). :func:`task_set_dates` compares the days it is given
with the task's scheduled ones (local days of the project's time zone):

* the same length in calendar days, another first day: the bar was **moved**: the
  task gets a "start no earlier than" constraint at the start of its new first day;
* another length: the bar was **resized**: the task's duration becomes the working
  minutes of the calendar from its first day to its last (and a new first day is a
  "start no earlier than" too). A milestone is only ever moved.

The change goes through :func:`tandem.delivery.services.plan.task_update` with the
version the chart read (a stale one is a conflict), which reschedules the project: the
successors move with it. A summary task's dates come from its tasks: it is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.core.permissions import require_change
from tandem.core.types import SystemActor
from tandem.delivery.calendars import from_local, project_calendar, to_local
from tandem.delivery.models import ConstraintKind, Task
from tandem.delivery.scheduling import Timeline
from tandem.delivery.services.plan import task_update

DAY = dt.timedelta(days=1)
# How far from the project's start a bar may be dragged (ten years, either way).
REACH = dt.timedelta(days=3653)


def scheduled_days(start: dt.datetime | None, finish: dt.datetime | None) -> tuple[dt.date, dt.date] | None:
    """A task's local start and finish as the days its bar covers (a finish at midnight
    ends the day before)."""
    if start is None or finish is None:
        return None
    last = finish.date()
    if finish.time() == dt.time(0) and finish > start:
        last -= DAY
    return start.date(), max(last, start.date())


@transaction.atomic
def task_set_dates(
    *, actor: SystemActor, task: Task, start: dt.date, finish: dt.date, expected_version: int | None = None,
) -> Task:
    """The task's bar now covers ``start`` to ``finish`` (see the module)."""
    project = task.project
    if actor is not None:
        require_change(actor, project)
    if task.is_summary:
        raise ValidationError({"start": f"{task.name} is a summary task: its dates come from its tasks, move those."})
    if finish < start:
        raise ValidationError({"finish": "The last day cannot come before the first."})
    for field, day in (("start", start), ("finish", finish)):
        if abs(day - project.start_date) > REACH:
            raise ValidationError({field: (
                f"{day:%d %B %Y} is too far from the project's start ({project.start_date:%d %B %Y}): "
                "choose a day within ten years of it."
            )})
    calendar, zone = project_calendar(project)
    current = scheduled_days(to_local(task.early_start, zone), to_local(task.early_finish, zone))
    old_start, old_finish = current if current is not None else (None, None)
    data: dict[str, Any] = {}
    resized = (
        not task.is_milestone and old_start is not None and old_finish is not None
        and (finish - start) != (old_finish - old_start)
    )
    if start != old_start:
        data["constraint_type"] = ConstraintKind.SNET
        data["constraint_date"] = from_local(dt.datetime.combine(start, dt.time(0)), zone)
    if resized:
        try:
            timeline = Timeline(calendar, dt.datetime.combine(start, dt.time(0)))
            minutes = timeline.offset(finish + DAY) - timeline.offset(start)
        except ValueError as error:  # a calendar with no working time around those days
            raise ValidationError({"finish": f"The project's calendar has no working time around those days ({error})."}) from error
        if minutes <= 0:
            raise ValidationError({"finish": "There is no working time on those days: end the task on a working day."})
        data["duration_minutes"] = minutes
    if not data:
        return task
    return task_update(actor=actor, task=task, data=data, expected_version=expected_version)
